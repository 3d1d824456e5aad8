package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.StreamDecoder;
import dev.aigateway.providers.internal.VertexTarget;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The adapter for Anthropic's Claude models on Google Cloud's Vertex AI: {@code POST
 * {baseUrl}/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:rawPredict},
 * and {@code :streamRawPredict} for streams, authenticated with Google OAuth access tokens.
 *
 * <pre>{@code
 * AnthropicVertexProvider claude = AnthropicVertexProvider.builder()
 *     .project("my-project")
 *     .location("us-east5")                   // "global" by default
 *     .tokenSupplier(GoogleTokens.applicationDefault())   // ai-gateway-google-auth
 *     .build();                               // id "vertex-anthropic"
 * claude.chat(ChatRequest.of("claude-sonnet-4-5@20250929", "Hello"));
 * }</pre>
 *
 * <p>The wire format is Anthropic's Messages API, the same code as {@link AnthropicProvider}'s:
 * requests, replies, streams, tool use, thinking blocks and their signatures, refusals, usage
 * and stop reasons are mapped exactly as that class documents. What differs, as Vertex AI
 * defines it:
 * <ul>
 *   <li><b>The body</b> has no {@code model} (the URL names it) and carries
 *       {@code "anthropic_version": "vertex-2023-10-16"} ({@link Builder#version}); a field of
 *       the request's {@code extra} by either name replaces the adapter's. There is no
 *       {@code anthropic-version} header; {@link Builder#beta} still sends
 *       {@code anthropic-beta}.
 *   <li><b>Models</b> are Vertex's Claude ids ({@code claude-sonnet-4-5@20250929}), a publisher
 *       path ({@code publishers/anthropic/models/claude-sonnet-4-5@20250929}), or a whole
 *       resource name under the configured project, which is used as it is. Another publisher's
 *       path ({@code publishers/google/...}) is refused before sending.
 *   <li><b>URLs, credentials and the environment</b> follow {@code VertexAiProvider}'s rules
 *       (one shared implementation): the {@code global} location is served from
 *       {@code https://aiplatform.googleapis.com} and a region from
 *       {@code https://{location}-aiplatform.googleapis.com}; every request carries
 *       {@code Authorization: Bearer <token>} from the {@link TokenSupplier}, kept and fetched
 *       again before it expires; with no valid token the call fails with an
 *       {@link dev.aigateway.api.AuthenticationException} coded {@code token_unavailable} and
 *       nothing is sent; {@link Builder#quotaProject} adds {@code x-goog-user-project}; an unset
 *       project or location is read from {@code GOOGLE_CLOUD_PROJECT} and
 *       {@code GOOGLE_CLOUD_LOCATION}.
 *   <li><b>Errors</b> come in two shapes: the model's own are Anthropic's
 *       ({@code overloaded_error}, {@code invalid_request_error}, and stream {@code error}
 *       events), and the platform's are Google's {@code google.rpc} bodies (429
 *       {@code RESOURCE_EXHAUSTED} with its retry delay, 403 {@code PERMISSION_DENIED}, 404 for
 *       a model not enabled in the project). Both are mapped to the library's exceptions as
 *       their own adapters map them.
 *   <li><b>Observation:</b> {@link #providerName()} is {@code gcp.vertex_ai}.
 * </ul>
 *
 * <p>Timeouts come with each attempt ({@link AttemptContext}). Thread safe. Closing it aborts its
 * calls in flight. The token appears in no exception, log line or {@link #toString()}.
 */
public final class AnthropicVertexProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "vertex-anthropic";
  /** The body's {@code anthropic_version} unless {@link Builder#version} says otherwise. */
  public static final String DEFAULT_VERSION = "vertex-2023-10-16";

  private final VertexTarget target;
  private final @Nullable String beta;
  private final MessagesCodec codec;
  private final HttpChatProvider http;

  private AnthropicVertexProvider(Builder b, VertexTarget target) {
    HttpSettings settings = target.settings();
    this.target = target;
    this.beta = AnthropicProvider.betaHeader(b.betas);
    this.codec = new MessagesCodec(settings.id(), b.defaultMaxTokens, settings.clock(),
        b.version);
    this.http = new HttpChatProvider(settings, MessagesCodec.VERTEX_ERROR_PARSER, new Wire());
  }

  /** A builder; {@link Builder#project} and {@link Builder#tokenSupplier} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The URL a request for {@code model} is posted to: {@code :rawPredict}, or
   * {@code :streamRawPredict} when {@code stream}.
   *
   * @throws InvalidRequestException when the model is blank, another publisher's, or is not a
   *     model id, a publisher path or a resource name of the configured project
   */
  public String endpoint(String model, boolean stream) {
    return url(model, stream).toString();
  }

  private HttpUrl url(String model, boolean stream) {
    return target.url(model, "anthropic", "claude-sonnet-4-5@20250929",
        stream ? "streamRawPredict" : "rawPredict", false);
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code gcp.vertex_ai}, as the OpenTelemetry GenAI conventions name Vertex AI. */
  @Override
  public String providerName() {
    return "gcp.vertex_ai";
  }

  /** The base URL's {@code scheme://host:port}. */
  @Override
  public java.net.URI serverUri() {
    return target.settings().serverUri();
  }

  /** Sends {@code request} with the defaults: no attempt's limits. */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return http.chat(request);
  }

  /** Sends {@code request} within {@code attempt}, as {@link AnthropicProvider} does. */
  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    return http.chat(request, attempt);
  }

  /** Streams {@code request} with the defaults. */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return http.stream(request);
  }

  /** Streams {@code request} within {@code attempt}, as {@link AnthropicProvider} does. */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return http.stream(request, attempt);
  }

  /** True, as for {@link AnthropicProvider#supportsAssistantPrefill()}: the same Messages API. */
  @Override
  public boolean supportsAssistantPrefill() {
    return true;
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    http.close();
  }

  /** Vertex's URLs and bearer token, on Anthropic's Messages format. */
  private final class Wire implements HttpChatProvider.Vendor {
    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return AnthropicVertexProvider.this.url(request.model(), stream);
    }

    @Override
    public byte[] body(ChatRequest request, boolean stream) {
      return codec.writeRequest(request, stream);
    }

    @Override
    public void addHeaders(Request.Builder b) {
      target.addHeaders(b);
      if (beta != null) {
        b.header("anthropic-beta", beta);
      }
    }

    @Override
    public ChatResponse readResponse(JsonParser body, ChatRequest request) throws IOException {
      return codec.readResponse(body, request.model());
    }

    @Override
    public StreamDecoder streamDecoder(ChatRequest request) {
      return codec.streamDecoder(request.model());
    }
  }

  /** The id and the Vertex target; never the token. */
  @Override
  public String toString() {
    return "AnthropicVertexProvider[id=" + id() + ", " + target
        + (beta != null ? ", beta=" + beta : "") + "]";
  }

  /**
   * Builds an {@link AnthropicVertexProvider}; {@link #project} and {@link #tokenSupplier} are
   * required. Not thread safe. There are no timeouts here: a gateway passes them with each
   * attempt; a call without one gets the defaults (connect 10 s; idle 10 min for {@code chat()},
   * 5 min between stream events).
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, null);
    private final VertexTarget.Options vertex = new VertexTarget.Options();
    private String version = DEFAULT_VERSION;
    private final Set<String> betas = new LinkedHashSet<>();
    private int defaultMaxTokens = AnthropicProvider.DEFAULT_MAX_TOKENS;

    Builder() {}

    /** The provider's id, unique within a gateway; {@value #DEFAULT_ID} by default. */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The Google Cloud project id; when not set, {@code GOOGLE_CLOUD_PROJECT}.
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder project(String project) {
      vertex.project(project);
      return this;
    }

    /**
     * The location: a region where Claude is served (such as {@code us-east5} or
     * {@code europe-west1}), or {@code global}; when not set,
     * {@code GOOGLE_CLOUD_LOCATION}, else {@code global}. It also picks the default
     * base URL.
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder location(String location) {
      vertex.location(location);
      return this;
    }

    /** The base URL, instead of the one the location implies (a proxy, or a test). */
    public Builder baseUrl(String baseUrl) {
      vertex.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API version path segment, {@code v1} by default.
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder apiVersion(String apiVersion) {
      vertex.apiVersion(apiVersion);
      return this;
    }

    /** Where the OAuth access tokens come from; required. */
    public Builder tokenSupplier(TokenSupplier supplier) {
      vertex.tokenSupplier(supplier);
      return this;
    }

    /** How long before its expiry a token is fetched again; default 5 minutes. */
    public Builder tokenRefreshMargin(Duration margin) {
      vertex.tokenRefreshMargin(margin);
      return this;
    }

    /** The project billed for quota, sent as {@code x-goog-user-project}; none by default. */
    public Builder quotaProject(String quotaProject) {
      vertex.quotaProject(quotaProject);
      return this;
    }

    /**
     * The body's {@code anthropic_version}; {@value AnthropicVertexProvider#DEFAULT_VERSION} by
     * default.
     *
     * @throws IllegalArgumentException when blank
     */
    public Builder version(String version) {
      this.version = HttpProviderBuilder.requireNonBlank(version, "version");
      return this;
    }

    /**
     * Adds beta features, sent comma-joined in {@code anthropic-beta}, as
     * {@link AnthropicProvider.Builder#beta} does.
     *
     * @throws IllegalArgumentException when a name is blank or contains a comma
     */
    public Builder beta(String... features) {
      AnthropicProvider.addBetas(betas, features);
      return this;
    }

    /**
     * The {@code max_tokens} sent when a request sets none;
     * {@value AnthropicProvider#DEFAULT_MAX_TOKENS} by default.
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder defaultMaxTokens(int maxTokens) {
      this.defaultMaxTokens = AnthropicProvider.checkMaxTokens(maxTokens);
      return this;
    }

    /** A header sent with every request; replaces one the adapter would send by that name. */
    public Builder header(String name, String value) {
      http.header(name, value);
      return this;
    }

    /**
     * The application's own OkHttp client; its connection pool, proxy and interceptors are kept.
     * Without one, every provider shares one client and pool.
     */
    public Builder httpClient(OkHttpClient client) {
      http.httpClient(client);
      return this;
    }

    /** The executor that reads streams; by default the gateway's shared executor. */
    public Builder executor(Executor executor) {
      http.executor(executor);
      return this;
    }

    /** The clock for token expiry and {@code Retry-After} dates; for tests. */
    public Builder clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /** Where environment variables are read; the process environment by default. For tests. */
    Builder environment(Function<String, @Nullable String> environment) {
      http.environment(environment);
      return this;
    }

    /**
     * The most bytes one reply, or one event of a stream, may make the gateway hold; 32 MiB by
     * default (see {@link AnthropicProvider.Builder#maxResponseSize}).
     *
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public Builder maxResponseSize(long bytes) {
      http.maxResponseSize(bytes);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when the project (given or from
     *     {@code GOOGLE_CLOUD_PROJECT}) or the token supplier is missing, or a
     *     variable's value is not a single path segment
     */
    public AnthropicVertexProvider build() {
      return new AnthropicVertexProvider(this, vertex.build(http, "Claude on Vertex AI"));
    }
  }
}
