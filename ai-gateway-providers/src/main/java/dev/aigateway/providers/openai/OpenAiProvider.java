package dev.aigateway.providers.openai;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.openai.internal.ChatCompletions;
import dev.aigateway.providers.openai.internal.ChatCompletionsVendor;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The adapter for OpenAI's Chat Completions API ({@code POST {baseUrl}/chat/completions}), and for
 * any server that speaks it (see {@link OpenAiCompatible} for presets).
 *
 * <pre>{@code
 * OpenAiProvider openai = OpenAiProvider.builder()
 *     .apiKey(Secret.env("OPENAI_API_KEY"))
 *     .build();                                   // id "openai", https://api.openai.com/v1
 * }</pre>
 *
 * <p>It authenticates with {@code Authorization: Bearer <key>} (no header when no key is set,
 * for local servers), and sends {@code OpenAI-Organization} and {@code OpenAI-Project} when set.
 * Streams ask for usage with {@code stream_options.include_usage}.
 *
 * <p>Mapping: a user message of one text part is sent as a string, other content as an array of
 * {@code text} and {@code image_url} parts, image bytes as a {@code data:} URL; tool schemas and
 * JSON response schemas go on the wire as JSON objects (text that does not parse is rejected with
 * an {@link dev.aigateway.api.InvalidRequestException} before anything is sent); only the first
 * choice is read; a refusal is the answer's {@link dev.aigateway.api.ChatResponse#refusal()}, not
 * its text, with {@link dev.aigateway.api.FinishReason#CONTENT_FILTER}; reasoning text
 * ({@code reasoning_content}, {@code reasoning}, Mistral's {@code thinking} parts) is its
 * {@link dev.aigateway.api.ChatResponse#reasoning()} and is not sent back on later turns; in a stream, the finish reason and usage,
 * which OpenAI sends in two chunks before {@code [DONE]}, arrive together on the last chunk; a body
 * that ends cleanly after the finish reason, without {@code [DONE]} (some compatible servers), is
 * complete too.
 *
 * <p>Timeouts come with each attempt ({@link AttemptContext}); see {@link Builder} for the
 * defaults a call without one gets. Thread safe. Closing it aborts its calls in flight. Neither
 * the key nor a secret header appears in an exception, a log line or {@link #toString()}.
 */
public final class OpenAiProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "openai";
  /** The default base URL, as in OpenAI's SDKs. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private final HttpSettings settings;
  private final String endpoint;
  private final String providerName;
  private final HttpChatProvider http;

  private OpenAiProvider(Builder b) {
    this.settings = b.http.settings();
    this.providerName = b.providerName;
    HttpUrl url = settings.endpoint("chat/completions");
    this.endpoint = url.toString();
    this.http = new HttpChatProvider(settings, ChatCompletions.ERROR_PARSER,
        new Wire(settings, url, b.dialect, b.organization, b.project));
  }

  /** A builder with OpenAI's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The URL requests are posted to. */
  public String endpoint() {
    return endpoint;
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code openai} (a preset names its own vendor), as the OpenTelemetry GenAI conventions name it. */
  @Override
  public String providerName() {
    return providerName;
  }

  /** The base URL's {@code scheme://host:port}. */
  @Override
  public java.net.URI serverUri() {
    return settings.serverUri();
  }

  /** Sends {@code request} with the defaults of {@link Builder}: no attempt's limits. */
  @Override
  public ChatResponse chat(ChatRequest request) {
    return http.chat(request);
  }

  /**
   * Sends {@code request} within {@code attempt}: its cancellation aborts the exchange (a
   * {@link java.util.concurrent.CancellationException}), its timeout bounds it (with the
   * request's own, whichever is shorter), and its connect and idle timeouts replace the defaults.
   */
  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    return http.chat(request, attempt);
  }

  /** Streams {@code request} with the defaults of {@link Builder}. */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return http.stream(request);
  }

  /**
   * Streams {@code request} within {@code attempt}, as {@link #chat(ChatRequest, AttemptContext)};
   * the idle timeout is the longest gap between two events, and a cancelled attempt ends the
   * stream with {@code onError(CancellationException)}.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return http.stream(request, attempt);
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    http.close();
  }

  /** The id and endpoint; the key shows only as its source, never its value. */
  @Override
  public String toString() {
    return "OpenAiProvider[id=" + settings.id() + ", endpoint=" + endpoint + ", apiKey="
        + settings.apiKey() + "]";
  }

  /** OpenAI's URL and headers on the shared Chat Completions format. */
  private static final class Wire extends ChatCompletionsVendor {
    private final HttpSettings settings;
    private final HttpUrl endpoint;
    private final @Nullable String organization;
    private final @Nullable String project;

    Wire(HttpSettings settings, HttpUrl endpoint, ChatCompletions.Dialect dialect,
        @Nullable String organization, @Nullable String project) {
      super(settings.id(), dialect);
      this.settings = settings;
      this.endpoint = endpoint;
      this.organization = organization;
      this.project = project;
    }

    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return endpoint;
    }

    @Override
    public void addHeaders(Request.Builder b) {
      if (settings.apiKey() != null) {
        b.header("Authorization", "Bearer " + settings.revealApiKey());
      }
      if (organization != null) {
        b.header("OpenAI-Organization", organization);
      }
      if (project != null) {
        b.header("OpenAI-Project", project);
      }
    }
  }

  /**
   * Builds an {@link OpenAiProvider}. Not thread safe.
   *
   * <p>There are no timeouts here: a gateway passes them with each attempt, from its
   * {@code Timeouts} (gateway default, route, request). A call without an attempt, or an attempt
   * that leaves one unset, gets the defaults: connect 10 s; idle 10 min for {@code chat()} (the
   * whole answer arrives at once) and 5 min between stream events (reasoning models may think
   * for minutes); no total deadline unless the request has a {@code timeout}. With
   * {@link #httpClient(OkHttpClient)}, that client's connect and read timeouts are the defaults
   * instead.
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, DEFAULT_BASE_URL);
    private @Nullable String organization;
    private @Nullable String project;
    private ChatCompletions.Dialect dialect = ChatCompletions.Dialect.OPENAI;
    private String providerName = "openai";

    Builder() {}

    /**
     * The provider's id, unique within a gateway; {@value OpenAiProvider#DEFAULT_ID} by default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The base URL, as OpenAI's SDKs take it; {@value OpenAiProvider#DEFAULT_BASE_URL} by default.
     */
    public Builder baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return this;
    }

    /** The API key, read on every request; without one no {@code Authorization} is sent. */
    public Builder apiKey(Secret apiKey) {
      http.apiKey(apiKey);
      return this;
    }

    /** A header sent with every request; replaces one the adapter would send by that name. */
    public Builder header(String name, String value) {
      http.header(name, value);
      return this;
    }

    /** A header whose value is a credential: read per request and redacted like the API key. */
    public Builder header(String name, Secret value) {
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

    /** The clock used to read {@code Retry-After} dates; for tests. */
    public Builder clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /**
     * The most bytes one reply may make the gateway hold: a plain reply's whole body, or any one
     * event of a stream (a stream as a whole may be longer); 32 MiB by default, room for images
     * and audio inlined as base64. A reply over it fails with a {@code ProviderException} coded
     * {@code response_too_large} that names the limit, and is not retried on this provider (a
     * gateway fails over). A body that is not what the vendor's format says (garbage, a page of
     * HTML) fails at its first bytes, whatever its size.
     *
     * @throws IllegalArgumentException when {@code bytes} is not positive
     */
    public Builder maxResponseSize(long bytes) {
      http.maxResponseSize(bytes);
      return this;
    }

    /**
     * The vendor's name in traces and metrics ({@code gen_ai.provider.name}); {@code openai}
     * unless set. The {@link OpenAiCompatible} presets set their vendor's (the conventions'
     * {@code groq}, {@code mistral_ai}, {@code deepseek}, ...); set it for any other server.
     */
    public Builder providerName(String providerName) {
      this.providerName = HttpProviderBuilder.requireNonBlank(providerName, "providerName");
      return this;
    }

    /** Sends {@code OpenAI-Organization}. */
    public Builder organization(String organization) {
      this.organization = HttpProviderBuilder.requireNonBlank(organization, "organization");
      return this;
    }

    /** Sends {@code OpenAI-Project}. */
    public Builder project(String project) {
      this.project = HttpProviderBuilder.requireNonBlank(project, "project");
      return this;
    }

    /** The server's field names, where they differ from OpenAI's; the presets set it. */
    Builder dialect(ChatCompletions.Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public OpenAiProvider build() {
      return new OpenAiProvider(this);
    }
  }
}
