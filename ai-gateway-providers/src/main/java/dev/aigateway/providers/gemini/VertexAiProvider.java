package dev.aigateway.providers.gemini;

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
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The adapter for Gemini on Google Cloud's Vertex AI: {@code POST
 * {baseUrl}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent},
 * and {@code :streamGenerateContent?alt=sse} for streams, authenticated with Google OAuth access
 * tokens.
 *
 * <pre>{@code
 * VertexAiProvider vertex = VertexAiProvider.builder()
 *     .project("my-project")
 *     .location("europe-west4")               // "global" by default
 *     .tokenSupplier(GoogleTokens.applicationDefault())   // ai-gateway-google-auth
 *     .build();                               // id "vertex"
 * }</pre>
 *
 * <p>The wire format is Gemini's own, the same code as {@link GeminiProvider}'s: requests,
 * replies, streams, tool calls, usage, finish reasons and {@code google.rpc} errors are mapped
 * exactly as that class documents. What differs:
 * <ul>
 *   <li><b>URLs.</b> The base URL is {@code https://aiplatform.googleapis.com} for the
 *       {@code global} location and {@code https://{location}-aiplatform.googleapis.com} for a
 *       region (set {@link Builder#baseUrl} for a Private Service Connect endpoint or a proxy).
 *       A model is a name ({@code gemini-2.5-flash}), a publisher path
 *       ({@code publishers/google/models/gemini-2.5-flash}), or a whole resource name under the
 *       configured project ({@code projects/my-project/locations/us-central1/endpoints/123} for
 *       a tuned model's endpoint), which is used as it is.
 *   <li><b>Credentials.</b> Every request carries {@code Authorization: Bearer <token>} from the
 *       {@link TokenSupplier}; the token is kept and fetched again 5 minutes
 *       ({@link Builder#tokenRefreshMargin}) before it expires, by one thread while the others
 *       keep using the current one. A failed refresh keeps a token that is still valid; with no
 *       valid token the call fails with an {@link dev.aigateway.api.AuthenticationException}
 *       coded {@code token_unavailable}, and nothing is sent. {@link Builder#quotaProject} adds
 *       {@code x-goog-user-project}, for user credentials billed to another project.
 *   <li><b>The environment.</b> A builder given no project reads {@value #PROJECT_VARIABLE}, and
 *       one given no location {@value #LOCATION_VARIABLE}, as Google's SDKs do.
 *   <li><b>Observation.</b> {@link #providerName()} is {@code gcp.vertex_ai}, as the
 *       OpenTelemetry GenAI conventions name it.
 * </ul>
 *
 * <p>Vertex's streamed function-call arguments ({@code partialArgs}), reasoning parts and their
 * {@code thoughtSignature}s are read and sent back as {@link GeminiProvider} documents. It speaks
 * to Google's models only: a publisher path of another publisher is refused before sending.
 * Anthropic's Claude models on Vertex ({@code rawPredict}) are
 * {@link dev.aigateway.providers.anthropic.AnthropicVertexProvider}, with the same project,
 * location and token rules; other publishers' models are not offered.
 * Timeouts come with each attempt ({@link AttemptContext}). Thread safe. Closing it aborts its
 * calls in flight. The token appears in no exception, log line or {@link #toString()}.
 */
public final class VertexAiProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "vertex";
  /** The default location: Google's global endpoint. */
  public static final String DEFAULT_LOCATION = VertexTarget.GLOBAL;
  /** The default API version. */
  public static final String DEFAULT_API_VERSION = "v1";
  /** The environment variable that gives the project when the builder has none. */
  public static final String PROJECT_VARIABLE = VertexTarget.PROJECT_VARIABLE;
  /** The environment variable that gives the location when the builder has none. */
  public static final String LOCATION_VARIABLE = VertexTarget.LOCATION_VARIABLE;

  private final VertexTarget target;
  private final GenerateContent codec;
  private final HttpChatProvider http;

  private VertexAiProvider(Builder b, VertexTarget target) {
    HttpSettings settings = target.settings();
    this.target = target;
    this.codec = new GenerateContent(settings.id(), b.schemaField, settings.clock());
    this.http = new HttpChatProvider(settings, GenerateContent.ERROR_PARSER, new Wire());
  }

  /** A builder; {@link Builder#project} and {@link Builder#tokenSupplier} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The URL a request for {@code model} is posted to: {@code :generateContent}, or
   * {@code :streamGenerateContent?alt=sse} when {@code stream}.
   *
   * @throws InvalidRequestException when the model is blank, another publisher's, or is not a
   *     model name, a publisher path or a resource name of the configured project
   */
  public String endpoint(String model, boolean stream) {
    return url(model, stream).toString();
  }

  private HttpUrl url(String model, boolean stream) {
    return target.url(model, "google", "gemini-2.5-flash",
        stream ? "streamGenerateContent" : "generateContent", stream);
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code gcp.vertex_ai}, as the OpenTelemetry GenAI conventions name it. */
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

  /** Sends {@code request} within {@code attempt}, as {@link GeminiProvider} does. */
  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    return http.chat(request, attempt);
  }

  /** Streams {@code request} with the defaults. */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return http.stream(request);
  }

  /** Streams {@code request} within {@code attempt}, as {@link GeminiProvider} does. */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return http.stream(request, attempt);
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    http.close();
  }

  /** Vertex's URLs and bearer token, on Gemini's GenerateContent format. */
  private final class Wire implements HttpChatProvider.Vendor {
    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return VertexAiProvider.this.url(request.model(), stream);
    }

    @Override
    public byte[] body(ChatRequest request, boolean stream) {
      return codec.writeRequest(request);
    }

    @Override
    public void addHeaders(Request.Builder b) {
      target.addHeaders(b);
    }

    @Override
    public ChatResponse readResponse(JsonParser body, ChatRequest request)
        throws IOException {
      return codec.readResponse(body, request.model());
    }

    @Override
    public StreamDecoder streamDecoder(ChatRequest request) {
      return codec.streamDecoder(request.model());
    }
  }

  @Override
  public String toString() {
    return "VertexAiProvider[id=" + id() + ", " + target + "]";
  }

  /**
   * Builds a {@link VertexAiProvider}; {@link #project} and {@link #tokenSupplier} are required.
   * Not thread safe. There are no timeouts here: a gateway passes them with each attempt; a call
   * without one gets the defaults (connect 10 s; idle 10 min for {@code chat()}, 5 min between
   * stream events).
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, null);
    private final VertexTarget.Options vertex = new VertexTarget.Options();
    private GeminiProvider.SchemaField schemaField = GeminiProvider.SchemaField.JSON_SCHEMA;

    Builder() {}

    /** The provider's id, unique within a gateway; {@value VertexAiProvider#DEFAULT_ID} by default. */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The Google Cloud project id (not its number or display name); when not set,
     * {@value VertexAiProvider#PROJECT_VARIABLE}, as Google's SDKs read it.
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder project(String project) {
      vertex.project(project);
      return this;
    }

    /**
     * The location: a region such as {@code us-central1}, or {@value VertexAiProvider#DEFAULT_LOCATION};
     * when not set, {@value VertexAiProvider#LOCATION_VARIABLE}, else
     * {@value VertexAiProvider#DEFAULT_LOCATION}. It also picks the default base URL.
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder location(String location) {
      vertex.location(location);
      return this;
    }

    /**
     * The base URL, instead of the one the location implies (for a Private Service Connect
     * endpoint, a proxy, or a test).
     */
    public Builder baseUrl(String baseUrl) {
      vertex.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API version path segment, {@value VertexAiProvider#DEFAULT_API_VERSION} by default
     * ({@code v1beta1} for preview features).
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
     * default (see {@link GeminiProvider.Builder#maxResponseSize}).
     *
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public Builder maxResponseSize(long bytes) {
      http.maxResponseSize(bytes);
      return this;
    }

    /** Which fields carry JSON Schemas; {@link GeminiProvider.SchemaField#JSON_SCHEMA} by default. */
    public Builder schemaField(GeminiProvider.SchemaField schemaField) {
      this.schemaField = Objects.requireNonNull(schemaField, "schemaField");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when the project (given or from
     *     {@value VertexAiProvider#PROJECT_VARIABLE}) or the token supplier is missing, or a
     *     variable's value is not a single path segment
     */
    public VertexAiProvider build() {
      return new VertexAiProvider(this, vertex.build(http, "Vertex AI"));
    }
  }
}
