package dev.aigateway.providers.azure;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.TokenCache;
import dev.aigateway.providers.openai.OpenAiProvider;
import dev.aigateway.providers.openai.internal.ChatCompletions;
import dev.aigateway.providers.openai.internal.ChatCompletionsVendor;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The adapter for Azure OpenAI's chat completions. It speaks the same wire format as
 * {@link OpenAiProvider}, with the same mapping of requests, replies, streams and errors; only
 * the URL and the authentication differ.
 *
 * <pre>{@code
 * AzureOpenAiProvider azure = AzureOpenAiProvider.builder()
 *     .baseUrl("https://my-resource.openai.azure.com")    // the resource endpoint
 *     .apiKey(Secret.env("AZURE_OPENAI_API_KEY"))
 *     .deployment("gpt-4o", "prod-gpt4o")                 // model name -> deployment name
 *     .build();                                           // id "azure"
 * AzureOpenAiProvider same = AzureOpenAiProvider.fromEnv();   // AZURE_OPENAI_ENDPOINT, _API_KEY
 * }</pre>
 *
 * <p><b>Settings from the environment</b>, as OpenAI's SDKs read them for Azure: a builder given
 * no base URL takes {@value #ENDPOINT_VARIABLE}; given neither a key nor a token supplier, it
 * takes the key from {@value #API_KEY_VARIABLE}; given no api-version, it takes
 * {@value #API_VERSION_VARIABLE} when that is set, else {@value #DEFAULT_API_VERSION}. What the
 * builder is given always wins. A provider with no credential at all (no key, none in the
 * environment, no token supplier) fails at {@link Builder#build()} with an
 * {@link IllegalStateException} that names {@value #API_KEY_VARIABLE}; one with no endpoint fails
 * with an {@link IllegalArgumentException} that names {@value #ENDPOINT_VARIABLE}.
 *
 * <p><b>URLs.</b> By default a request goes to
 * {@code {baseUrl}/openai/deployments/{deployment}/chat/completions?api-version={apiVersion}},
 * where the deployment is the one mapped to the request's model with {@link Builder#deployment},
 * or the model name itself when there is no mapping; the body then carries no {@code model}.
 * With {@link Builder#v1Api()} it goes to Azure's newer {@code {baseUrl}/openai/v1/chat/completions}
 * instead, without an {@code api-version}, with the deployment name as the body's {@code model}.
 * A base URL that already ends in {@code /openai} or {@code /openai/v1} is accepted as it is.
 *
 * <p><b>Authentication.</b> Either an API key, sent as the {@code api-key} header, or a bearer
 * token from {@link Builder#tokenSupplier} (Microsoft Entra ID). Tokens are cached and fetched
 * again {@link Builder#tokenRefreshMargin before they expire} (5 minutes by default), by one
 * thread while the others keep using the current token; a token that has already expired is
 * never sent. Neither the key nor a token appears in an exception, a log line or
 * {@link #toString()}.
 *
 * <p><b>Content filtering.</b> An answer that Azure's filter cut has
 * {@link dev.aigateway.api.FinishReason#CONTENT_FILTER} (from {@code finish_reason:
 * content_filter}); a prompt the filter rejected fails with an
 * {@link dev.aigateway.api.InvalidRequestException} whose {@code errorCode()} is
 * {@code content_filter}. Azure's {@code prompt_filter_results} and
 * {@code content_filter_results} annotations are not exposed.
 *
 * <p>Timeouts come with each attempt ({@link AttemptContext}), as for {@link OpenAiProvider}, with
 * the same defaults for a call without one (see {@link OpenAiProvider.Builder}). Thread safe.
 * Closing it aborts its calls in flight.
 */
public final class AzureOpenAiProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "azure";
  /** The default {@code api-version}: the latest dated GA version of the inference API. */
  public static final String DEFAULT_API_VERSION = "2024-10-21";
  /** The environment variable that gives the API key when the builder has no credential. */
  public static final String API_KEY_VARIABLE = "AZURE_OPENAI_API_KEY";
  /** The environment variable that gives the resource endpoint when the builder has none. */
  public static final String ENDPOINT_VARIABLE = "AZURE_OPENAI_ENDPOINT";
  /** The environment variable that gives the api-version when the builder has none. */
  public static final String API_VERSION_VARIABLE = "OPENAI_API_VERSION";
  /** How long before a token's expiry it is fetched again, by default. */
  public static final Duration DEFAULT_TOKEN_REFRESH_MARGIN = Duration.ofMinutes(5);

  private final HttpSettings settings;
  private final boolean v1;
  private final HttpUrl openaiRoot;
  private final HttpUrl v1Endpoint;
  private final String apiVersion;
  private final Map<String, String> deployments;
  private final @Nullable TokenCache tokens;
  private final HttpChatProvider http;

  private AzureOpenAiProvider(Builder b, HttpSettings settings, String apiVersion) {
    this.settings = settings;
    this.v1 = b.v1;
    this.openaiRoot = openaiRoot(settings.baseUrl());
    this.v1Endpoint = openaiRoot.newBuilder().addPathSegments("v1/chat/completions").build();
    this.apiVersion = apiVersion;
    this.deployments = Map.copyOf(b.deployments);
    this.tokens = b.tokenSupplier == null ? null
        : new TokenCache(settings.id(), b.tokenSupplier, b.tokenRefreshMargin, settings.clock());
    this.http = new HttpChatProvider(settings, ChatCompletions.ERROR_PARSER, new Wire(
        b.v1 ? ChatCompletions.Dialect.OPENAI
            : new ChatCompletions.Dialect(ChatCompletions.MaxTokensField.MAX_COMPLETION_TOKENS,
                true, "seed", false)));
  }

  /** {@code {baseUrl}/openai}, whether the base URL is the resource, {@code /openai} or v1. */
  private static HttpUrl openaiRoot(HttpUrl base) {
    List<String> segments = new ArrayList<>(base.pathSegments());
    segments.removeIf(String::isEmpty);
    if (!segments.isEmpty() && segments.get(segments.size() - 1).equals("v1")) {
      segments.remove(segments.size() - 1);
    }
    if (segments.isEmpty() || !segments.get(segments.size() - 1).equals("openai")) {
      segments.add("openai");
    }
    HttpUrl.Builder b = base.newBuilder().encodedPath("/");
    for (String s : segments) {
      b.addPathSegment(s);
    }
    return b.build();
  }

  /**
   * A builder. It needs a base URL and a credential, given or from the environment (see the class
   * documentation).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from the environment alone: {@code builder().build()}, the endpoint
   * from {@value #ENDPOINT_VARIABLE}, the key from {@value #API_KEY_VARIABLE}, and the
   * api-version from {@value #API_VERSION_VARIABLE} when it is set. Requests for a model go to
   * the deployment of the same name.
   *
   * @throws IllegalArgumentException naming {@value #ENDPOINT_VARIABLE} when it is not set or
   *     not a URL
   * @throws IllegalStateException naming {@value #API_KEY_VARIABLE} when it is not set
   */
  public static AzureOpenAiProvider fromEnv() {
    return builder().build();
  }

  static AzureOpenAiProvider fromEnv(Function<String, @Nullable String> environment) {
    return builder().environment(environment).build();
  }

  /** The deployment a request for {@code model} goes to. */
  public String deploymentFor(String model) {
    return deployments.getOrDefault(model, model);
  }

  /** The URL a request for {@code model} is posted to. */
  public String endpoint(String model) {
    return url(model).toString();
  }

  private HttpUrl url(String model) {
    if (v1) {
      return v1Endpoint;
    }
    return openaiRoot.newBuilder()
        .addPathSegment("deployments")
        .addPathSegment(deploymentFor(model))
        .addPathSegments("chat/completions")
        .addQueryParameter("api-version", apiVersion)
        .build();
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code azure.ai.openai}, as the OpenTelemetry GenAI conventions name it. */
  @Override
  public String providerName() {
    return "azure.ai.openai";
  }

  /** The base URL's {@code scheme://host:port}. */
  @Override
  public java.net.URI serverUri() {
    return settings.serverUri();
  }

  /** Sends {@code request} with the defaults: no attempt's limits. */
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

  /** Streams {@code request} with the defaults. */
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

  /** Azure's URLs and authentication on the shared Chat Completions format. */
  private final class Wire extends ChatCompletionsVendor {
    Wire(ChatCompletions.Dialect dialect) {
      super(settings.id(), dialect);
    }

    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return AzureOpenAiProvider.this.url(request.model());
    }

    @Override
    protected String bodyModel(ChatRequest request) {
      return deploymentFor(request.model());
    }

    @Override
    public void addHeaders(Request.Builder b) {
      if (tokens != null) {
        b.header("Authorization", "Bearer " + tokens.current());
      } else {
        b.header("api-key", settings.revealApiKey());
      }
    }
  }

  @Override
  public String toString() {
    return "AzureOpenAiProvider[id=" + settings.id() + ", endpoint="
        + (v1 ? v1Endpoint : openaiRoot + "/deployments/…?api-version=" + apiVersion)
        + ", auth=" + (tokens != null ? "token supplier" : String.valueOf(settings.apiKey()))
        + "]";
  }

  /**
   * Builds an {@link AzureOpenAiProvider}; a base URL is required ({@link #baseUrl} or
   * {@value AzureOpenAiProvider#ENDPOINT_VARIABLE}), and exactly one credential: {@link #apiKey},
   * {@link #tokenSupplier}, or else {@value AzureOpenAiProvider#API_KEY_VARIABLE}. Not thread safe. There are no timeouts here: they
   * come with each attempt (see {@link OpenAiProvider.Builder} for the defaults).
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, null);
    private boolean v1;
    private @Nullable String apiVersion;
    private final Map<String, String> deployments = new LinkedHashMap<>();
    private @Nullable TokenSupplier tokenSupplier;
    private Duration tokenRefreshMargin = DEFAULT_TOKEN_REFRESH_MARGIN;

    Builder() {
      http.baseUrlVariable(ENDPOINT_VARIABLE);
    }

    /**
     * The provider's id, unique within a gateway; {@value AzureOpenAiProvider#DEFAULT_ID} by
     * default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The resource endpoint, such as {@code https://my-resource.openai.azure.com}, as Azure's docs
     * give it; with {@code /openai} or {@code /openai/v1} after it is accepted too. When not set,
     * {@value AzureOpenAiProvider#ENDPOINT_VARIABLE}.
     */
    public Builder baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API key, sent as the {@code api-key} header and read on every request. With neither a
     * key nor a {@link #tokenSupplier}, {@value AzureOpenAiProvider#API_KEY_VARIABLE}.
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

    /** The clock for {@code Retry-After} dates and token expiry; for tests. */
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
     * The {@code api-version} query parameter of deployment URLs; when not set,
     * {@value AzureOpenAiProvider#API_VERSION_VARIABLE} if that is set, else {@value
     * #DEFAULT_API_VERSION}.
     */
    public Builder apiVersion(String apiVersion) {
      if (apiVersion == null || apiVersion.isBlank()) {
        throw new IllegalArgumentException("apiVersion must not be blank");
      }
      this.apiVersion = apiVersion.strip();
      return this;
    }

    /** Sends requests for {@code model} to {@code deployment}; unmapped models are their own. */
    public Builder deployment(String model, String deployment) {
      if (model == null || model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      if (deployment == null || deployment.isBlank() || deployment.contains("/")) {
        throw new IllegalArgumentException(
            "deployment for " + model + " must be a non-blank name without '/'");
      }
      deployments.put(model, deployment);
      return this;
    }

    /** Every entry of {@code modelToDeployment}, as {@link #deployment}. */
    public Builder deployments(Map<String, String> modelToDeployment) {
      modelToDeployment.forEach(this::deployment);
      return this;
    }

    /** Uses Azure's {@code /openai/v1/chat/completions} API, which takes no api-version. */
    public Builder v1Api() {
      this.v1 = true;
      return this;
    }

    /** Authenticates with bearer tokens from {@code supplier} (Entra ID) instead of a key. */
    public Builder tokenSupplier(TokenSupplier supplier) {
      this.tokenSupplier = Objects.requireNonNull(supplier, "supplier");
      return this;
    }

    /** How long before its expiry a token is fetched again; default 5 minutes. */
    public Builder tokenRefreshMargin(Duration margin) {
      this.tokenRefreshMargin = TokenCache.checkMargin(margin);
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
     * @throws IllegalArgumentException when the base URL is missing (naming
     *     {@value AzureOpenAiProvider#ENDPOINT_VARIABLE}) or invalid, or when both an API key and
     *     a token supplier were given
     * @throws IllegalStateException when there is no credential: no key, given or in
     *     {@value AzureOpenAiProvider#API_KEY_VARIABLE}, and no token supplier
     */
    public AzureOpenAiProvider build() {
      // A token supplier is the credential: the environment's key is then not read at all.
      http.keyVariables(tokenSupplier == null ? new String[] {API_KEY_VARIABLE} : new String[0]);
      HttpSettings settings = http.settings();
      if (settings.apiKey() == null && tokenSupplier == null) {
        throw http.missingKey("AzureOpenAiProvider.builder().apiKey(Secret) or tokenSupplier(...)");
      }
      if (settings.apiKey() != null && tokenSupplier != null) {
        throw new IllegalArgumentException(
            "set either apiKey(Secret) or tokenSupplier(...), not both");
      }
      String version = apiVersion;
      if (version == null) {
        version = http.variable(API_VERSION_VARIABLE);
      }
      return new AzureOpenAiProvider(this, settings, version != null ? version
          : DEFAULT_API_VERSION);
    }
  }
}
