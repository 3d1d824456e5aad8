package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.StreamDecoder;
import java.io.IOException;
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
 * The adapter for Google's Gemini API ({@code POST {baseUrl}/v1beta/models/{model}:generateContent},
 * and {@code :streamGenerateContent?alt=sse} for streams).
 *
 * <pre>{@code
 * GeminiProvider gemini = GeminiProvider.builder()
 *     .apiKey(Secret.env("GEMINI_API_KEY"))
 *     .build();                     // id "gemini", https://generativelanguage.googleapis.com, v1beta
 * GeminiProvider same = GeminiProvider.fromEnv();   // GOOGLE_API_KEY or GEMINI_API_KEY
 * }</pre>
 *
 * <p><b>Credentials from the environment</b>, as Google's Gen AI SDKs read them: a builder given no
 * key takes {@value #GOOGLE_API_KEY_VARIABLE}, or else {@value #GEMINI_API_KEY_VARIABLE} (when
 * both are set, {@code GOOGLE_API_KEY} wins, as in Google's SDKs); one given no base URL takes
 * {@value #BASE_URL_VARIABLE} when it is set. What the builder is given always wins. A provider
 * with no credential at all (no key, none in the environment, and no
 * {@link Builder#header(String, Secret) secret header}) fails at {@link Builder#build()} with an
 * {@link IllegalStateException} that names both variables.
 *
 * <p>It authenticates with the {@code x-goog-api-key} header; the key never goes into the URL.
 * Without a key, no such header is sent (for a proxy that adds one, or an OAuth token given with
 * {@link Builder#header(String, dev.aigateway.api.Secret)}, which counts as the credential). A model given as
 * {@code models/gemini-2.5-flash} is used as {@code gemini-2.5-flash}; a tuned model
 * ({@code tunedModels/…}) keeps its own path.
 *
 * <h2>Request mapping</h2>
 * <ul>
 *   <li>User and assistant messages become {@code contents} with the roles {@code user} and
 *       {@code model}. Every system message becomes one part of {@code systemInstruction}, in
 *       order, wherever it stood in the conversation.
 *   <li>Images: bytes become {@code inlineData {mimeType, data}}; a {@code data:} URL (base64
 *       only) becomes {@code inlineData} too; any other URL becomes {@code fileData {mimeType,
 *       fileUri}}, with {@code mimeType} guessed from the extension ({@code png, jpg, jpeg, webp,
 *       gif, heic, heif}) and left out otherwise. Gemini fetches only the URIs it supports (Files
 *       API URIs, and public URLs where Google allows them); it rejects others itself.
 *   <li>Tools become {@code tools[0].functionDeclarations}, with the schema as
 *       {@code parametersJsonSchema} (or {@code parameters}, see {@link SchemaField}).
 *       {@link dev.aigateway.api.ToolChoice} becomes {@code toolConfig.functionCallingConfig}:
 *       auto → {@code AUTO}, none → {@code NONE}, required → {@code ANY}, a named tool →
 *       {@code ANY} with {@code allowedFunctionNames}.
 *   <li>An assistant's tool calls become {@code functionCall {name, args}} parts of its model
 *       turn; the arguments must be a JSON object. Tool results become {@code functionResponse
 *       {name, response}} parts, consecutive results in one {@code user} turn. The name is found
 *       by looking the result's {@code toolCallId} up among the earlier assistant messages' calls
 *       (an unknown id is an {@link InvalidRequestException}). {@code response} is the result
 *       text when that is a JSON object, else {@code {"result": text}}. Gemini's own call ids go
 *       back as {@code functionCall.id} and {@code functionResponse.id} when the assistant
 *       message came from Gemini (it carries Gemini's signed state) and the id is Gemini's, not
 *       one this adapter made up; other ids are not sent, and Gemini pairs calls and results by
 *       name and order.
 *   <li>Gemini's signed state goes back on the part it came on: a tool call's
 *       {@link dev.aigateway.api.ToolCall#signature()} as the {@code thoughtSignature} of its
 *       {@code functionCall} part (Gemini 3 rejects a function-call turn without it), a signed
 *       thought as a {@code thought: true} part with its signature, and a signature that came on
 *       an answer text part on the text part. State signed by another wire format (a failover
 *       from Claude) and unsigned thoughts are left out.
 *   <li>{@code generationConfig} carries temperature, topP, maxTokens as
 *       {@code maxOutputTokens}, stop as {@code stopSequences}, seed, and the response format:
 *       JSON object → {@code responseMimeType: application/json}; JSON schema → that plus the
 *       schema as {@code responseJsonSchema} (or {@code responseSchema}, see
 *       {@link SchemaField}); text → {@code text/plain}. The schema's name and strictness are not
 *       sent: Gemini has no such fields and always constrains decoding to the schema.
 *   <li>{@link ChatRequest#extra()} fields are written at the top level of the body and replace
 *       the field of the same name (so {@code generationConfig} in extra replaces the whole
 *       config). Use them for {@code safetySettings}, {@code cachedContent}, thinking settings
 *       and the like, which have no place in {@link ChatRequest}.
 * </ul>
 *
 * <h2>Response mapping</h2>
 * <ul>
 *   <li>Only the first candidate is read. Its text parts are joined; parts with
 *       {@code thought: true} (thought summaries) are its
 *       {@link dev.aigateway.api.ChatResponse#reasoning() reasoning}, apart from the text; parts
 *       other than text and {@code functionCall} (such as generated images or executable code)
 *       are dropped. A part's {@code thoughtSignature} is kept, tagged {@code gemini}: on the
 *       tool call of a {@code functionCall} part, on the reasoning part of a thought, and as a
 *       signature-only reasoning part for an answer text part. Streams fold to the same
 *       message.
 *   <li>{@code functionCall} parts become tool calls. Gemini's {@code id} is used when present;
 *       otherwise the id is {@code call_<index>_<name>}, index counting the calls of the answer
 *       from 0: stable for the same answer, in plain calls and streams alike, and distinct within
 *       one answer.
 *   <li>Finish reasons: {@code STOP} → STOP, or TOOL_CALLS when the answer holds function calls;
 *       {@code MAX_TOKENS} → LENGTH; {@code SAFETY, RECITATION, BLOCKLIST, PROHIBITED_CONTENT,
 *       SPII, IMAGE_SAFETY, IMAGE_PROHIBITED_CONTENT, IMAGE_RECITATION} → CONTENT_FILTER; anything
 *       else ({@code MALFORMED_FUNCTION_CALL, LANGUAGE, OTHER, FINISH_REASON_UNSPECIFIED}, …) →
 *       OTHER, or TOOL_CALLS when the answer holds function calls.
 *   <li>Usage from {@code usageMetadata}: input = {@code promptTokenCount} (which already counts
 *       cached content) + {@code toolUsePromptTokenCount} (results of Google's built-in tools fed
 *       back to the model, which Gemini also counts in its total); cached =
 *       {@code cachedContentTokenCount}; output = {@code candidatesTokenCount} +
 *       {@code thoughtsTokenCount}; reasoning = {@code thoughtsTokenCount}; total =
 *       {@code totalTokenCount}, or input + output when absent.
 *   <li>A prompt Gemini blocks (no candidates, {@code promptFeedback.blockReason}) is an
 *       {@link InvalidRequestException} (status 200, not retryable) whose code is the block
 *       reason, such as {@code SAFETY}; in streams too.
 *   <li>Streams: every event is a whole {@code GenerateContentResponse}. Text is delivered as it
 *       arrives, function calls as one delta each when Gemini sends their arguments whole. When
 *       Vertex AI streams the arguments ({@code streamFunctionCallArguments}: a named
 *       {@code functionCall} with {@code willContinue: true}, then nameless parts whose
 *       {@code partialArgs} give values by {@code jsonPath}), the call is announced (index, id,
 *       name) as it starts and its arguments, assembled into one JSON object, follow in one delta
 *       when it ends; a call still open at the finish reason ends there. A function-call shape the
 *       adapter does not understand (a nameless part that continues no call, a path it cannot
 *       follow) fails with a non-retryable {@link dev.aigateway.api.UnsupportedResponseException}
 *       that names it, so a gateway fails over instead of retrying the same answer. The event
 *       whose candidate has a {@code finishReason} ends the answer, and its chunk carries the
 *       finish reason and the last {@code usageMetadata} seen, so usage is on exactly one chunk;
 *       the stream completes when the body then ends cleanly. A body that ends before such an
 *       event, or a connection cut after it, is a retryable failure.
 * </ul>
 *
 * <h2>Errors</h2>
 * Google's {@code {"error": {"code", "message", "status", "details"}}} body. The exception's code
 * is the {@code google.rpc} status: {@code INVALID_ARGUMENT}/{@code FAILED_PRECONDITION} (400) and
 * {@code NOT_FOUND} (404) → {@link InvalidRequestException}, or
 * {@link dev.aigateway.api.ContextLengthExceededException} when the message says the input token
 * count exceeds the maximum; {@code UNAUTHENTICATED} (401), {@code PERMISSION_DENIED} (403), and the 400
 * {@code INVALID_ARGUMENT} Google sends for an invalid API key ({@code google.rpc.ErrorInfo}
 * reason {@code API_KEY_INVALID}) → {@link dev.aigateway.api.AuthenticationException}; {@code RESOURCE_EXHAUSTED} (429) →
 * {@link dev.aigateway.api.ProviderRateLimitException}, waiting {@code Retry-After} or else
 * {@code google.rpc.RetryInfo.retryDelay}, and not retryable when a {@code QuotaFailure} names a
 * per-day quota; {@code INTERNAL} (500), {@code UNAVAILABLE} (503), {@code DEADLINE_EXCEEDED}
 * (504) → {@link dev.aigateway.api.ProviderUnavailableException}. An error event inside a stream
 * is mapped the same way, through the HTTP status Google documents for its status name.
 *
 * <h2>Not mapped</h2>
 * Several candidates ({@code candidateCount}), safety settings, cached content, thinking
 * configuration and built-in tools (search, code execution) have no field in
 * {@link ChatRequest}: pass them with {@code extra}.
 *
 * <p>Timeouts come with each attempt ({@link AttemptContext}); see {@link Builder} for the
 * defaults a call without one gets. Thread safe. Closing it aborts its calls in flight. The key
 * appears in no exception, log line or {@link #toString()}.
 */
public final class GeminiProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "gemini";
  /** The default base URL, as in Google's SDKs. */
  public static final String DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com";
  /** The environment variable read first for the API key when the builder has none. */
  public static final String GOOGLE_API_KEY_VARIABLE = "GOOGLE_API_KEY";
  /** The environment variable read for the API key when {@code GOOGLE_API_KEY} is not set. */
  public static final String GEMINI_API_KEY_VARIABLE = "GEMINI_API_KEY";
  /** The environment variable that gives the base URL when the builder has none. */
  public static final String BASE_URL_VARIABLE = "GOOGLE_GEMINI_BASE_URL";
  /** The default API version, the first path segment after the base URL. */
  public static final String DEFAULT_API_VERSION = "v1beta";

  /** Which Gemini fields carry the JSON Schemas of tools and of a JSON response format. */
  public enum SchemaField {
    /**
     * {@code parametersJsonSchema} and {@code responseJsonSchema}, which take JSON Schema as the
     * gateway's API has it (unions, {@code additionalProperties}, {@code $ref}, …). The default.
     */
    JSON_SCHEMA,
    /**
     * {@code parameters} and {@code responseSchema}, Gemini's older OpenAPI-subset fields, for
     * models or proxies that do not know the JSON Schema fields. The schema is sent unchanged, so
     * it must stay within that subset.
     */
    OPENAPI_SCHEMA
  }

  private final HttpSettings settings;
  private final String apiVersion;
  private final GenerateContent codec;
  private final HttpChatProvider http;

  private GeminiProvider(Builder b, HttpSettings settings) {
    this.settings = settings;
    this.apiVersion = b.apiVersion;
    this.codec = new GenerateContent(settings.id(), b.schemaField, settings.clock());
    this.http = new HttpChatProvider(settings, GenerateContent.ERROR_PARSER, new Wire());
  }

  /**
   * A builder with Gemini's defaults. Left unset, its key and base URL come from the environment
   * (see the class documentation).
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A provider configured from the environment alone: {@code builder().build()}, the key from
   * {@value #GOOGLE_API_KEY_VARIABLE} or {@value #GEMINI_API_KEY_VARIABLE}, the base URL from
   * {@value #BASE_URL_VARIABLE} when it is set.
   *
   * @throws IllegalStateException naming both key variables when neither is set
   * @throws IllegalArgumentException when {@value #BASE_URL_VARIABLE} is not a URL
   */
  public static GeminiProvider fromEnv() {
    return builder().build();
  }

  static GeminiProvider fromEnv(Function<String, @Nullable String> environment) {
    return builder().environment(environment).build();
  }

  /**
   * The URL a request for {@code model} is posted to: {@code :generateContent}, or
   * {@code :streamGenerateContent?alt=sse} when {@code stream}.
   *
   * @throws InvalidRequestException when the model name is blank or has a path Gemini does not
   *     serve
   */
  public String endpoint(String model, boolean stream) {
    return url(model, stream).toString();
  }

  private HttpUrl url(String model, boolean stream) {
    String path = modelPath(model) + (stream ? ":streamGenerateContent" : ":generateContent");
    HttpUrl url = settings.endpoint(apiVersion + "/" + path);
    return stream ? url.newBuilder().addQueryParameter("alt", "sse").build() : url;
  }

  private String modelPath(String model) {
    String m = model == null ? "" : model.strip();
    if (m.startsWith("models/")) {
      m = m.substring("models/".length());
    } else if (m.startsWith("tunedModels/") && m.length() > "tunedModels/".length()
        && m.indexOf('/', "tunedModels/".length()) < 0) {
      return m;
    }
    if (m.isEmpty() || m.contains("/") || m.contains(":") || m.contains("?")
        || m.contains("#")) {
      throw new InvalidRequestException(settings.id(), 0, "invalid_model",
          settings.id() + ": '" + model + "' is not a Gemini model name such as"
              + " gemini-2.5-flash or models/gemini-2.5-flash", null);
    }
    return "models/" + m;
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code gcp.gemini}, as the OpenTelemetry GenAI conventions name it. */
  @Override
  public String providerName() {
    return "gcp.gemini";
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

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    http.close();
  }

  /** Gemini's URLs, header and GenerateContent format. */
  private final class Wire implements HttpChatProvider.Vendor {
    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return GeminiProvider.this.url(request.model(), stream);
    }

    @Override
    public byte[] body(ChatRequest request, boolean stream) {
      return codec.writeRequest(request);
    }

    @Override
    public void addHeaders(Request.Builder b) {
      if (settings.apiKey() != null) {
        b.header("x-goog-api-key", settings.revealApiKey());
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

  @Override
  public String toString() {
    return "GeminiProvider[id=" + settings.id() + ", baseUrl=" + settings.baseUrl()
        + ", apiVersion=" + apiVersion + ", apiKey=" + settings.apiKey() + "]";
  }

  /**
   * Builds a {@link GeminiProvider}. Not thread safe.
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
    private String apiVersion = DEFAULT_API_VERSION;
    private SchemaField schemaField = SchemaField.JSON_SCHEMA;

    Builder() {
      http.baseUrlVariable(BASE_URL_VARIABLE);
      http.keyVariables(GOOGLE_API_KEY_VARIABLE, GEMINI_API_KEY_VARIABLE);
    }

    /**
     * The provider's id, unique within a gateway; {@value GeminiProvider#DEFAULT_ID} by default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The base URL, as Google's SDKs take it; when not set, {@value GeminiProvider#BASE_URL_VARIABLE}
     * if that is set, else {@value GeminiProvider#DEFAULT_BASE_URL}.
     */
    public Builder baseUrl(String baseUrl) {
      http.baseUrl(baseUrl);
      return this;
    }

    /**
     * The API key, sent as {@code x-goog-api-key} (never in the URL) and read on every request;
     * when not set, {@value GeminiProvider#GOOGLE_API_KEY_VARIABLE} or
     * {@value GeminiProvider#GEMINI_API_KEY_VARIABLE}.
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
     * The API version path segment, {@value GeminiProvider#DEFAULT_API_VERSION} by default
     * ({@code v1} lacks some of the fields this adapter writes).
     *
     * @throws IllegalArgumentException when blank or not a single path segment
     */
    public Builder apiVersion(String apiVersion) {
      if (apiVersion == null || apiVersion.isBlank()
          || !apiVersion.strip().matches("[A-Za-z0-9._-]+")) {
        throw new IllegalArgumentException(
            "apiVersion must be a single path segment such as v1beta but was '" + apiVersion
                + "'");
      }
      this.apiVersion = apiVersion.strip();
      return this;
    }

    /** Which fields carry JSON Schemas; {@link SchemaField#JSON_SCHEMA} by default. */
    public Builder schemaField(SchemaField schemaField) {
      this.schemaField = Objects.requireNonNull(schemaField, "schemaField");
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
     *     {@value GeminiProvider#GOOGLE_API_KEY_VARIABLE} or
     *     {@value GeminiProvider#GEMINI_API_KEY_VARIABLE}, and no secret header
     */
    public GeminiProvider build() {
      HttpSettings settings = http.settings();
      if (!HttpProviderBuilder.hasCredential(settings)) {
        throw http.missingKey("GeminiProvider.builder().apiKey(Secret)");
      }
      return new GeminiProvider(this, settings);
    }
  }
}
