package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.errorBody;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.event;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.conformance.ConformanceKit;
import dev.aigateway.providers.conformance.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;

/** The conformance kit against Anthropic's Messages wire format. */
class AnthropicConformanceTest extends ConformanceKit {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    AnthropicProvider.Builder b = AnthropicProvider.builder().baseUrl(baseUrl).apiKey(key)
        .clock(clock).maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected String model() {
    return AnthropicFixtures.MODEL;
  }

  @Override
  protected MockResponse textReply() {
    return Wire.json(200, AnthropicFixtures.TEXT_RESPONSE);
  }

  @Override
  protected Usage textUsage() {
    // 12 uncached + 4 read from the cache + 3 written to it; 4 cached
    return new Usage(19, 10, 29, 4, 0);
  }

  @Override
  protected List<String> textStreamEvents() {
    return AnthropicFixtures.TEXT_STREAM;
  }

  @Override
  protected Usage textStreamUsage() {
    // message_start: 9 + 2 cached in, 1 out; message_delta: 2 out in all (not 1 + 2)
    return new Usage(11, 2, 13, 2, 0);
  }

  @Override
  protected List<String> textStreamEventsWithoutUsage() {
    return List.of(
        event("message_start", """
            {"type":"message_start","message":{"id":"msg_05","type":"message",\
            "role":"assistant","content":[],"model":"claude-sonnet-4-5-20250929",\
            "stop_reason":null,"stop_sequence":null}}"""),
        event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"),
        event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\"Hello\"}}"),
        event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"text_delta\",\"text\":\" world\"}}"),
        event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
        event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
            + "\"end_turn\",\"stop_sequence\":null}}"));
  }

  @Override
  protected boolean carriesFinishReason(String event) {
    return event.contains("\"stop_reason\":\"");
  }

  @Override
  protected boolean isTerminalEvent(String event) {
    return event.startsWith("event: message_stop");
  }

  @Override
  protected MockResponse oneToolCallReply() {
    return Wire.json(200, """
        {"id":"msg_05","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[
           {"type":"text","text":"I'll look that up."},
           {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"Paris"}}],
         "stop_reason":"tool_use","stop_sequence":null,
         "usage":{"input_tokens":380,"output_tokens":40}}""");
  }

  @Override
  protected MockResponse parallelToolCallsReply() {
    return Wire.json(200, AnthropicFixtures.TOOL_CALLS_RESPONSE);
  }

  /** Thinking (and its signed state) before a tool call. */
  @Override
  protected List<String> reasoningStreamEvents() {
    return AnthropicReasoningTest.TOOL_TURN_STREAM;
  }

  @Override
  protected List<String> parallelToolCallsStreamEvents() {
    return AnthropicFixtures.TOOL_STREAM;
  }

  private static MockResponse stopping(String reason) {
    return Wire.json(200, """
        {"id":"msg_06","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":[{"type":"text","text":"x"}],"stop_reason":"%s","stop_sequence":null,
         "usage":{"input_tokens":5,"output_tokens":1}}""".formatted(reason));
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("end_turn", stopping("end_turn"), FinishReason.STOP),
        new FinishCase("stop_sequence", stopping("stop_sequence"), FinishReason.STOP),
        new FinishCase("max_tokens", stopping("max_tokens"), FinishReason.LENGTH),
        new FinishCase("model_context_window_exceeded",
            stopping("model_context_window_exceeded"), FinishReason.LENGTH),
        new FinishCase("tool_use", oneToolCallReply(), FinishReason.TOOL_CALLS),
        new FinishCase("refusal", stopping("refusal"), FinishReason.CONTENT_FILTER),
        new FinishCase("pause_turn", stopping("pause_turn"), FinishReason.OTHER));
  }

  private static ErrorCase error(int status, String type,
      Class<? extends ProviderException> exception, boolean retryable) {
    return new ErrorCase(status, type, m -> Wire.json(status, errorBody(type, m)), exception,
        retryable, null);
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    // https://docs.claude.com/en/api/errors
    return List.of(
        error(400, "invalid_request_error", InvalidRequestException.class, false),
        new ErrorCase(400, "invalid_request_error", m -> Wire.json(400, errorBody(
            "invalid_request_error", "prompt is too long: 208310 tokens > 200000 maximum; " + m)),
            ContextLengthExceededException.class, false, null),
        error(401, "authentication_error", AuthenticationException.class, false),
        error(402, "billing_error", ProviderException.class, false),
        error(403, "permission_error", AuthenticationException.class, false),
        error(404, "not_found_error", InvalidRequestException.class, false),
        error(413, "request_too_large", InvalidRequestException.class, false),
        new ErrorCase(429, "rate_limit_error", m -> new MockResponse.Builder().code(429)
            .setHeader("Content-Type", "application/json").setHeader("retry-after", "17")
            .body(errorBody("rate_limit_error", m)).build(),
            ProviderRateLimitException.class, true, Duration.ofSeconds(17)),
        error(500, "api_error", ProviderUnavailableException.class, true),
        error(529, "overloaded_error", ProviderUnavailableException.class, true));
  }

  @Override
  protected String midStreamErrorEvent(String message) {
    return event("error", errorBody("overloaded_error", message));
  }

  @Override
  protected Class<? extends ProviderException> midStreamErrorType() {
    return ProviderUnavailableException.class;
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/messages");
    assertThat(request.getHeaders().get("x-api-key")).isEqualTo(KEY);
    assertThat(request.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(request.getHeaders().get("anthropic-beta")).isNull();
    assertThat(request.getHeaders().get("Authorization")).isNull();
    JsonNode body = Wire.body(request);
    assertThat(body.path("model").asText()).isEqualTo(model());
    assertMessagesBody(request, body, stream);
  }

  /** What every Messages request carries, plain or streamed: max_tokens, Accept and stream. */
  static void assertMessagesBody(RecordedRequest request, JsonNode body, boolean stream) {
    assertThat(body.path("max_tokens").asInt()).isEqualTo(AnthropicProvider.DEFAULT_MAX_TOKENS);
    if (stream) {
      assertThat(request.getHeaders().get("Accept")).isEqualTo("text/event-stream");
      assertThat(body.path("stream").asBoolean()).isTrue();
    } else {
      assertThat(request.getHeaders().get("Accept")).isEqualTo("application/json");
      assertThat(body.has("stream")).isFalse();
    }
  }

  @Override
  protected void assertUserTurn(JsonNode body) {
    assertThat(body.get("messages"))
        .isEqualTo(Wire.tree("[{\"role\":\"user\",\"content\":\"hi\"}]"));
    assertThat(body.has("system")).isFalse();
  }

  @Override
  protected void assertSystemPlacement(JsonNode body) {
    assertThat(body.get("system")).isEqualTo(Wire.tree("\"Be brief.\\n\\nAnswer in French.\""));
    assertThat(body.get("messages"))
        .isEqualTo(Wire.tree("[{\"role\":\"user\",\"content\":\"hi\"}]"));
  }

  @Override
  protected void assertToolDefinitions(JsonNode body) {
    assertThat(body.get("tools")).isEqualTo(Wire.tree("""
        [{"name":"get_weather","description":"The current weather at a place",
          "input_schema":{"type":"object","properties":{"location":{"type":"string"}},
            "required":["location"]}},
         {"name":"get_time","description":"The current time in a time zone",
          "input_schema":{"type":"object","properties":{"tz":{"type":"string"}}}}]"""));
    assertThat(body.get("tool_choice")).isEqualTo(Wire.tree("{\"type\":\"auto\"}"));
  }

  @Override
  protected void assertToolResults(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"user","content":"Weather in Paris, and the time?"},
         {"role":"assistant","content":[
           {"type":"tool_use","id":"call_a","name":"get_weather","input":{"location":"Paris"}},
           {"type":"tool_use","id":"call_b","name":"get_time","input":{"tz":"CET"}}]},
         {"role":"user","content":[
           {"type":"tool_result","tool_use_id":"call_a","content":"{\\"temp_c\\":18}"},
           {"type":"tool_result","tool_use_id":"call_b","content":"10:00"}]}]"""));
  }

  @Override
  protected void assertImages(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"user","content":[
          {"type":"text","text":"What is this?"},
          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"%s"}},
          {"type":"image","source":{"type":"url","url":"%s"}}]}]"""
        .formatted(pngBase64(), IMAGE_URL)));
  }
}
