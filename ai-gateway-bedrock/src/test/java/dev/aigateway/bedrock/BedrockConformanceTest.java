package dev.aigateway.bedrock;

import static dev.aigateway.bedrock.BedrockProviderTest.AKID;
import static dev.aigateway.bedrock.BedrockProviderTest.AUTHORIZATION;
import static dev.aigateway.bedrock.BedrockProviderTest.SECRET;
import static dev.aigateway.bedrock.BedrockProviderTest.error;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.conformance.ConformanceKit;
import dev.aigateway.providers.conformance.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import okio.Buffer;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * The conformance kit against AWS Bedrock's Converse and ConverseStream, whose streams are AWS
 * event streams: every cut, truncation and split of the kit falls on the bytes of binary
 * messages encoded by {@link EventStreams}.
 *
 * <p>A transcript's event is written {@code <type> <payload>}: an {@code event} message with
 * {@code :event-type} {@code <type>}, or, for a type {@code exception:<name>}, an
 * {@code exception} message with {@code :exception-type} {@code <name>} (the names
 * {@link EventStreamFraming} hands the decoder). The kit's key is the session token of the
 * temporary credentials the adapter signs with: the one credential that goes on the wire, so the
 * one a vendor could echo back.
 *
 * <p>Bedrock ends every stream with {@code metadata}, where the adapter sends the finish reason
 * and the usage together; a body that ends before it, even after {@code messageStop}, was cut.
 * So {@code metadata} is both the event that carries the finish reason and the terminal event.
 */
class BedrockConformanceTest extends ConformanceKit {
  private static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final String ENCODED_MODEL = "us.anthropic.claude-sonnet-4-20250514-v1%3A0";
  private static final String REGION = "us-west-2";

  /** The credentials the adapter signs with: {@link #KEY} is their session token. */
  private static AwsCredentialsProvider credentials(Secret key) {
    return () -> AwsSessionCredentials.create(AKID, SECRET, key.reveal());
  }

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    BedrockProvider.Builder b = BedrockProvider.builder().region(REGION)
        .endpointOverride(baseUrl).credentialsProvider(credentials(key)).clock(clock)
        .maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected String model() {
    return MODEL;
  }

  // ---------------------------------------------------------------- the framing

  @Override
  protected String streamContentType() {
    return EventStreamFraming.CONTENT_TYPE;
  }

  /** Each {@code <type> <payload>} event as one event stream message, by {@link EventStreams}. */
  @Override
  protected byte[] encodeStream(List<byte[]> events) {
    Buffer body = new Buffer();
    for (byte[] e : events) {
      int space = 0;
      while (e[space] != ' ') {
        space++;
      }
      String type = new String(e, 0, space, StandardCharsets.UTF_8);
      byte[] payload = java.util.Arrays.copyOfRange(e, space + 1, e.length);
      body.write(type.startsWith("exception:")
          ? EventStreams.exception(type.substring("exception:".length()), payload)
          : EventStreams.event(type, payload));
    }
    return body.readByteArray();
  }

  /** The event stream has one form: no line endings to vary. */
  @Override
  protected List<byte[]> equivalentStreamEncodings(List<String> events) {
    return List.of();
  }

  /** Where each message of {@code body} ends, read from the total lengths of the preludes. */
  private static List<Integer> messageEnds(byte[] body) {
    List<Integer> ends = new ArrayList<>();
    long at = 0;
    while (at + 4 <= body.length) {
      int i = (int) at;
      long total = ((body[i] & 0xFFL) << 24) | ((body[i + 1] & 0xFFL) << 16)
          | ((body[i + 2] & 0xFFL) << 8) | (body[i + 3] & 0xFFL);
      if (total < 16) {
        break; // not a message: nothing ends here
      }
      at += total;
      if (at <= body.length) {
        ends.add((int) at);
      }
    }
    return ends;
  }

  /** At the end of a message. */
  @Override
  protected boolean endsBetweenUnits(byte[] body, int at) {
    return at > 0 && messageEnds(body).contains(at);
  }

  /** The largest message: the adapter holds one message at a time. */
  @Override
  protected long largestUnit(byte[] body) {
    long largest = 0;
    int from = 0;
    for (int end : messageEnds(body)) {
      largest = Math.max(largest, end - from);
      from = end;
    }
    return largest;
  }

  @Override
  protected Map<String, String> notApplicable() {
    return Map.of(
        "streamEndingCleanlyAfterItsFinishReasonAndUsageCompletesWithUsage", "Bedrock's"
            + " terminal event, metadata, is the one that carries the usage and (as the adapter"
            + " sends it) the finish reason, so no body ends cleanly after them and before it;"
            + " a body that ends before it is truncated"
            + " (streamEndingCleanlyBeforeItsFinishReasonFailsAfterDeliveringWhatCame)",
        "imagesAsBytesAndAsUrl", "Converse takes images as bytes (or from S3), not by URL: the"
            + " adapter rejects an http(s) image URL before sending; imagesAsBytesAndAsADataUrl"
            + " checks the bytes on the wire and the rejection instead",
        "aCharacterCutShortByTheEndOfATextBodyIsMalformed", "in the event stream a body that"
            + " ends inside a character ends inside a length-prefixed message, which is a"
            + " truncation (checked at every byte by"
            + " streamBodyEndingAtEveryByteCompletesOnlyAfterItsFinishReasonAndAtALineEnd); a"
            + " whole message whose payload is not UTF-8 is checked by"
            + " bytesThatAreNotUtf8EndTheStreamAsMalformedAtEveryReadBoundary");
  }

  /** Bedrock documents no 401: a credential it does not take is a 403. */
  @Override
  protected Set<Integer> requiredErrorStatuses() {
    return Set.of(400, 403, 429, 500, 503);
  }

  // ---------------------------------------------------------------- transcripts

  private static String event(String type, String payload) {
    return type + " " + payload;
  }

  private static final String USAGE = "{\"inputTokens\":10,\"outputTokens\":5,"
      + "\"totalTokens\":45,\"cacheReadInputTokens\":20,\"cacheWriteInputTokens\":10}";

  private static MockResponse reply(String content, String stopReason) {
    return Wire.json(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":"
        + content + "}},\"stopReason\":\"" + stopReason + "\",\"usage\":" + USAGE
        + ",\"metrics\":{\"latencyMs\":9}}");
  }

  @Override
  protected MockResponse textReply() {
    return reply("[{\"text\":\"Hello \"},{\"text\":\"there!\"}]", "end_turn");
  }

  @Override
  protected Usage textUsage() {
    // 10 uncached + 20 read from the cache + 10 written to it; 20 cached
    return new Usage(40, 5, 45, 20, 0);
  }

  private static List<String> textStream(String metadata) {
    return List.of(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"}}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" world\"}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("messageStop", "{\"stopReason\":\"end_turn\"}"),
        event("metadata", metadata));
  }

  @Override
  protected List<String> textStreamEvents() {
    return textStream("{\"usage\":" + USAGE + ",\"metrics\":{\"latencyMs\":120}}");
  }

  @Override
  protected Usage textStreamUsage() {
    return new Usage(40, 5, 45, 20, 0);
  }

  /**
   * A Bedrock stream cannot end cleanly without {@code metadata}, its terminal event: what a
   * server that reports no usage sends is a {@code metadata} without {@code usage}.
   */
  @Override
  protected List<String> textStreamEventsWithoutUsage() {
    return textStream("{\"metrics\":{\"latencyMs\":120}}");
  }

  /** {@code metadata}, where the adapter sends the finish reason (see the class comment). */
  @Override
  protected boolean carriesFinishReason(String event) {
    return event.startsWith("metadata ");
  }

  /** {@code metadata} too: it ends every stream, carrying the usage (see the class comment). */
  @Override
  protected boolean isTerminalEvent(String event) {
    return event.startsWith("metadata ");
  }

  @Override
  protected MockResponse oneToolCallReply() {
    return reply("[{\"text\":\"I'll look that up.\"},{\"toolUse\":{\"toolUseId\":"
        + "\"tooluse_a1\",\"name\":\"get_weather\",\"input\":{\"location\":\"Paris\"}}}]",
        "tool_use");
  }

  @Override
  protected MockResponse parallelToolCallsReply() {
    return reply("[{\"toolUse\":{\"toolUseId\":\"tooluse_a1\",\"name\":\"get_weather\","
        + "\"input\":{\"location\":\"Paris\"}}},{\"toolUse\":{\"toolUseId\":\"tooluse_b2\","
        + "\"name\":\"get_time\",\"input\":{\"tz\":\"CET\"}}}]", "tool_use");
  }

  private static String inputDelta(int block, String json) {
    return event("contentBlockDelta", "{\"contentBlockIndex\":" + block
        + ",\"delta\":{\"toolUse\":{\"input\":" + TextNode.valueOf(json).toString() + "}}}");
  }

  /** Text at block 0, then the two calls at blocks 1 and 2, each input split mid-token. */
  @Override
  protected List<String> parallelToolCallsStreamEvents() {
    return List.of(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me check.\"}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_a1\",\"name\":\"get_weather\"}}}"),
        inputDelta(1, "{\"loca"),
        inputDelta(1, "tion\":\"Pa"),
        inputDelta(1, "ris\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        event("contentBlockStart", "{\"contentBlockIndex\":2,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_b2\",\"name\":\"get_time\"}}}"),
        inputDelta(2, "{\"t"),
        inputDelta(2, "z\":\"CE"),
        inputDelta(2, "T\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":2}"),
        event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        event("metadata", "{\"usage\":{\"inputTokens\":30,\"outputTokens\":12,"
            + "\"totalTokens\":42},\"metrics\":{\"latencyMs\":300}}"));
  }

  /**
   * Claude's reasoning on Bedrock (a {@code reasoningContent} block with its text and signature)
   * before a call: the adapter leaves reasoning out of the answer, and must do so at every cut.
   */
  @Override
  protected List<String> reasoningStreamEvents() {
    return List.of(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":"
            + "{\"text\":\"The user wants the weather.\"}}}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"reasoningContent\":"
            + "{\"signature\":\"c2lnbmF0dXJl\"}}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_r1\",\"name\":\"get_weather\"}}}"),
        inputDelta(1, "{\"location\":"),
        inputDelta(1, "\"Paris\"}"),
        event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        event("metadata", "{\"usage\":{\"inputTokens\":50,\"outputTokens\":20,"
            + "\"totalTokens\":70}}"));
  }

  private static MockResponse stopping(String reason) {
    return reply("[{\"text\":\"x\"}]", reason);
  }

  @Override
  protected List<FinishCase> finishCases() {
    // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
    return List.of(
        new FinishCase("end_turn", stopping("end_turn"), FinishReason.STOP),
        new FinishCase("stop_sequence", stopping("stop_sequence"), FinishReason.STOP),
        new FinishCase("max_tokens", stopping("max_tokens"), FinishReason.LENGTH),
        new FinishCase("model_context_window_exceeded",
            stopping("model_context_window_exceeded"), FinishReason.LENGTH),
        new FinishCase("tool_use", oneToolCallReply(), FinishReason.TOOL_CALLS),
        new FinishCase("guardrail_intervened", stopping("guardrail_intervened"),
            FinishReason.CONTENT_FILTER),
        new FinishCase("content_filtered", stopping("content_filtered"),
            FinishReason.CONTENT_FILTER));
  }

  private static ErrorCase documented(int status, String type,
      Class<? extends ProviderException> exception, boolean retryable) {
    return new ErrorCase(status, type, m -> error(status, type, m), exception, retryable, null);
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    // https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html#API_runtime_Converse_Errors
    return List.of(
        documented(400, "ValidationException", InvalidRequestException.class, false),
        new ErrorCase(400, "ValidationException", m -> error(400, "ValidationException",
            "Input is too long for requested model. " + m),
            ContextLengthExceededException.class, false, null),
        new ErrorCase(400, "ValidationException", m -> error(400, "ValidationException",
            "Too many input tokens. Max input tokens: 8192, request input token count: 9001. "
                + m), ContextLengthExceededException.class, false, null),
        documented(400, "ServiceQuotaExceededException", ProviderRateLimitException.class,
            false),
        documented(403, "AccessDeniedException", AuthenticationException.class, false),
        documented(403, "UnrecognizedClientException", AuthenticationException.class, false),
        documented(403, "ExpiredTokenException", AuthenticationException.class, false),
        documented(404, "ResourceNotFoundException", InvalidRequestException.class, false),
        documented(408, "ModelTimeoutException", ProviderUnavailableException.class, true),
        documented(424, "ModelErrorException", ProviderException.class, false),
        documented(429, "ThrottlingException", ProviderRateLimitException.class, true),
        documented(429, "ModelNotReadyException", ProviderUnavailableException.class, true),
        new ErrorCase(429, "ThrottlingException", m -> new MockResponse.Builder().code(429)
            .setHeader("Content-Type", "application/json").setHeader("Retry-After", "7")
            .body("{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
                + "\"message\":\"" + m + "\"}").build(),
            ProviderRateLimitException.class, true, Duration.ofSeconds(7)),
        documented(500, "InternalServerException", ProviderUnavailableException.class, true),
        documented(503, "ServiceUnavailableException", ProviderUnavailableException.class,
            true));
  }

  /** An {@code exception} message, as ConverseStream sends one when the model fails. */
  @Override
  protected String midStreamErrorEvent(String message) {
    return event("exception:modelStreamErrorException",
        "{\"message\":" + TextNode.valueOf(message).toString() + ",\"originalStatusCode\":500}");
  }

  @Override
  protected Class<? extends ProviderException> midStreamErrorType() {
    return ProviderUnavailableException.class;
  }

  // ---------------------------------------------------------------- what went on the wire

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).as("the model id is one encoded path segment")
        .isEqualTo("/model/" + ENCODED_MODEL + (stream ? "/converse-stream" : "/converse"));
    assertThat(request.getHeaders().get("Accept"))
        .isEqualTo(stream ? EventStreamFraming.CONTENT_TYPE : "application/json");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    String auth = request.getHeaders().get("Authorization");
    assertThat(auth).as("signed with SigV4").isNotNull();
    Matcher m = AUTHORIZATION.matcher(auth);
    assertThat(m.matches()).as(auth).isTrue();
    assertThat(m.group(1)).isEqualTo(AKID);
    assertThat(m.group(2)).isEqualTo("20261125");
    assertThat(m.group(3)).isEqualTo(REGION);
    assertThat(m.group(4)).isEqualTo("bedrock");
    assertThat(List.of(m.group(5).split(";")))
        .contains("host", "x-amz-date", "content-type", "x-amz-security-token");
    assertThat(request.getHeaders().get("X-Amz-Date")).isEqualTo("20261125T100000Z");
    assertThat(request.getHeaders().get("x-amz-security-token")).isEqualTo(KEY);
    assertThat(m.group(6)).as("the signature verifies over what the server received")
        .isEqualTo(BedrockProviderTest.recompute(request, m.group(5),
            StaticCredentialsProvider.create(AwsSessionCredentials.create(AKID, SECRET, KEY))));
    assertThat(auth).doesNotContain(SECRET);
    JsonNode body = Wire.body(request);
    assertThat(body.has("model")).as("the model is in the path").isFalse();
    assertThat(body.has("stream")).isFalse();
  }

  private static JsonNode userHi() {
    return Wire.tree("[{\"role\":\"user\",\"content\":[{\"text\":\"hi\"}]}]");
  }

  @Override
  protected void assertUserTurn(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(userHi());
    assertThat(body.has("system")).isFalse();
    assertThat(body.has("toolConfig")).isFalse();
    assertThat(body.has("inferenceConfig")).isFalse();
  }

  @Override
  protected void assertSystemPlacement(JsonNode body) {
    assertThat(body.get("system"))
        .isEqualTo(Wire.tree("[{\"text\":\"Be brief.\"},{\"text\":\"Answer in French.\"}]"));
    assertThat(body.get("messages")).isEqualTo(userHi());
  }

  private static final String TOOL_SPECS = """
      [{"toolSpec":{"name":"get_weather","description":"The current weather at a place",
        "inputSchema":{"json":{"type":"object","properties":{"location":{"type":"string"}},
          "required":["location"]}}}},
       {"toolSpec":{"name":"get_time","description":"The current time in a time zone",
        "inputSchema":{"json":{"type":"object","properties":{"tz":{"type":"string"}}}}}}]""";

  @Override
  protected void assertToolDefinitions(JsonNode body) {
    assertThat(body.get("toolConfig")).isEqualTo(Wire.tree(
        "{\"tools\":" + TOOL_SPECS + ",\"toolChoice\":{\"auto\":{}}}"));
  }

  @Override
  protected void assertToolResults(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"user","content":[{"text":"Weather in Paris, and the time?"}]},
         {"role":"assistant","content":[
           {"toolUse":{"toolUseId":"call_a","name":"get_weather","input":{"location":"Paris"}}},
           {"toolUse":{"toolUseId":"call_b","name":"get_time","input":{"tz":"CET"}}}]},
         {"role":"user","content":[
           {"toolResult":{"toolUseId":"call_a","content":[{"text":"{\\"temp_c\\":18}"}]}},
           {"toolResult":{"toolUseId":"call_b","content":[{"text":"10:00"}]}}]}]"""));
    assertThat(body.get("toolConfig")).as("Converse wants the tools with toolUse blocks")
        .isEqualTo(Wire.tree("{\"tools\":" + TOOL_SPECS + "}"));
  }

  /**
   * A user turn with the text "What is this?" then {@link #PNG} as bytes twice: from the bytes
   * and from a {@code data:} URL (the kit's own scenario, with an http(s) URL, does not apply).
   */
  @Override
  protected void assertImages(JsonNode body) {
    String png = "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\"" + pngBase64()
        + "\"}}}";
    assertThat(body.get("messages")).isEqualTo(Wire.tree("[{\"role\":\"user\",\"content\":["
        + "{\"text\":\"What is this?\"}," + png + "," + png + "]}]"));
  }

  @Test
  void imagesAsBytesAndAsADataUrl() throws Exception {
    server.enqueue(textReply());
    provider.chat(ChatRequest.builder().model(model())
        .message(Message.user(ContentPart.text("What is this?"),
            ContentPart.image(PNG, "image/png"),
            ContentPart.imageUrl("data:image/png;base64," + Base64.getEncoder()
                .encodeToString(PNG))))
        .build(), ATTEMPT);
    assertImages(Wire.body(server.takeRequest()));

    Throwable byUrl = catchThrowable(() -> provider.chat(ChatRequest.builder().model(model())
        .message(Message.user(ContentPart.text("What is this?"),
            ContentPart.imageUrl(IMAGE_URL))).build(), ATTEMPT));
    assertThat(byUrl).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("URL");
    assertThat(((InvalidRequestException) byUrl).errorCode()).isEqualTo("unsupported_image_url");
    assertThat(server.getRequestCount()).as("nothing sent for the URL").isOne();
  }
}
