package dev.aigateway.bedrock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.internal.Framing;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.StreamDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The adapter for AWS Bedrock's Converse API ({@code POST /model/{modelId}/converse}) and
 * ConverseStream ({@code POST /model/{modelId}/converse-stream}), one wire format for Claude,
 * Llama, Mistral, Nova and the other models on Bedrock.
 *
 * <pre>{@code
 * BedrockProvider bedrock = BedrockProvider.builder()
 *     .region("us-east-1")               // or AWS_REGION
 *     .build();                          // id "bedrock", credentials from the default chain
 * ChatResponse r = bedrock.chat(ChatRequest.of(
 *     "us.anthropic.claude-sonnet-4-20250514-v1:0", "Hello"));
 * }</pre>
 *
 * <p>Requests are signed with SigV4 (service {@code bedrock}) by the AWS SDK's signer, with
 * credentials resolved per request from an {@link AwsCredentialsProvider}: by default the SDK's
 * {@link DefaultCredentialsProvider} chain (system properties, environment, web identity, the
 * profile files, container and instance roles). The model id goes into the path percent-encoded,
 * so a foundation model id ({@code anthropic.claude-3-haiku-20240307-v1:0}), a cross-region
 * inference profile id ({@code us.anthropic.claude-...}) and an ARN (of an inference profile or a
 * provisioned model) all work.
 *
 * <p>How a {@link ChatRequest} is mapped:
 * <ul>
 *   <li>System messages become the top-level {@code system} list of text blocks.
 *   <li>User text and images: images as {@code image} blocks ({@code format} png, jpeg, gif or
 *       webp, {@code source.bytes} in base64), from the bytes or a {@code data:} URL; an image by
 *       {@code http(s)} URL is rejected with an {@link dev.aigateway.api.InvalidRequestException}
 *       (Converse takes bytes or S3 locations; an S3 location can be sent through {@code extra}).
 *   <li>Assistant messages: a {@code text} block, then a {@code toolUse} block per tool call
 *       ({@code toolUseId}, {@code name}, {@code input} parsed as a JSON object).
 *   <li>Tool results become {@code toolResult} blocks ({@code toolUseId}, a text content block)
 *       in a user turn; consecutive messages of the same Bedrock role are merged into one turn.
 *   <li>{@code maxTokens}, {@code temperature}, {@code topP} and {@code stop} become
 *       {@code inferenceConfig} ({@code maxTokens}, {@code temperature}, {@code topP},
 *       {@code stopSequences}).
 *   <li>Tools become {@code toolConfig.tools[].toolSpec} with the schema in
 *       {@code inputSchema.json}; {@code toolChoice} auto, required and a named tool become
 *       {@code auto}, {@code any} and {@code tool}. Converse has no "none": such a request is
 *       rejected with an {@link dev.aigateway.api.InvalidRequestException} before sending.
 *   <li>Not sent: {@code responseFormat}, {@code seed}, {@code metadata} and {@code clientId}
 *       (Converse has no such fields); prompt caching ({@code cachePoint} blocks) and guardrails
 *       are reachable only through {@code extra}.
 *   <li>{@code extra} fields are written at the top level of the body and replace the adapter's
 *       field of that name: {@code additionalModelRequestFields} (such as Claude's
 *       {@code thinking}), {@code guardrailConfig}, {@code performanceConfig}, or a whole
 *       {@code inferenceConfig}.
 * </ul>
 *
 * <p>Replies: {@code output.message.content} text blocks are joined, {@code toolUse} blocks become
 * tool calls; reasoning blocks are not part of the answer. Converse names no response id, so
 * {@link ChatResponse#id()} is null, and the model is the requested model id. Stop reasons:
 * {@code end_turn} and {@code stop_sequence} are STOP, {@code max_tokens} and
 * {@code model_context_window_exceeded} LENGTH, {@code tool_use} TOOL_CALLS,
 * {@code guardrail_intervened} and {@code content_filtered} CONTENT_FILTER, others OTHER. Usage:
 * input tokens are {@code inputTokens + cacheReadInputTokens + cacheWriteInputTokens} (Bedrock
 * counts the cached ones apart), cached tokens {@code cacheReadInputTokens}.
 *
 * <p>Streams are AWS event streams ({@code application/vnd.amazon.eventstream}) decoded one
 * message per demand, in place (see the framing's notes on why not AWS's {@code eventstream}
 * library, which the tests check it against); the finish reason and the usage come
 * on the last chunk, at the {@code metadata} event. Exception messages in the stream end it with
 * the exception their type maps to, as the HTTP errors do:
 * {@code ThrottlingException} is a retryable {@link dev.aigateway.api.ProviderRateLimitException};
 * {@code ServiceQuotaExceededException} one that is not retryable; {@code ModelNotReadyException},
 * {@code ServiceUnavailableException}, {@code InternalServerException},
 * {@code ModelTimeoutException} and {@code ModelStreamErrorException} retryable
 * {@link dev.aigateway.api.ProviderUnavailableException}s; {@code ValidationException} an
 * {@link dev.aigateway.api.InvalidRequestException}, or a
 * {@link dev.aigateway.api.ContextLengthExceededException} when its message says the input is too
 * long; {@code ResourceNotFoundException} an {@code InvalidRequestException};
 * {@code AccessDeniedException}, {@code UnrecognizedClientException} and the signature and token
 * errors an {@link dev.aigateway.api.AuthenticationException}. Other types map by HTTP status.
 *
 * <p>Thread safe. Closing it aborts its calls in flight, and closes the default credentials
 * provider if it made one. {@link #toString()} never shows a credential.
 */
public final class BedrockProvider implements ChatProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "bedrock";

  private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

  private final HttpSettings settings;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final boolean ownsCredentials;
  private final SigV4 signer;
  private final ConverseCodec codec;
  private final HttpChatProvider http;

  private BedrockProvider(Builder b, String region) {
    this.region = region;
    if (b.baseUrl == null) {
      b.http.baseUrl("https://bedrock-runtime." + region + ".amazonaws.com");
    }
    this.settings = b.http.settings();
    this.ownsCredentials = b.credentials == null;
    this.credentials = b.credentials != null ? b.credentials
        : DefaultCredentialsProvider.builder().build();
    this.signer = new SigV4(settings.id(), region, credentials, settings.clock());
    this.codec = new ConverseCodec(settings.id());
    this.http = new HttpChatProvider(settings, ConverseCodec.ERROR_PARSER, new Wire());
  }

  /** A builder with Bedrock's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The region requests are signed for. */
  public String region() {
    return region;
  }

  /**
   * The URL {@code modelId}'s Converse requests go to ({@code stream} false) or its
   * ConverseStream requests: {@code {endpoint}/model/{modelId}/converse[-stream]}, the model id
   * percent-encoded as one path segment.
   */
  public String endpoint(String modelId, boolean stream) {
    return url(modelId, stream).toString();
  }

  private HttpUrl url(String modelId, boolean stream) {
    return settings.endpoint("model").newBuilder()
        .addEncodedPathSegment(encode(modelId))
        .addPathSegment(stream ? "converse-stream" : "converse")
        .build();
  }

  /** Percent-encodes all but RFC 3986's unreserved characters, as the AWS SDKs do. */
  static String encode(String segment) {
    StringBuilder sb = new StringBuilder(segment.length() + 16);
    for (byte b : segment.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == '~') {
        sb.append((char) c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
      }
    }
    return sb.toString();
  }

  @Override
  public String id() {
    return http.id();
  }

  /** {@code aws.bedrock}, as the OpenTelemetry GenAI conventions name it. */
  @Override
  public String providerName() {
    return "aws.bedrock";
  }

  /** The endpoint's {@code scheme://host:port}. */
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
   * the idle timeout is the longest gap between two event stream messages.
   */
  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return http.stream(request, attempt);
  }

  /**
   * Aborts calls in flight, and closes the default credentials provider when this provider made
   * it; later calls fail with {@link IllegalStateException}.
   */
  @Override
  public void close() {
    http.close();
    if (ownsCredentials && credentials instanceof SdkAutoCloseable c) {
      c.close();
    }
  }

  /** Bedrock's URL, Converse format, event stream framing and SigV4. */
  private final class Wire implements HttpChatProvider.Vendor {
    @Override
    public HttpUrl url(ChatRequest request, boolean stream) {
      return BedrockProvider.this.url(request.model(), stream);
    }

    @Override
    public byte[] body(ChatRequest request, boolean stream) {
      return codec.writeRequest(request);
    }

    @Override
    public void addHeaders(Request.Builder request) {
      // SigV4 needs the whole request: see sign
    }

    @Override
    public Request sign(Request request, byte[] body) {
      return signer.sign(request, body);
    }

    @Override
    public ChatResponse readResponse(JsonParser body, ChatRequest request)
        throws IOException {
      return codec.readResponse(body, request.model());
    }

    @Override
    public StreamDecoder streamDecoder(ChatRequest request) {
      return new ConverseStreamDecoder(settings.id(), request.model());
    }

    @Override
    public Framing framing() {
      return EventStreamFraming.INSTANCE;
    }
  }

  /** The id, region, endpoint and the credential provider's type; never a credential. */
  @Override
  public String toString() {
    return "BedrockProvider[id=" + settings.id() + ", region=" + region + ", endpoint="
        + settings.baseUrl() + ", credentials=" + credentials.getClass().getSimpleName() + "]";
  }

  /**
   * Builds a {@link BedrockProvider}. Not thread safe.
   *
   * <p>There are no timeouts here: a gateway passes them with each attempt. A call without an
   * attempt gets the defaults: connect 10 s; idle 10 min for {@code chat()} and 5 min between
   * stream messages; no total deadline unless the request has a {@code timeout}. With
   * {@link #httpClient(OkHttpClient)}, that client's connect and read timeouts are the defaults
   * instead.
   */
  public static final class Builder {
    private final HttpProviderBuilder http = new HttpProviderBuilder(DEFAULT_ID, null);
    private @Nullable String region;
    private @Nullable String baseUrl;
    private @Nullable AwsCredentialsProvider credentials;

    Builder() {}

    /**
     * The provider's id, unique within a gateway; {@value BedrockProvider#DEFAULT_ID} by
     * default.
     */
    public Builder id(String id) {
      http.id(id);
      return this;
    }

    /**
     * The AWS region, such as {@code us-east-1}: where requests go and what they are signed for.
     * Without it, {@code AWS_REGION} or else {@code AWS_DEFAULT_REGION} from the environment.
     *
     * @throws IllegalArgumentException when it is not a region name
     */
    public Builder region(String region) {
      String r = HttpProviderBuilder.requireNonBlank(region, "region").strip();
      if (!REGION.matcher(r).matches()) {
        throw new IllegalArgumentException("region '" + region + "' is not an AWS region name");
      }
      this.region = r;
      return this;
    }

    /**
     * Where requests go instead of {@code https://bedrock-runtime.{region}.amazonaws.com}: a VPC
     * endpoint, a proxy, or a test server. Requests are still signed for {@link #region}.
     */
    public Builder endpointOverride(String baseUrl) {
      http.baseUrl(baseUrl);
      this.baseUrl = baseUrl;
      return this;
    }

    /**
     * Where the credentials come from; by default the AWS SDK's
     * {@link DefaultCredentialsProvider} chain. Asked on every request; the SDK's providers cache
     * and refresh what they resolve.
     */
    public Builder credentialsProvider(AwsCredentialsProvider credentials) {
      this.credentials = Objects.requireNonNull(credentials, "credentials");
      return this;
    }

    /**
     * The application's own OkHttp client; its connection pool, proxy and interceptors are kept
     * (an interceptor that changes a signed header breaks the signature).
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

    /** The clock requests are signed with and {@code Retry-After} dates are read by; for tests. */
    public Builder clock(Clock clock) {
      http.clock(clock);
      return this;
    }

    /**
     * The most bytes one reply may make the gateway hold: a plain reply's whole body, or any one
     * event stream message; 32 MiB by default. A reply over it fails with a
     * {@code ProviderException} coded {@code response_too_large}.
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
     * @throws IllegalArgumentException naming the setting that is missing or invalid (no region
     *     set and none in {@code AWS_REGION} or {@code AWS_DEFAULT_REGION})
     */
    public BedrockProvider build() {
      String r = region;
      if (r == null) {
        r = http.variable("AWS_REGION");
        if (r == null) {
          r = http.variable("AWS_DEFAULT_REGION");
        }
        if (r == null) {
          throw new IllegalArgumentException(
              "region must be set: call region(...) or set AWS_REGION");
        }
        region(r);
        r = region;
      }
      return new BedrockProvider(this, r);
    }
  }
}
