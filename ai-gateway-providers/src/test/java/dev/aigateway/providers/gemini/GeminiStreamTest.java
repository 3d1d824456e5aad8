package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.KEY;
import static dev.aigateway.providers.gemini.GeminiFixtures.MODEL;
import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Gemini stream shapes the conformance kit does not cover. */
class GeminiStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
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

  private TestSubscriber<ChatChunk> stream(String... events) {
    server.enqueue(Wire.sse(Wire.dataEvents(events)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of(MODEL, "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  private static ChatResponse fold(TestSubscriber<ChatChunk> sub) {
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }

  @Test
  void textArrivesEventByEventAndOnlyTheLastChunkCarriesFinishAndUsage() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM);
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world");
    ChatChunk first = sub.items().get(0);
    assertThat(first.finishReason()).isNull();
    assertThat(first.usage()).as("cumulative usage is held back until the end").isNull();
    ChatChunk last = sub.items().get(1);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(new Usage(9, 2, 11, 0, 0));
    assertThat(sub.items()).allSatisfy(c -> {
      assertThat(c.id()).isEqualTo("resp-stream-1");
      assertThat(c.model()).isEqualTo("gemini-2.5-flash");
      assertThat(c.provider()).isEqualTo("gemini");
    });
  }

  @Test
  void theStreamsFirstResponseIdAndModelVersionAreReportedOnEveryChunk() {
    TestSubscriber<ChatChunk> sub = stream(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}],\"role\":\"model\"},"
            + "\"index\":0}],\"modelVersion\":\"gemini-2.5-flash-001\",\"responseId\":\"r-1\"}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"B\"}],\"role\":\"model\"},"
            + "\"finishReason\":\"STOP\",\"index\":0}],\"modelVersion\":\"gemini-other\","
            + "\"responseId\":\"r-2\"}");
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("A", "B");
    assertThat(sub.items()).as("later events' ids and versions are not read again")
        .allSatisfy(c -> {
          assertThat(c.id()).isEqualTo("r-1");
          assertThat(c.model()).isEqualTo("gemini-2.5-flash-001");
        });
  }

  @Test
  void eventsAfterTheFinishReasonAreIgnoredAndTheEndOfTheBodyCompletesTheStream() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        GeminiFixtures.TEXT_STREAM[1],
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" late\"}]},\"index\":0}],"
            + "\"usageMetadata\":{\"promptTokenCount\":1,\"totalTokenCount\":1}}");
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world");
    assertThat(sub.items().get(1).usage()).isEqualTo(new Usage(9, 2, 11, 0, 0));
  }

  @Test
  void anErrorAfterTheFinishReasonStillFailsTheStream() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        GeminiFixtures.TEXT_STREAM[1],
        GeminiFixtures.error(503, "UNAVAILABLE", "The model is overloaded.", null));
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("overloaded");
  }

  @Test
  void thoughtsStreamAsReasoningAndAFinalEventWithoutTextStillEndsTheStream() {
    TestSubscriber<ChatChunk> sub = stream(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Pondering\",\"thought\":true}],"
            + "\"role\":\"model\"}}]}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Hi\"}],\"role\":\"model\"}}]}",
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"\"}],\"role\":\"model\"},"
            + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":3,"
            + "\"candidatesTokenCount\":1,\"thoughtsTokenCount\":5,\"totalTokenCount\":9}}");
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("", "Hi", "");
    assertThat(sub.items()).extracting(ChatChunk::reasoningDelta)
        .containsExactly("Pondering", "", "");
    assertThat(fold(sub).reasoning()).isEqualTo("Pondering");
    assertThat(fold(sub).text()).isEqualTo("Hi");
    assertThat(fold(sub).usage()).isEqualTo(new Usage(3, 6, 9, 0, 5));
    assertThat(fold(sub).model()).as("no modelVersion: the requested model").isEqualTo(MODEL);
  }

  @Test
  void functionCallsGetTheSameIdsAsInAPlainCallAndTextMayComeFirst() {
    TestSubscriber<ChatChunk> sub = stream(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Checking.\"}],\"role\":\"model\"}}]}",
        "{\"candidates\":[{\"content\":{\"parts\":["
            + "{\"functionCall\":{\"name\":\"get_weather\",\"args\":{\"location\":\"Paris\"}}},"
            + "{\"functionCall\":{\"id\":\"fc-9\",\"name\":\"get_time\",\"args\":{\"tz\":\"CET\"}}}"
            + "],\"role\":\"model\"},\"finishReason\":\"STOP\"}]}");
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items().get(1).toolCallDeltas()).containsExactly(
        new ToolCallDelta(0, "call_0_get_weather", "get_weather", "{\"location\":\"Paris\"}"),
        new ToolCallDelta(1, "fc-9", "get_time", "{\"tz\":\"CET\"}"));
    ChatResponse answer = fold(sub);
    assertThat(answer.text()).isEqualTo("Checking.");
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.toolCalls()).containsExactly(
        ToolCall.of("call_0_get_weather", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("fc-9", "get_time", "{\"tz\":\"CET\"}"));
  }

  @Test
  void aSafetyStopEndsTheStreamAsContentFilter() {
    TestSubscriber<ChatChunk> sub = stream(
        "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"Once\"}],\"role\":\"model\"}}]}",
        "{\"candidates\":[{\"finishReason\":\"SAFETY\",\"safetyRatings\":[{\"category\":"
            + "\"HARM_CATEGORY_HARASSMENT\",\"probability\":\"HIGH\",\"blocked\":true}]}]}");
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(fold(sub).finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(fold(sub).text()).isEqualTo("Once");
  }

  @Test
  void aBlockedPromptFailsTheStreamWithATypedError() {
    TestSubscriber<ChatChunk> sub = stream(
        "{\"promptFeedback\":{\"blockReason\":\"PROHIBITED_CONTENT\"},"
            + "\"usageMetadata\":{\"promptTokenCount\":8,\"totalTokenCount\":8}}");
    assertThat(sub.items()).isEmpty();
    assertThat(sub.error()).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("PROHIBITED_CONTENT");
    assertThat(((InvalidRequestException) sub.error()).errorCode())
        .isEqualTo("PROHIBITED_CONTENT");
    assertThat(((InvalidRequestException) sub.error()).retryable()).isFalse();
  }

  @Test
  void aRateLimitEventMidStreamKeepsItsRetryDelay() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        GeminiFixtures.error(429, "RESOURCE_EXHAUSTED", "Too many requests for " + KEY,
            GeminiFixtures.RETRY_INFO_13S));
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello");
    assertThat(sub.error()).isExactlyInstanceOf(ProviderRateLimitException.class)
        .hasMessageNotContaining(KEY);
    ProviderRateLimitException e = (ProviderRateLimitException) sub.error();
    assertThat(e.statusCode()).isEqualTo(429);
    assertThat(e.errorCode()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(e.retryAfter()).contains(Duration.ofSeconds(13));
  }

  @Test
  void aContextLengthEventIsTyped() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.error(400, "INVALID_ARGUMENT",
        GeminiFixtures.CONTEXT_MESSAGE, null));
    assertThat(sub.error()).isExactlyInstanceOf(ContextLengthExceededException.class);
  }

  @Test
  void anEventThatIsNotJsonIsMalformed() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0], "{\"candidates\": [");
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void aStreamThatEndsWithoutAFinishReasonFails() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        "{\"usageMetadata\":{\"promptTokenCount\":9,\"totalTokenCount\":9}}");
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).hasMessageContaining("finishReason");
  }
}
