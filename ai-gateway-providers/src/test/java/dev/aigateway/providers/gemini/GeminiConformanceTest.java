package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.API_KEY_INVALID;
import static dev.aigateway.providers.gemini.GeminiFixtures.CONTEXT_MESSAGE;
import static dev.aigateway.providers.gemini.GeminiFixtures.PER_DAY_QUOTA;
import static dev.aigateway.providers.gemini.GeminiFixtures.RETRY_INFO_13S;
import static dev.aigateway.providers.gemini.GeminiFixtures.error;
import static dev.aigateway.providers.gemini.GeminiFixtures.finishing;
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

/** The conformance kit against Gemini's generateContent wire format. */
class GeminiConformanceTest extends ConformanceKit {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    GeminiProvider.Builder b = GeminiProvider.builder().baseUrl(baseUrl).apiKey(key).clock(clock)
        .maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected String model() {
    return GeminiFixtures.MODEL;
  }

  @Override
  protected MockResponse textReply() {
    return Wire.json(200, GeminiFixtures.TEXT_RESPONSE);
  }

  @Override
  protected Usage textUsage() {
    return new Usage(19, 10, 29, 4, 2);
  }

  @Override
  protected List<String> textStreamEvents() {
    return Wire.dataEvents(GeminiFixtures.TEXT_STREAM);
  }

  @Override
  protected Usage textStreamUsage() {
    return new Usage(9, 2, 11, 0, 0);
  }

  @Override
  protected List<String> textStreamEventsWithoutUsage() {
    return Wire.dataEvents("""
        {"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"index":0}],\
        "modelVersion":"gemini-2.5-flash","responseId":"resp-stream-1"}""", """
        {"candidates":[{"content":{"parts":[{"text":" world"}],"role":"model"},\
        "finishReason":"STOP","index":0}],\
        "modelVersion":"gemini-2.5-flash","responseId":"resp-stream-1"}""");
  }

  @Override
  protected boolean carriesFinishReason(String event) {
    return event.contains("\"finishReason\"");
  }

  @Override
  protected boolean isTerminalEvent(String event) {
    return false; // Gemini's stream has no terminal event
  }

  @Override
  protected MockResponse oneToolCallReply() {
    return Wire.json(200, """
        {"candidates":[{"content":{"parts":[
            {"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}],"role":"model"},
          "finishReason":"STOP","index":0}],
         "usageMetadata":{"promptTokenCount":80,"candidatesTokenCount":20,"totalTokenCount":100},
         "modelVersion":"gemini-2.5-flash","responseId":"resp-tool-1"}""");
  }

  @Override
  protected MockResponse parallelToolCallsReply() {
    return Wire.json(200, GeminiFixtures.TOOL_CALLS_RESPONSE);
  }

  /**
   * Gemini sends a functionCall whole, its {@code args} a JSON object that cannot be split across
   * events (Google's API reference; partial arguments exist only on Vertex AI). So each call
   * arrives in its own event here: the most a Gemini stream can spread them.
   */
  /** Thinking (and its signed state) before a tool call. */
  @Override
  protected List<String> reasoningStreamEvents() {
    return Wire.dataEvents(GeminiReasoningTest.TOOL_TURN_STREAM);
  }

  @Override
  protected List<String> parallelToolCallsStreamEvents() {
    return Wire.dataEvents(GeminiFixtures.TOOL_STREAM);
  }

  @Override
  protected List<FinishCase> finishCases() {
    return List.of(
        new FinishCase("STOP", Wire.json(200, finishing("STOP", true)), FinishReason.STOP),
        new FinishCase("MAX_TOKENS", Wire.json(200, finishing("MAX_TOKENS", true)),
            FinishReason.LENGTH),
        new FinishCase("SAFETY", Wire.json(200, finishing("SAFETY", false)),
            FinishReason.CONTENT_FILTER),
        new FinishCase("RECITATION", Wire.json(200, finishing("RECITATION", true)),
            FinishReason.CONTENT_FILTER),
        new FinishCase("BLOCKLIST", Wire.json(200, finishing("BLOCKLIST", false)),
            FinishReason.CONTENT_FILTER),
        new FinishCase("PROHIBITED_CONTENT", Wire.json(200, finishing("PROHIBITED_CONTENT", false)),
            FinishReason.CONTENT_FILTER),
        new FinishCase("SPII", Wire.json(200, finishing("SPII", false)),
            FinishReason.CONTENT_FILTER),
        new FinishCase("MALFORMED_FUNCTION_CALL",
            Wire.json(200, finishing("MALFORMED_FUNCTION_CALL", false)), FinishReason.OTHER),
        new FinishCase("OTHER", Wire.json(200, finishing("OTHER", false)), FinishReason.OTHER),
        // Gemini says STOP when it calls a function.
        new FinishCase("STOP with a functionCall", oneToolCallReply(), FinishReason.TOOL_CALLS));
  }

  private static ErrorCase error(int status, String rpcStatus,
      Class<? extends ProviderException> exception, boolean retryable) {
    return new ErrorCase(status, rpcStatus,
        m -> Wire.json(status, GeminiFixtures.error(status, rpcStatus, m, null)), exception,
        retryable, null);
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    // https://ai.google.dev/gemini-api/docs/troubleshooting#error-codes
    return List.of(
        error(400, "INVALID_ARGUMENT", InvalidRequestException.class, false),
        new ErrorCase(400, "INVALID_ARGUMENT", m -> Wire.json(400,
            GeminiFixtures.error(400, "INVALID_ARGUMENT", CONTEXT_MESSAGE + " " + m, null)),
            ContextLengthExceededException.class, false, null),
        error(400, "FAILED_PRECONDITION", InvalidRequestException.class, false),
        // A key Google does not accept comes as a 400, told apart by its ErrorInfo reason.
        new ErrorCase(400, "INVALID_ARGUMENT", m -> Wire.json(400,
            GeminiFixtures.error(400, "INVALID_ARGUMENT", m, API_KEY_INVALID)),
            AuthenticationException.class, false, null),
        error(401, "UNAUTHENTICATED", AuthenticationException.class, false),
        error(403, "PERMISSION_DENIED", AuthenticationException.class, false),
        error(404, "NOT_FOUND", InvalidRequestException.class, false),
        new ErrorCase(429, "RESOURCE_EXHAUSTED", m -> new MockResponse.Builder().code(429)
            .setHeader("Content-Type", "application/json; charset=UTF-8")
            .setHeader("Retry-After", "7")
            .body(GeminiFixtures.error(429, "RESOURCE_EXHAUSTED", m, null)).build(),
            ProviderRateLimitException.class, true, Duration.ofSeconds(7)),
        // No header: the wait comes from google.rpc.RetryInfo in the body.
        new ErrorCase(429, "RESOURCE_EXHAUSTED", m -> Wire.json(429,
            GeminiFixtures.error(429, "RESOURCE_EXHAUSTED", m, RETRY_INFO_13S)),
            ProviderRateLimitException.class, true, Duration.ofSeconds(13)),
        // A per-day quota: waiting seconds does not help.
        new ErrorCase(429, "RESOURCE_EXHAUSTED", m -> Wire.json(429,
            GeminiFixtures.error(429, "RESOURCE_EXHAUSTED", m, PER_DAY_QUOTA)),
            ProviderRateLimitException.class, false, Duration.ofMillis(40_500)),
        error(500, "INTERNAL", ProviderUnavailableException.class, true),
        error(503, "UNAVAILABLE", ProviderUnavailableException.class, true),
        error(504, "DEADLINE_EXCEEDED", ProviderUnavailableException.class, true));
  }

  @Override
  protected String midStreamErrorEvent(String message) {
    return "data: " + GeminiFixtures.error(503, "UNAVAILABLE", message, null);
  }

  @Override
  protected Class<? extends ProviderException> midStreamErrorType() {
    return ProviderUnavailableException.class;
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo(stream
        ? "/v1beta/models/gemini-2.5-flash:streamGenerateContent"
        : "/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(request.getUrl().query()).isEqualTo(stream ? "alt=sse" : null);
    assertThat(request.getUrl().toString()).doesNotContain(KEY);
    assertThat(request.getHeaders().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(request.getHeaders().get("Authorization")).isNull();
    JsonNode body = Wire.body(request);
    assertThat(body.has("model")).as("the model travels in the path").isFalse();
    assertThat(body.has("stream")).isFalse();
  }

  @Override
  protected void assertUserTurn(JsonNode body) {
    assertThat(body.get("contents"))
        .isEqualTo(Wire.tree("[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]"));
    assertThat(body.has("systemInstruction")).isFalse();
  }

  @Override
  protected void assertSystemPlacement(JsonNode body) {
    assertThat(body.get("systemInstruction")).isEqualTo(Wire.tree("""
        {"parts":[{"text":"Be brief."},{"text":"Answer in French."}]}"""));
    assertThat(body.get("contents"))
        .isEqualTo(Wire.tree("[{\"role\":\"user\",\"parts\":[{\"text\":\"hi\"}]}]"));
  }

  @Override
  protected void assertToolDefinitions(JsonNode body) {
    assertThat(body.get("tools")).isEqualTo(Wire.tree("""
        [{"functionDeclarations":[
           {"name":"get_weather","description":"The current weather at a place",
            "parametersJsonSchema":{"type":"object","properties":{"location":{"type":"string"}},
              "required":["location"]}},
           {"name":"get_time","description":"The current time in a time zone",
            "parametersJsonSchema":{"type":"object","properties":{"tz":{"type":"string"}}}}]}]"""));
    assertThat(body.get("toolConfig"))
        .isEqualTo(Wire.tree("{\"functionCallingConfig\":{\"mode\":\"AUTO\"}}"));
  }

  @Override
  protected void assertToolResults(JsonNode body) {
    assertThat(body.get("contents")).isEqualTo(Wire.tree("""
        [{"role":"user","parts":[{"text":"Weather in Paris, and the time?"}]},
         {"role":"model","parts":[
           {"functionCall":{"name":"get_weather","args":{"location":"Paris"}}},
           {"functionCall":{"name":"get_time","args":{"tz":"CET"}}}]},
         {"role":"user","parts":[
           {"functionResponse":{"name":"get_weather","response":{"temp_c":18}}},
           {"functionResponse":{"name":"get_time","response":{"result":"10:00"}}}]}]"""));
  }

  @Override
  protected void assertImages(JsonNode body) {
    assertThat(body.get("contents")).isEqualTo(Wire.tree("""
        [{"role":"user","parts":[
          {"text":"What is this?"},
          {"inlineData":{"mimeType":"image/png","data":"%s"}},
          {"fileData":{"mimeType":"image/png","fileUri":"%s"}}]}]"""
        .formatted(pngBase64(), IMAGE_URL)));
  }
}
