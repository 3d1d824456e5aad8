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
import java.util.function.Function;
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
 * OpenAiProvider same = OpenAiProvider.fromEnv(); // OPENAI_API_KEY, and OPENAI_BASE_URL if set
 * }</pre>
 *
 * <p><b>Credentials from the environment</b>, as OpenAI's SDKs read them: a builder given no base
 * URL takes {@value #BASE_URL_VARIABLE} when it is set, else {@value #DEFAULT_BASE_URL}; given no
 * key, it takes {@value #API_KEY_VARIABLE} when requests go to OpenAI or to
 * {@value #BASE_URL_VARIABLE}. What the builder is given always wins. Requests to OpenAI's own
 * host ({@code api.openai.com}) need a credential (a key, or a {@link Builder#header(String,
 * Secret) secret header} of a proxy's own): without one, {@link Builder#build()} fails with an
 * {@link IllegalStateException} that names {@value #API_KEY_VARIABLE}. A base URL set in code to
 * another server (a local Ollama or vLLM, a proxy) needs no key and is never sent
 * {@value #API_KEY_VARIABLE}, so OpenAI's key cannot travel to a server it was not meant for;
 * give that server's key with {@link Builder#apiKey}. The {@link OpenAiCompatible} presets read
 * their own vendor's variable instead.
 *
 * <p>It authenticates with {@code Authorization: Bearer <key>} (no header when there is no key,
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
  /** The environment variable that gives the API key when the builder has none. */
  public static final String API_KEY_VARIABLE = "OPENAI_API_KEY";
  /** The environment variable that gives the base URL when the builder has none. */
  public static final String BASE_URL_VARIABLE = "OPENAI_BASE_URL";
  private static final String OPENAI_HOST = "api.openai.com";

  private final HttpSettings settings;
  private final String endpoint;
  private final String providerName;
  private final HttpChatProvider http;

  private OpenAiProvider(Builder b, HttpSettings settings) {
    this.settings = settings;
    this.providerName = b.providerName;
    HttpUrl url = settings.endpoint("chat/completions");
    this.endpoint = url.toString();
    this.http = new HttpChatProvider(settings, ChatCompletions.ERROR_PARSER,
        new Wire(settings, url, b.dialect, b.organization, b.project));
  }

  /**
   * A builder with OpenAI's defaults. Left unset, its base URL and key come from the environment
   * (see the class documentation).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from the environment alone: the key from {@value #API_KEY_VARIABLE},
   * the base URL from {@value #BASE_URL_VARIABLE} when it is set. Unlike {@code builder().build()}
   * it needs the key whatever the base URL.
   *
   * @throws IllegalStateException naming {@value #API_KEY_VARIABLE} when it is not set
   * @throws IllegalArgumentException when {@value #BASE_URL_VARIABLE} is not a URL
   */
  public static OpenAiProvider fromEnv() {
    return fromEnv(HttpProviderBuilder.PROCESS_ENVIRONMENT);
  }

  static OpenAiProvider fromEnv(Function<String, @Nullable String> environment) {
    Builder b = builder().environment(environment);
    b.keyAlwaysRequired = true;
    return b.build();
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
    /** OpenAI's own rules for the environment (see the class); off for the presets. */
    private boolean openAiEnvironment = true;
    private @Nullable String presetKeyVariable;
    private boolean keyAlwaysRequired;

    Builder() {
      http.baseUrlVariable(BASE_URL_VARIABLE);
    }

    /**
     * The provider's id, unique within a gateway; {@value OpenAiProvider#DEFAULT_ID} by default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The base URL, as OpenAI's SDKs take it; when not set, {@value OpenAiProvider#BASE_URL_VARIABLE}
     * if that is set, else {@value OpenAiProvider#DEFAULT_BASE_URL}. A base URL set here to a server
     * other than OpenAI's gets no key from the environment.
     */
    public Builder baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API key, read on every request. When not set it comes from the environment (see
     * {@link OpenAiProvider}); without any, no {@code Authorization} is sent, which only a server
     * other than OpenAI's accepts.
     */
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
     * A preset's rule instead of OpenAI's: the key comes from {@code variable} and is required,
     * or, when it is null (a local server), none is read or needed; {@code OPENAI_BASE_URL} is not
     * read.
     */
    Builder presetKey(@Nullable String variable) {
      this.openAiEnvironment = false;
      this.presetKeyVariable = variable;
      http.baseUrlVariable(null);
      return this;
    }

    /** Where the environment is read; for tests. */
    Builder environment(Function<String, @Nullable String> environment) {
      http.environment(environment);
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     * @throws IllegalStateException when requests would go to OpenAI (or to a preset's hosted
     *     vendor) without a key, neither given nor in the environment; the message names the
     *     variable to set
     */
    public OpenAiProvider build() {
      boolean required;
      if (openAiEnvironment) {
        String given = http.givenBaseUrl();
        boolean toOpenAi = given == null || isOpenAiHost(given);
        http.keyVariables(toOpenAi || keyAlwaysRequired ? new String[] {API_KEY_VARIABLE}
            : new String[0]);
        required = keyAlwaysRequired;
      } else {
        http.keyVariables(presetKeyVariable == null ? new String[0]
            : new String[] {presetKeyVariable});
        required = presetKeyVariable != null;
      }
      HttpSettings settings = http.settings();
      if (!HttpProviderBuilder.hasCredential(settings)
          && (required || (openAiEnvironment && settings.baseUrl().host().equals(OPENAI_HOST)))) {
        throw http.missingKey(openAiEnvironment ? "OpenAiProvider.builder().apiKey(Secret)"
            : "apiKey(Secret) on the preset's builder", openAiEnvironment
                ? new String[] {API_KEY_VARIABLE} : new String[0]);
      }
      return new OpenAiProvider(this, settings);
    }

    private static boolean isOpenAiHost(String url) {
      HttpUrl parsed = HttpUrl.parse(url.strip());
      return parsed != null && parsed.host().equals(OPENAI_HOST);
    }
  }
}
