package dev.aigateway.providers.openai;

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

/** The conformance kit against OpenAI's Chat Completions wire format. */
public class OpenAiConformanceTest extends ConformanceKit {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    OpenAiProvider.Builder b = OpenAiProvider.builder().baseUrl(baseUrl + "v1").apiKey(key)
        .clock(clock).maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected String model() {
    return "gpt-4o";
  }

  @Override
  protected MockResponse textReply() {
    return Wire.json(200, OpenAiFixtures.TEXT_RESPONSE);
  }

  @Override
  protected Usage textUsage() {
    return new Usage(19, 10, 29, 4, 2);
  }

  @Override
  protected List<String> textStreamEvents() {
    return Wire.dataEvents(OpenAiFixtures.TEXT_STREAM);
  }

  @Override
  protected Usage textStreamUsage() {
    return new Usage(9, 2, 11, 0, 0);
  }

  @Override
  protected List<String> textStreamEventsWithoutUsage() {
    // The opening chunk, "Hello", " world", the finish reason: no usage chunk, no [DONE].
    return Wire.dataEvents(java.util.Arrays.copyOf(OpenAiFixtures.TEXT_STREAM, 4));
  }

  @Override
  protected boolean carriesFinishReason(String event) {
    return event.contains("\"finish_reason\":\"");
  }

  @Override
  protected boolean isTerminalEvent(String event) {
    return event.equals("data: [DONE]");
  }

  @Override
  protected MockResponse oneToolCallReply() {
    return Wire.json(200, """
        {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
           {"id":"call_a","type":"function","function":{"name":"get_weather",
             "arguments":"{\\"location\\":\\"Paris\\"}"}}]},
           "finish_reason":"tool_calls"}],
         "usage":{"prompt_tokens":80,"completion_tokens":20,"total_tokens":100}}""");
  }

  @Override
  protected MockResponse parallelToolCallsReply() {
    return Wire.json(200, OpenAiFixtures.TOOL_CALLS_RESPONSE);
  }

  /** Thinking (and its signed state) before a tool call. */
  @Override
  protected List<String> reasoningStreamEvents() {
    return Wire.dataEvents(OpenAiToolLoopTest.TOOL_TURN_STREAM);
  }

  @Override
  protected List<String> parallelToolCallsStreamEvents() {
    return Wire.dataEvents(OpenAiFixtures.TOOL_STREAM);
  }

  private static MockResponse finishing(String reason) {
    return Wire.json(200, """
        {"id":"c","object":"chat.completion","model":"gpt-4o","choices":[{"index":0,
         "message":{"role":"assistant","content":"x"},"finish_reason":"%s"}]}"""
        .formatted(reason));
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("stop", finishing("stop"), FinishReason.STOP),
        new FinishCase("length", finishing("length"), FinishReason.LENGTH),
        new FinishCase("content_filter", finishing("content_filter"), FinishReason.CONTENT_FILTER),
        new FinishCase("tool_calls", oneToolCallReply(), FinishReason.TOOL_CALLS),
        // The deprecated function_call form still means the model wants a tool.
        new FinishCase("function_call", finishing("function_call"), FinishReason.TOOL_CALLS));
  }

  private static String error(String type, String code, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
  }

  private static ErrorCase error(int status, String type, String code,
      Class<? extends ProviderException> exception, boolean retryable) {
    return new ErrorCase(status, code != null ? code : type,
        m -> Wire.json(status, error(type, code, m)), exception, retryable, null);
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    // https://platform.openai.com/docs/guides/error-codes
    return List.of(
        error(400, "invalid_request_error", null, InvalidRequestException.class, false),
        error(400, "invalid_request_error", "context_length_exceeded",
            ContextLengthExceededException.class, false),
        error(401, "invalid_request_error", "invalid_api_key", AuthenticationException.class,
            false),
        error(403, "invalid_request_error", "unsupported_country_region_territory",
            AuthenticationException.class, false),
        error(404, "invalid_request_error", "model_not_found", InvalidRequestException.class,
            false),
        new ErrorCase(429, "rate_limit_exceeded", m -> new MockResponse.Builder().code(429)
            .setHeader("Content-Type", "application/json").setHeader("retry-after-ms", "1500")
            .body(error("requests", "rate_limit_exceeded", m)).build(),
            ProviderRateLimitException.class, true, Duration.ofMillis(1500)),
        error(429, "insufficient_quota", "insufficient_quota", ProviderRateLimitException.class,
            false),
        error(500, "server_error", null, ProviderUnavailableException.class, true),
        error(503, "server_error", "overloaded", ProviderUnavailableException.class, true));
  }

  @Override
  protected String midStreamErrorEvent(String message) {
    return "data: " + error("server_error", null, message);
  }

  @Override
  protected Class<? extends ProviderException> midStreamErrorType() {
    return ProviderUnavailableException.class;
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    JsonNode body = Wire.body(request);
    assertThat(body.path("model").asText()).isEqualTo("gpt-4o");
    if (stream) {
      assertThat(body.path("stream").asBoolean()).isTrue();
      assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    } else {
      assertThat(body.has("stream")).isFalse();
    }
  }

  @Override
  protected void assertUserTurn(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("[{\"role\":\"user\",\"content\":\"hi\"}]"));
  }

  @Override
  protected void assertSystemPlacement(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"system","content":"Be brief."},
         {"role":"system","content":"Answer in French."},
         {"role":"user","content":"hi"}]"""));
  }

  @Override
  protected void assertToolDefinitions(JsonNode body) {
    assertThat(body.get("tools")).isEqualTo(Wire.tree("""
        [{"type":"function","function":{"name":"get_weather",
           "description":"The current weather at a place",
           "parameters":{"type":"object","properties":{"location":{"type":"string"}},
             "required":["location"]}}},
         {"type":"function","function":{"name":"get_time",
           "description":"The current time in a time zone",
           "parameters":{"type":"object","properties":{"tz":{"type":"string"}}}}}]"""));
    assertThat(body.get("tool_choice").asText()).isEqualTo("auto");
  }

  @Override
  protected void assertToolResults(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"user","content":"Weather in Paris, and the time?"},
         {"role":"assistant","content":null,"tool_calls":[
           {"id":"call_a","type":"function","function":{"name":"get_weather",
             "arguments":"{\\"location\\":\\"Paris\\"}"}},
           {"id":"call_b","type":"function","function":{"name":"get_time",
             "arguments":"{\\"tz\\":\\"CET\\"}"}}]},
         {"role":"tool","tool_call_id":"call_a","content":"{\\"temp_c\\":18}"},
         {"role":"tool","tool_call_id":"call_b","content":"10:00"}]"""));
  }

  @Override
  protected void assertImages(JsonNode body) {
    assertThat(body.get("messages")).isEqualTo(Wire.tree("""
        [{"role":"user","content":[
          {"type":"text","text":"What is this?"},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,%s"}},
          {"type":"image_url","image_url":{"url":"%s"}}]}]"""
        .formatted(pngBase64(), IMAGE_URL)));
  }
}
