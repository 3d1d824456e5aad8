package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.MODEL;
import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.UnsupportedResponseException;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies and stream events as the streaming reader sees them: JSON cut short or followed by more
 * JSON fails as malformed and emits nothing, and function-call arguments come out as the JSON text
 * Gemini sent.
 */
class GeminiStreamingReadTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  /** Nested objects and arrays, numbers of every kind, escapes and characters beyond ASCII. */
  private static final String ARGS = "{\"query\":{\"filters\":[{\"field\":\"price\",\"lte\":99.5},"
      + "{\"field\":\"tags\",\"in\":[\"a\",\"b\"]}],\"limit\":10,\"offset\":-3,"
      + "\"big\":12345678901234567890,\"ratio\":-0.25,\"exact\":true,\"none\":null,"
      + "\"empty\":{},\"list\":[[],[1,[2,{\"deep\":false}]]]},"
      + "\"note\":\"café 中文 😀 \\\"quoted\\\" back\\\\slash\\nnew line\\ttab\"}";

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

  private static String textEvent(String text, String tail) {
    return "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + text
        + "\"}],\"role\":\"model\"}" + tail;
  }

  @Test
  void anEventCutShortFailsTheStreamAndEmitsNothingForIt() {
    String whole = textEvent(" cut", ",\"finishReason\":\"STOP\",\"index\":0}]}");
    for (int end : new int[] {1, 20, 45, 52, whole.length() - 1}) {
      TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
          whole.substring(0, end), GeminiFixtures.TEXT_STREAM[1]);
      assertThat(sub.error()).as("cut at %d", end)
          .isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("not valid JSON");
      assertThat(sub.items()).as("cut at %d", end)
          .extracting(ChatChunk::textDelta).containsExactly("Hello");
    }
  }

  @Test
  void anEventFollowedByASecondValueFailsTheStreamAndEmitsNothingForIt() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        textEvent(" two", ",\"finishReason\":\"STOP\",\"index\":0}]} {\"candidates\":[]}"));
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("not valid JSON");
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello");
    assertThat(sub.items()).allSatisfy(c -> assertThat(c.finishReason()).isNull());
  }

  @Test
  void anEventThatIsNoObjectIsMalformed() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0], "[1,2]");
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("not a JSON object");
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello");
  }

  @Test
  void anEventCutShortInsideFunctionCallArgumentsIsMalformed() {
    String event = "{\"candidates\":[{\"content\":{\"parts\":[{\"functionCall\":"
        + "{\"name\":\"search\",\"args\":" + ARGS;
    for (int end : new int[] {event.length() - ARGS.length() + 1, event.length() - 30,
        event.length()}) {
      TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
          event.substring(0, end));
      assertThat(sub.error()).as("cut at %d", end)
          .isInstanceOf(MalformedResponseException.class);
      assertThat(sub.items()).as("cut at %d", end)
          .extracting(ChatChunk::textDelta).containsExactly("Hello");
    }
  }

  @Test
  void aTruncatedReplyIsMalformed() {
    String body = GeminiFixtures.TOOL_CALLS_RESPONSE;
    for (int end = 1; end < body.length() - 1; end += 37) {
      server.enqueue(Wire.json(200, body.substring(0, end)));
      int cut = end;
      Throwable e = catchThrowable(
          () -> provider.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST));
      assertThat(e).as("cut at %d", cut).isInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  void functionCallArgumentsOfAReplyRoundTripExactly() {
    server.enqueue(Wire.json(200, "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":"
        + "[{\"functionCall\":{\"id\":\"fc-1\",\"name\":\"search\",\"args\":" + ARGS + "}}]},"
        + "\"finishReason\":\"STOP\"}]}"));
    ChatResponse r = provider.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST);
    assertThat(r.toolCalls()).containsExactly(ToolCall.of("fc-1", "search", ARGS));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void functionCallArgumentsOfAStreamRoundTripExactly() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
            + "{\"name\":\"search\",\"args\":" + ARGS + "},\"thoughtSignature\":\"c2ln\"}]},"
            + "\"finishReason\":\"STOP\"}]}");
    assertThat(sub.isCompleted()).isTrue();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    ChatResponse r = acc.toResponse();
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(r.toolCalls()).singleElement().satisfies(call -> {
      assertThat(call.id()).isEqualTo("call_0_search");
      assertThat(call.arguments()).isEqualTo(ARGS);
      assertThat(call.signature().value()).isEqualTo("c2ln");
    });
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void eventsRepeatingTheirIdAndModelKeepThemAndTheLastUsageCounts() {
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        textEvent(" big", ",\"index\":0}],\"modelVersion\":\"gemini-2.5-flash\","
            + "\"responseId\":\"resp-stream-1\",\"usageMetadata\":{\"promptTokenCount\":9,"
            + "\"totalTokenCount\":9}}"),
        GeminiFixtures.TEXT_STREAM[1]);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("Hello", " big", " world");
    assertThat(sub.items()).allSatisfy(c -> assertThat(c.model()).isEqualTo("gemini-2.5-flash"));
    ChatChunk last = sub.items().get(sub.items().size() - 1);
    assertThat(last.usage().totalTokens()).isEqualTo(11);
    assertThat(last.usage().outputTokens()).isEqualTo(2);
  }
  private static String callPart(String functionCall, String tail) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
        + functionCall + "}]}" + tail + "}]}";
  }

  @Test
  void streamedArgumentsTakeWholeArgsSentAlongsideAndPiecesInTheirFieldOrder() {
    TestSubscriber<ChatChunk> sub = stream(
        callPart("{\"willContinue\":true,\"name\":\"f\","
            + "\"args\":{\"keep\":[1,{\"x\":\"é\"}]}}", ""),
        callPart("{\"willContinue\":true,\"partialArgs\":[{\"jsonPath\":\"$.n\","
            + "\"numberValue\":12345678901234567890},{\"willContinue\":true,"
            + "\"stringValue\":\"ab\",\"jsonPath\":\"$.s\"}]}", ""),
        callPart("{\"partialArgs\":[{\"jsonPath\":\"$.s\",\"stringValue\":\"c\"},"
            + "{\"jsonPath\":\"$.z\",\"nullValue\":null,\"boolValue\":false}]}",
            ",\"finishReason\":\"STOP\""));
    assertThat(sub.isCompleted()).isTrue();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    assertThat(acc.toResponse().toolCalls()).singleElement()
        .extracting(ToolCall::arguments)
        .isEqualTo("{\"keep\":[1,{\"x\":\"é\"}],\"n\":12345678901234567890,\"s\":\"abc\","
            + "\"z\":false}");
  }

  @Test
  void streamedArgumentsThatAreNoListOrHaveNoPathAreUnsupported() {
    TestSubscriber<ChatChunk> sub = stream(
        callPart("{\"name\":\"f\",\"willContinue\":true,\"partialArgs\":{\"a\":1}}", ""));
    assertThat(sub.error()).isInstanceOf(UnsupportedResponseException.class)
        .hasMessageContaining("not a list");
    sub = stream(callPart("{\"name\":\"f\",\"willContinue\":true}", ""),
        callPart("{\"partialArgs\":[\"$.a\"]}", ",\"finishReason\":\"STOP\""));
    assertThat(sub.error()).isInstanceOf(UnsupportedResponseException.class)
        .hasMessageContaining("has no jsonPath");
  }

  @Test
  void aCutEventIsMalformedEvenWhenItsCallWouldBeUnsupported() {
    String nameless = callPart("{\"partialArgs\":[{\"jsonPath\":\"$.a\"}]}", "");
    TestSubscriber<ChatChunk> sub = stream(GeminiFixtures.TEXT_STREAM[0],
        nameless.substring(0, nameless.length() - 2));
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class);
  }
}
