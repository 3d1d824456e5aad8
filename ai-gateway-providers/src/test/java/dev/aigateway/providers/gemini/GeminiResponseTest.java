package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.MODEL;
import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.UnsupportedResponseException;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gemini reply shapes the conformance kit does not cover. */
class GeminiResponseTest {
  private final MockWebServer server = new MockWebServer();
  private GeminiProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = provider(server).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private ChatResponse reply(String body) {
    server.enqueue(Wire.json(200, body));
    return provider.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST);
  }

  private Throwable failure(int status, String body) {
    server.enqueue(Wire.json(status, body));
    return catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST));
  }

  @Test
  void thoughtPartsAreReasoningApartFromTheJoinedText() {
    ChatResponse r = reply("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"text":"Let me think about greetings.","thought":true},
            {"text":"Hello"},{"text":" there!"}]},"finishReason":"STOP"}],
         "modelVersion":"gemini-2.5-pro","responseId":"abc"}""");
    assertThat(r.text()).isEqualTo("Hello there!");
    assertThat(r.reasoning()).isEqualTo("Let me think about greetings.");
    assertThat(r.id()).isEqualTo("abc");
    assertThat(r.model()).isEqualTo("gemini-2.5-pro");
    assertThat(r.provider()).isEqualTo("gemini");
    assertThat(r.usage()).as("no usageMetadata, no usage").isNull();
  }

  @Test
  void theRequestedModelIsReportedWhenTheReplyNamesNone() {
    String body = """
        {"candidates":[{"content":{"parts":[{"text":"x"}],"role":"model"},"finishReason":"STOP",
         "index":0}],"responseId":"r"}""";
    assertThat(body).as("the fixture names no model").doesNotContain("modelVersion");
    String requested = "gemini-2.5-flash-lite";
    server.enqueue(Wire.json(200, body));
    assertThat(provider.chat(ChatRequest.of(requested, "hi"), Wire.FAIL_FAST).model())
        .isEqualTo(requested);
  }

  @Test
  void functionCallsGetGeminiIdsWhenSentAndStableSynthesizedOnesOtherwise() {
    ChatResponse r = reply("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"text":"Checking."},
            {"functionCall":{"name":"get_weather","args":{"location":"Paris"}}},
            {"functionCall":{"id":"fc-77","name":"get_time","args":{"tz":"CET"}}},
            {"functionCall":{"name":"get_weather"}}]},"finishReason":"STOP"}]}""");
    assertThat(r.text()).isEqualTo("Checking.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("call_0_get_weather", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("fc-77", "get_time", "{\"tz\":\"CET\"}"),
        ToolCall.of("call_2_get_weather", "get_weather", "{}"));
  }

  @Test
  void aCutShortFunctionCallKeepsLength() {
    ChatResponse r = reply("""
        {"candidates":[{"content":{"role":"model","parts":[
            {"functionCall":{"name":"get_weather","args":{"location":"Par"}}}]},
          "finishReason":"MAX_TOKENS"}]}""");
    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(r.toolCalls()).hasSize(1);
  }

  @Test
  void moreFinishReasons() {
    assertThat(reply(GeminiFixtures.finishing("IMAGE_SAFETY", false)).finishReason())
        .isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(reply(GeminiFixtures.finishing("LANGUAGE", false)).finishReason())
        .isEqualTo(FinishReason.OTHER);
    assertThat(reply(GeminiFixtures.finishing("FINISH_REASON_UNSPECIFIED", false)).finishReason())
        .isEqualTo(FinishReason.OTHER);
    assertThat(reply(GeminiFixtures.finishing("SOMETHING_NEW", true)).finishReason())
        .isEqualTo(FinishReason.OTHER);
  }

  @Test
  void usageCountsToolUsePromptsAsInputAndThoughtsAsOutput() {
    ChatResponse r = reply("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":100,"cachedContentTokenCount":60,
           "toolUsePromptTokenCount":30,"candidatesTokenCount":12,"thoughtsTokenCount":40,
           "totalTokenCount":182}}""");
    assertThat(r.usage()).isEqualTo(new Usage(130, 52, 182, 60, 40));
    ChatResponse noTotal = reply("""
        {"candidates":[{"content":{"role":"model","parts":[{"text":"x"}]},"finishReason":"STOP"}],
         "usageMetadata":{"promptTokenCount":5,"candidatesTokenCount":3}}""");
    assertThat(noTotal.usage()).isEqualTo(new Usage(5, 3, 8, 0, 0));
  }

  @Test
  void aBlockedPromptIsATypedNonRetryableError() {
    Throwable e = failure(200, """
        {"promptFeedback":{"blockReason":"SAFETY","safetyRatings":[
           {"category":"HARM_CATEGORY_DANGEROUS_CONTENT","probability":"HIGH"}]},
         "usageMetadata":{"promptTokenCount":8,"totalTokenCount":8},
         "modelVersion":"gemini-2.5-flash"}""");
    assertThat(e).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("blocked the prompt").hasMessageContaining("SAFETY");
    InvalidRequestException blocked = (InvalidRequestException) e;
    assertThat(blocked.errorCode()).isEqualTo("SAFETY");
    assertThat(blocked.statusCode()).isEqualTo(200);
    assertThat(blocked.retryable()).isFalse();
  }

  @Test
  void aReplyWithoutCandidatesIsMalformedAndAFunctionCallWithoutNameIsUnsupported() {
    assertThat(failure(200, "{\"usageMetadata\":{\"promptTokenCount\":3}}"))
        .isInstanceOf(MalformedResponseException.class).hasMessageContaining("no candidates");
    assertThat(failure(200, """
        {"candidates":[{"content":{"parts":[{"functionCall":{"args":{}}}]},
          "finishReason":"STOP"}]}"""))
        .as("a shape the adapter does not understand comes back the same: not retryable")
        .isInstanceOfSatisfying(UnsupportedResponseException.class,
            e -> assertThat(e.retryable()).isFalse())
        .hasMessageContaining("no name");
  }

  @Test
  void anErrorBodyWithStatus200IsMappedByItsRpcStatus() {
    Throwable e = failure(200, GeminiFixtures.error(503, "UNAVAILABLE", "The model is overloaded.",
        null));
    assertThat(e).isExactlyInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("overloaded");
    assertThat(((ProviderUnavailableException) e).errorCode()).isEqualTo("UNAVAILABLE");
  }

  @Test
  void anErrorWrappedInAnArrayIsStillRead() {
    Throwable e = failure(400, "[" + GeminiFixtures.error(400, "INVALID_ARGUMENT",
        GeminiFixtures.CONTEXT_MESSAGE, null) + "]");
    assertThat(e).isExactlyInstanceOf(ContextLengthExceededException.class);
    assertThat(((ContextLengthExceededException) e).errorCode()).isEqualTo("INVALID_ARGUMENT");
  }

  @Test
  void aFractionalRetryDelayIsRead() {
    Throwable e = failure(429, GeminiFixtures.error(429, "RESOURCE_EXHAUSTED", "slow down", """
        [{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"45.837906927s"}]"""));
    assertThat(((ProviderRateLimitException) e).retryAfter())
        .contains(Duration.ofSeconds(45, 837_906_927));
    assertThat(((ProviderRateLimitException) e).retryable()).isTrue();
  }
}
