package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.TOOL_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.events;
import static dev.aigateway.providers.openai.OpenAiFixtures.provider;
import static dev.aigateway.providers.openai.OpenAiFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import okio.Buffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpenAiStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final MockWebServer server = new MockWebServer();
  private OpenAiProvider provider;

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

  private TestSubscriber<ChatChunk> stream(MockResponse response) {
    server.enqueue(response);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of("gpt-4o-mini", "hi")).subscribe(sub);
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
  void textArrivesChunkByChunkAndTheLastCarriesFinishReasonAndUsage() {
    TestSubscriber<ChatChunk> sub = stream(sse(TEXT_STREAM));
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .as("the empty role-only opening chunk is skipped").containsExactly("Hello", " world", "");
    ChatChunk last = sub.items().get(2);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(new Usage(9, 2, 11, 0, 0));
    assertThat(sub.items().subList(0, 2)).allSatisfy(c -> {
      assertThat(c.finishReason()).isNull();
      assertThat(c.usage()).isNull();
      assertThat(c.model()).isEqualTo("gpt-4o-mini");
      assertThat(c.provider()).isEqualTo("openai");
    });
    assertThat(fold(sub).text()).isEqualTo("Hello world");
  }

  @Test
  void theObfuscationPaddingOfTodaysChunksIsSkippedAndChangesNothing() {
    // OpenAI pads every streamed chunk with a random `obfuscation` string by default; it has no
    // meaning to the caller, and the field orders the reader learns must survive its changes
    // in length and place.
    TestSubscriber<ChatChunk> sub = stream(sse(new String[] {
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"gpt-5-nano\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
            + "\"content\":\"\"},\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"yBUv\"}",
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"gpt-5-nano\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"},"
            + "\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"8b1dlI5ORPq\"}",
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"obfuscation\":\"Zr\","
            + "\"created\":1755137933,\"model\":\"gpt-5-nano\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"content\":\"lo\"},\"finish_reason\":null}],\"usage\":null}",
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"gpt-5-nano\",\"choices\":[{\"index\":0,\"delta\":{},"
            + "\"finish_reason\":\"stop\"}],\"usage\":null,\"obfuscation\":\"4FZhoGBnjNsYATZ\"}",
        "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1755137933,"
            + "\"model\":\"gpt-5-nano\",\"choices\":[],\"usage\":{\"prompt_tokens\":7,"
            + "\"completion_tokens\":2,\"total_tokens\":9},\"obfuscation\":\"q1\"}",
        "[DONE]"}));
    assertThat(sub.isCompleted()).isTrue();
    ChatResponse r = fold(sub);
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(r.id()).isEqualTo("chatcmpl-9");
    assertThat(r.model()).isEqualTo("gpt-5-nano");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(7, 2, 9, 0, 0));
  }

  @Test
  void theStreamsFirstNonEmptyIdAndModelAreReportedOnEveryChunk() {
    TestSubscriber<ChatChunk> sub = stream(sse(new String[] {
        "{\"id\":\"\",\"model\":\"\",\"choices\":[]}",
        "{\"id\":\"c-1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"},\"finish_reason\":null}]}",
        "{\"id\":\"c-2\",\"model\":\"gpt-4o-other\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"},\"finish_reason\":\"stop\"}]}",
        "[DONE]"}));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("A", "B", "");
    assertThat(sub.items()).as("later chunks' ids and models are not read again")
        .allSatisfy(c -> {
          assertThat(c.id()).isEqualTo("c-1");
          assertThat(c.model()).isEqualTo("gpt-4o-2024-08-06");
        });
  }

  @Test
  void anAudioStreamIsReadAsItsTranscript() {
    TestSubscriber<ChatChunk> sub = stream(sse(new String[] {
        "{\"id\":\"c-a\",\"model\":\"gpt-4o-audio-preview\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"audio\":{\"id\":\"audio_1\",\"transcript\":\"Yes, \"}},\"finish_reason\":null}]}",
        "{\"id\":\"c-a\",\"model\":\"gpt-4o-audio-preview\",\"choices\":[{\"index\":0,\"delta\":{\"audio\":{\"data\":\"UklGRiQAAABXQVZF\",\"transcript\":\"they are.\"}},\"finish_reason\":null}]}",
        "{\"id\":\"c-a\",\"model\":\"gpt-4o-audio-preview\",\"choices\":[{\"index\":0,\"delta\":{\"audio\":{\"expires_at\":1729018505}},\"finish_reason\":\"stop\"}]}",
        "[DONE]"}));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).startsWith("Yes, ", "they are.");
    assertThat(fold(sub).text()).isEqualTo("Yes, they are.");
  }

  @Test
  void parallelToolCallsSplitAcrossChunksReassembleByIndex() {
    TestSubscriber<ChatChunk> sub = stream(sse(TOOL_STREAM));
    ChatResponse r = fold(sub);
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("call_a", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("call_b", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(Usage.of(50, 30));
  }

  @Test
  void crlfLineEndingsCommentsAndMultiLineDataAreFraming() {
    String body = ": keep-alive\r\n\r\n" + events(TEXT_STREAM).replace("\n", "\r\n");
    TestSubscriber<ChatChunk> sub = stream(new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream; charset=utf-8")
        .chunkedBody(new Buffer().writeUtf8(body), 7).build());
    assertThat(sub.isCompleted()).isTrue();
    assertThat(fold(sub).text()).isEqualTo("Hello world");
  }

  @Test
  void aStreamThatEndsBeforeItsFinishReasonEndsInErrorNeverInCompletion() {
    // The opening chunk, "Hello", " world": no finish reason, no usage, no [DONE].
    String[] cut = java.util.Arrays.copyOf(TEXT_STREAM, 3);
    TestSubscriber<ChatChunk> sub = stream(sse(cut));
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("finish reason").hasMessageContaining("[DONE]");
    assertThat(((ProviderException) sub.error()).errorCode()).isEqualTo("stream_truncated");
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world");
  }

  @Test
  void aServerThatNeverSendsDoneCompletesWhenTheBodyEndsAfterTheFinishReason() {
    String[] withoutDone = java.util.Arrays.copyOf(TEXT_STREAM, TEXT_STREAM.length - 1);
    TestSubscriber<ChatChunk> sub = stream(sse(withoutDone));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world", "");
    ChatChunk last = sub.items().get(2);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(new Usage(9, 2, 11, 0, 0));
  }

  @Test
  void aConnectionDroppedMidStreamIsUnavailability() {
    byte[] whole = events(TEXT_STREAM).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    TestSubscriber<ChatChunk> sub = stream(new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .setHeader("Content-Length", whole.length)
        .body(new Buffer().write(whole, 0, 400))
        .setHeader("Content-Length", whole.length)
        .onResponseEnd(SocketEffect.ShutdownConnection.INSTANCE)
        .build());
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
  }

  @Test
  void anErrorObjectInTheMiddleOfTheStreamEndsItInError() {
    TestSubscriber<ChatChunk> sub = stream(sse(TEXT_STREAM[1],
        "{\"error\":{\"message\":\"The server had an error while processing your request.\","
            + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello");
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("server_error").hasMessageContaining("while processing");
  }

  @Test
  void anErrorEventIsAnErrorToo() {
    TestSubscriber<ChatChunk> sub = stream(new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .body("event: error\ndata: {\"message\":\"overloaded\",\"type\":\"overloaded_error\"}\n\n")
        .build());
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("overloaded");
  }

  @Test
  void anUnreadableEventIsMalformed() {
    TestSubscriber<ChatChunk> sub = stream(sse(TEXT_STREAM[1], "{not json", "[DONE]"));
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("not valid JSON");
  }

  @Test
  void aJsonReplyWhereAStreamWasExpectedIsMalformed() {
    TestSubscriber<ChatChunk> sub = stream(OpenAiFixtures.json(200, OpenAiFixtures.TEXT_RESPONSE));
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected an event stream").hasMessageContaining("application/json");
  }

  @Test
  void refusalsStreamApartFromTheTextWithAContentFilterFinish() {
    TestSubscriber<ChatChunk> sub = stream(sse(
        "{\"id\":\"r\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"refusal\":\"I can't\"},\"finish_reason\":null}]}",
        "{\"id\":\"r\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "[DONE]"));
    assertThat(sub.items().get(0).refusalDelta()).isEqualTo("I can't");
    assertThat(sub.items().get(0).textDelta()).isEmpty();
    ChatResponse r = fold(sub);
    assertThat(r.refusal()).isEqualTo("I can't");
    assertThat(r.text()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
  }

  @Test
  void reasoningDeltasStreamApartFromTheText() {
    TestSubscriber<ChatChunk> sub = stream(sse(
        "{\"id\":\"r\",\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"Think\"}}]}",
        "{\"id\":\"r\",\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"reasoning\":\"ing.\"}}]}",
        "{\"id\":\"r\",\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"content\":[{\"type\":\"thinking\",\"thinking\":[{\"type\":\"text\",\"text\":\" More.\"}]}]}}]}",
        "{\"id\":\"r\",\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Done\",\"reasoning_content\":null}}]}",
        "{\"id\":\"r\",\"model\":\"deepseek-reasoner\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "[DONE]"));
    assertThat(sub.items()).extracting(ChatChunk::reasoningDelta)
        .containsExactly("Think", "ing.", " More.", "", "");
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("", "", "", "Done", "");
    ChatResponse r = fold(sub);
    assertThat(r.reasoning()).isEqualTo("Thinking. More.");
    assertThat(r.text()).isEqualTo("Done");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void demandDrivesTheReadsAndNothingIsSentBeforeTheFirstRequest() throws Exception {
    server.enqueue(sse(TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    Flow.Publisher<ChatChunk> stream = provider.stream(ChatRequest.of("m", "hi"));
    stream.subscribe(sub);
    sub.awaitSubscribed(WAIT);
    assertThat(server.takeRequest(100, TimeUnit.MILLISECONDS)).as("cold").isNull();
    sub.request(1);
    sub.awaitItems(1, WAIT);
    assertThat(server.takeRequest(5, TimeUnit.SECONDS)).isNotNull();
    assertThat(sub.items()).hasSize(1);
    sub.request(2);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).hasSize(3);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void aNonPositiveRequestSignalsIllegalArgumentExceptionAndSendsNothing() throws Exception {
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    provider.stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitSubscribed(WAIT);
    sub.request(0);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3.9");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void closingTheProviderAbortsItsStreams() throws Exception {
    CountDownLatch firstSent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(OpenAiFixtures.heldOpenStream(events(TEXT_STREAM[1]), firstSent, clientClosed));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitItems(1, WAIT);
    provider.close();
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("closed");
    assertThat(clientClosed.await(5, TimeUnit.SECONDS)).isTrue();
  }
}
