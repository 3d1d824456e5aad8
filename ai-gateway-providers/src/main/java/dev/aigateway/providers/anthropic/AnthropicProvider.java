package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.StreamDecoder;
import java.io.IOException;
import java.time.Clock;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * The adapter for Anthropic's Messages API ({@code POST {baseUrl}/v1/messages}).
 *
 * <pre>{@code
 * AnthropicProvider anthropic = AnthropicProvider.builder()
 *     .apiKey(Secret.env("ANTHROPIC_API_KEY"))
 *     .build();                          // id "anthropic", https://api.anthropic.com
 * AnthropicProvider same = AnthropicProvider.fromEnv();   // ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL
 * }</pre>
 *
 * <p><b>Credentials from the environment</b>, as Anthropic's SDKs read them: a builder given no
 * key takes {@value #API_KEY_VARIABLE}, and one given no base URL takes
 * {@value #BASE_URL_VARIABLE} when it is set. What the builder is given always wins. A provider
 * with no credential at all (no key, none in the environment, and no {@link Builder#header(String,
 * Secret) secret header} of a proxy's own) fails at {@link Builder#build()} with an
 * {@link IllegalStateException} that names {@value #API_KEY_VARIABLE}.
 *
 * <p>It authenticates with {@code x-api-key} (no such header without a key, for proxies that add
 * their own credentials through a secret header), and sends {@code anthropic-version} ({@value
 * #DEFAULT_VERSION} unless {@link Builder#version} says otherwise) and, when
 * {@link Builder#beta} was given, {@code anthropic-beta}.
 *
 * <p>How a {@link ChatRequest} is mapped:
 * <ul>
 *   <li>{@code model}, {@code temperature} (0 to 1; a higher value is rejected before sending),
 *       {@code topP} ({@code top_p}), {@code stop} ({@code stop_sequences}) as they are.
 *   <li>{@code maxTokens} becomes {@code max_tokens}, which Anthropic requires: when the request
 *       has none, {@link Builder#defaultMaxTokens} ({@value #DEFAULT_MAX_TOKENS} unless set) is
 *       sent.
 *   <li>System messages, wherever they stand, become the top-level {@code system} string, joined
 *       by a blank line.
 *   <li>User text and images: images as {@code base64} sources, {@code http(s)} URLs as
 *       {@code url} sources, and {@code data:} URLs as {@code base64} sources. Other URL schemes
 *       are rejected with an {@link dev.aigateway.api.InvalidRequestException}.
 *   <li>Assistant messages: a {@code text} block, then one {@code tool_use} block per tool call,
 *       whose {@code input} is the call's arguments parsed as a JSON object (arguments that are
 *       not a JSON object are rejected, naming the call).
 *   <li>Tool results become {@code tool_result} blocks in a user turn. Consecutive messages that
 *       land in the same Anthropic role (tool results and user messages; assistant messages) are
 *       merged into one turn, in order, so the turns strictly alternate.
 *   <li>Tools become {@code {name, description, input_schema}}; {@code toolChoice} becomes
 *       {@code auto}, {@code any} (for required), {@code tool} with its name, or {@code none}.
 *       {@code disable_parallel_tool_use} is not set.
 *   <li>{@code responseFormat}: a JSON schema becomes {@code output_config.format} of type
 *       {@code json_schema} (Anthropic's structured outputs; the schema's name and strict flag
 *       have no equivalent and are not sent). Plain text sends nothing. "Any JSON object" has no
 *       Anthropic equivalent and is rejected with an
 *       {@link dev.aigateway.api.InvalidRequestException}.
 *   <li>Not sent, since the Messages API has no equivalent: {@code seed} (ignored, so that a
 *       request routed across vendors still works), and {@code metadata} and {@code clientId}
 *       (never sent to any vendor). A tool result cannot be flagged as an error
 *       ({@code is_error}), and prompt caching ({@code cache_control}) is not set; both are
 *       reachable only through {@code extra}.
 *   <li>{@code extra} fields are written into the body as they are, and replace the adapter's
 *       field of the same name (for example {@code thinking}, {@code metadata}, or a whole
 *       {@code output_config}).
 * </ul>
 *
 * <p>How a reply is read: text blocks are joined into the answer's text; {@code tool_use}
 * blocks become {@link dev.aigateway.api.ToolCall}s (index by order among the tool calls).
 * <b>Thinking blocks are kept</b>, apart from the answer: a {@code thinking} block (in streams
 * its {@code thinking_delta}s and {@code signature_delta}) becomes a
 * {@link dev.aigateway.api.ContentPart.Reasoning} signed with its {@code signature}, and a
 * {@code redacted_thinking} block a redacted one holding its {@code data}, in order, in the
 * response's {@link dev.aigateway.api.ChatResponse#message() message};
 * {@link dev.aigateway.api.ChatResponse#reasoning()} joins their text, and their tokens are
 * {@link dev.aigateway.api.Usage#reasoningTokens()} when Anthropic gives
 * {@code output_tokens_details.thinking_tokens}. When that message is sent back (extended thinking
 * with tool use requires it on the turn that carries the tool results), its Anthropic-signed
 * thinking and redacted thinking blocks are written first, exactly as received; reasoning signed
 * by another wire format, or not signed, is left out. Unknown block and event types (server tools, citations) are ignored; a block or
 * event that is malformed fails with a {@link dev.aigateway.api.MalformedResponseException}.
 *
 * <p>Stop reasons: {@code end_turn} and {@code stop_sequence} are STOP; {@code max_tokens} and
 * {@code model_context_window_exceeded} are LENGTH; {@code tool_use} is TOOL_CALLS;
 * {@code refusal} is CONTENT_FILTER, with an empty {@link dev.aigateway.api.ChatResponse#refusal()}
 * (the text, if any, stays the answer's text); {@code pause_turn} and anything else are OTHER (and
 * TOOL_CALLS when the answer holds tool calls). Usage: input tokens are {@code input_tokens +
 * cache_read_input_tokens + cache_creation_input_tokens}, cached tokens are
 * {@code cache_read_input_tokens}. In a stream, the input counts come from {@code message_start}
 * and the cumulative output count from the last {@code message_delta}; usage and the finish reason
 * are delivered once, on the last chunk, when {@code message_stop} arrives (or when the body ends
 * cleanly after a {@code message_delta} with the stop reason). A stream {@code error}
 * event ends the stream with the exception its error type's HTTP status maps to
 * ({@code overloaded_error} as 529: a retryable
 * {@link dev.aigateway.api.ProviderUnavailableException}).
 *
 * <p>Timeouts come with each attempt ({@link AttemptContext}); see {@link Builder} for the
 * defaults a call without one gets. Thread safe. Closing it aborts its calls in flight.
 * {@link #toString()} never shows the key.
 */
public final class AnthropicProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "anthropic";
  /** The default base URL, as in Anthropic's SDKs; requests go to {@code {baseUrl}/v1/messages}. */
  public static final String DEFAULT_BASE_URL = "https://api.anthropic.com";
  /** The environment variable that gives the API key when the builder has none. */
  public static final String API_KEY_VARIABLE = "ANTHROPIC_API_KEY";
  /** The environment variable that gives the base URL when the builder has none. */
  public static final String BASE_URL_VARIABLE = "ANTHROPIC_BASE_URL";
  /** The {@code anthropic-version} sent unless {@link Builder#version} says otherwise. */
  public static final String DEFAULT_VERSION = "2023-06-01";
  /** The {@code max_tokens} sent when a request sets no {@code maxTokens}. */
  public static final int DEFAULT_MAX_TOKENS = 4096;

  private final HttpSettings settings;
  private final HttpUrl endpoint;
  private final String version;
  private final @Nullable String beta;
  private final MessagesCodec codec;
  private final HttpChatProvider http;

  private AnthropicProvider(Builder b, HttpSettings settings) {
    this.settings = settings;
    this.endpoint = settings.endpoint("v1/messages");
    this.version = b.version;
    this.beta = betaHeader(b.betas);
    this.codec = new MessagesCodec(settings.id(), b.defaultMaxTokens, settings.clock(), null);
    this.http = new HttpChatProvider(settings, MessagesCodec.ERROR_PARSER, new Wire());
  }

  /**
   * A builder with Anthropic's defaults. Left unset, its key and base URL come from the
   * environment (see the class documentation).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from the environment alone: {@code builder().build()}, the key from
   * {@value #API_KEY_VARIABLE} and the base URL from {@value #BASE_URL_VARIABLE} when it is set.
   *
   * @throws IllegalStateException naming {@value #API_KEY_VARIABLE} when it is not set
   * @throws IllegalArgumentException when {@value #BASE_URL_VARIABLE} is not a URL
   */
  public static AnthropicProvider fromEnv() {
    return builder().build();
  }

  static AnthropicProvider fromEnv(Function<String, @Nullable String> environment) {
    return builder().environment(environment).build();
  }

  /** The URL requests are posted to: {@code {baseUrl}/v1/messages}. */
  public String endpoint() {
    return endpoint.toString();
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code anthropic}, as the OpenTelemetry GenAI conventions name it. */
  @Override
  public String providerName() {
    return "anthropic";
  }

  /** The base URL's {@code scheme://host:port}. */
  @Override
  public java.net.URI serverUri() {
    return settings.serverUri();
  }

  /** Sends {@code request} with the defaults (see {@link Builder}): no attempt's limits. */
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

  /** Streams {@code request} with the defaults (see {@link Builder}). */
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

  /**
   * True: the Messages API continues an answer from a final assistant message (a prefill). The
   * gateway uses it to continue a stream cut mid-answer. A model or setting that refuses a
   * prefill (extended thinking, some newer models) answers 400, on which the gateway restarts
   * the answer instead; a route target can say false to skip the try.
   */
  @Override
  public boolean supportsAssistantPrefill() {
    return true;
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    http.close();
  }

  /** Adds beta feature names to {@code betas}, checked; shared with the Vertex builder. */
  static void addBetas(Set<String> betas, String... features) {
    Objects.requireNonNull(features, "features");
    for (String f : List.of(features)) {
      String name = HttpProviderBuilder.requireNonBlank(f, "beta feature").strip();
      if (name.indexOf(',') >= 0) {
        throw new IllegalArgumentException(
            "beta feature '" + name + "' must not contain ','; pass each feature separately");
      }
      betas.add(name);
    }
  }

  /** {@code anthropic-beta}'s value, or null when there is no beta. */
  static @Nullable String betaHeader(Set<String> betas) {
    return betas.isEmpty() ? null : String.join(",", betas);
  }

  static int checkMaxTokens(int maxTokens) {
    if (maxTokens < 1) {
      throw new IllegalArgumentException("defaultMaxTokens must be >= 1 but was " + maxTokens);
    }
    return maxTokens;
  }

  /** Anthropic's URL, headers and Messages format. */
  private final class Wire implements HttpChatProvider.Vendor {
    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return endpoint;
    }

    @Override
    public byte[] body(ChatRequest request, boolean stream) {
      return codec.writeRequest(request, stream);
    }

    @Override
    public void addHeaders(Request.Builder b) {
      b.header("anthropic-version", version);
      if (beta != null) {
        b.header("anthropic-beta", beta);
      }
      if (settings.apiKey() != null) {
        b.header("x-api-key", settings.revealApiKey());
      }
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

  /** The id, endpoint and version; the key shows only as its source, never its value. */
  @Override
  public String toString() {
    return "AnthropicProvider[id=" + settings.id() + ", endpoint=" + endpoint + ", version="
        + version + (beta != null ? ", beta=" + beta : "") + ", apiKey=" + settings.apiKey()
        + "]";
  }

  /**
   * Builds an {@link AnthropicProvider}. Not thread safe.
   *
   * <p>There are no timeouts here: a gateway passes them with each attempt, from its
   * {@code Timeouts} (gateway default, route, request). A call without an attempt, or an attempt
   * that leaves one unset, gets the defaults: connect 10 s; idle 10 min for {@code chat()} and
   * 5 min between stream events; no total deadline unless the request has a {@code timeout}.
   * With {@link #httpClient(OkHttpClient)}, that client's connect and read timeouts are the
   * defaults instead.
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, DEFAULT_BASE_URL);
    private String version = DEFAULT_VERSION;
    private final Set<String> betas = new LinkedHashSet<>();
    private int defaultMaxTokens = DEFAULT_MAX_TOKENS;

    Builder() {
      http.baseUrlVariable(BASE_URL_VARIABLE);
      http.keyVariables(API_KEY_VARIABLE);
    }

    /**
     * The provider's id, unique within a gateway; {@value AnthropicProvider#DEFAULT_ID} by default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The base URL, as Anthropic's SDKs take it; when not set,
     * {@value AnthropicProvider#BASE_URL_VARIABLE} if that is set, else
     * {@value AnthropicProvider#DEFAULT_BASE_URL}.
     */
    public Builder baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API key, sent as {@code x-api-key} and read on every request; when not set,
     * {@value AnthropicProvider#API_KEY_VARIABLE}.
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
     * The {@code anthropic-version} header; {@value AnthropicProvider#DEFAULT_VERSION} by default.
     *
     * @throws IllegalArgumentException when blank
     */
    public Builder version(String version) {
      this.version = HttpProviderBuilder.requireNonBlank(version, "version");
      return this;
    }

    /**
     * Adds beta features, sent comma-joined in {@code anthropic-beta} in the order first given.
     * Each call adds to the ones before; duplicates are sent once.
     *
     * @throws IllegalArgumentException when a name is blank or contains a comma
     */
    public Builder beta(String... features) {
      addBetas(betas, features);
      return this;
    }

    /**
     * The {@code max_tokens} sent when a request sets none ({@code max_tokens} is required by
     * Anthropic); {@value AnthropicProvider#DEFAULT_MAX_TOKENS} by default.
     *
     * @throws IllegalArgumentException when less than 1
     */
    public Builder defaultMaxTokens(int maxTokens) {
      this.defaultMaxTokens = checkMaxTokens(maxTokens);
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
     * @throws IllegalStateException when there is no credential: no key, given or in
     *     {@value AnthropicProvider#API_KEY_VARIABLE}, and no secret header
     */
    public AnthropicProvider build() {
      HttpSettings settings = http.settings();
      if (!HttpProviderBuilder.hasCredential(settings)) {
        throw http.missingKey("AnthropicProvider.builder().apiKey(Secret)");
      }
      return new AnthropicProvider(this, settings);
    }

  }
}
