package dev.aigateway.providers.rescue;

import static dev.aigateway.providers.rescue.Transcripts.CLAUDE;
import static dev.aigateway.providers.rescue.Transcripts.GPT;
import static dev.aigateway.providers.rescue.Transcripts.PROMPT;
import static dev.aigateway.providers.rescue.Transcripts.TOKENS;
import static dev.aigateway.providers.rescue.Transcripts.anthropicError;
import static dev.aigateway.providers.rescue.Transcripts.anthropicText;
import static dev.aigateway.providers.rescue.Transcripts.anthropicToolUse;
import static dev.aigateway.providers.rescue.Transcripts.answer;
import static dev.aigateway.providers.rescue.Transcripts.continuation;
import static dev.aigateway.providers.rescue.Transcripts.openAiFinish;
import static dev.aigateway.providers.rescue.Transcripts.openAiText;
import static dev.aigateway.providers.rescue.Transcripts.openAiToolArguments;
import static dev.aigateway.providers.rescue.Transcripts.openAiToolStart;
import static dev.aigateway.providers.rescue.Transcripts.openAiTokens;
import static dev.aigateway.providers.rescue.Transcripts.openAiUsage;
import static dev.aigateway.providers.rescue.Transcripts.quote;
import static dev.aigateway.providers.rescue.Transcripts.token;
import static dev.aigateway.providers.rescue.Transcripts.tokens;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Overrides;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.TokenEstimate;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Mid-stream rescue over the wire: {@code AiGateway.stream()} on route "r", OpenAI (a loopback
 * vendor A) first and Anthropic (B) as its fallback, each fault made on the socket. The
 * over-the-wire counterpart of core's {@code StreamRescueTest}: it asserts what the subscriber
 * got and what each vendor received. Time is a {@link ManualTiming}; no test waits real time for
 * a timeout.
 */
class StreamRescueOverTheWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ChatRequest ASK = ChatRequest.of("r", PROMPT);
  private static final String OPENAI = "openai/" + GPT;
  private static final String ANTHROPIC = "anthropic/" + CLAUDE;
  /** What Anthropic says to a prefill on a model that does not take one. */
  private static final String NO_PREFILL = "This model does not support assistant message "
      + "prefill. The conversation must end with a user message.";

  private final MockWebServer openAi = new MockWebServer();
  private final MockWebServer anthropic = new MockWebServer();
  private final ManualTiming time = new ManualTiming();
  // The gateway's one worker, so that a test can wait until it has finished delivering.
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  // Where the adapters read when demand comes from a thread that is not a gateway worker.
  private final ExecutorService io = Executors.newSingleThreadExecutor();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private AiGateway gateway;

  private final GatewayEventListener log = new GatewayEventListener() {
    @Override
    public void attemptStart(CallInfo call, Target target, int attempt) {
      events.add("attemptStart " + target + " #" + attempt);
    }

    @Override
    public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
        Duration duration, int httpStatus, Throwable failure) {
      events.add("attemptEnd " + target + " #" + attempt + " " + outcome);
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
        RescueKind kind) {
      events.add("rescue " + from + " -> " + to + " " + kind + " "
          + cause.getClass().getSimpleName());
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, Throwable failure) {
      events.add("callEnd " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }
  };

  @BeforeEach
  void start() throws IOException {
    openAi.start();
    anthropic.start();
  }

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    openAi.close();
    anthropic.close();
    worker.shutdownNow();
    io.shutdownNow();
  }

  private static Route.Builder route() {
    return Route.builder("r").target("openai", GPT).fallback("anthropic", CLAUDE);
  }

  /** The gateway on route {@code route}, its OpenAI adapter at {@code openAiBaseUrl}. */
  private AiGateway gateway(String openAiBaseUrl, Route route) {
    gateway = AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(openAiBaseUrl)
            .apiKey(Secret.of("sk-proj-TESTKEY0123456789abcdefghijklmnop")).executor(io).build())
        .provider(AnthropicProvider.builder().baseUrl(anthropic.url("/").toString())
            .apiKey(Secret.of("sk-ant-api03-TESTKEY0123456789abcdefghijklmnop")).executor(io)
            .build())
        .route(route)
        .timing(time.timing())
        .executor(worker)
        .eventListener(log)
        .build();
    return gateway;
  }

  private AiGateway gateway(Route route) {
    return gateway(openAi.url("/v1").toString(), route);
  }

  private TestSubscriber<ChatChunk> stream(ChatRequest request, TestSubscriber<ChatChunk> sub) {
    gateway.stream(request).subscribe(sub);
    return sub;
  }

  /** Waits until the gateway's worker has run everything it was given so far. */
  private void settle() throws Exception {
    worker.submit(() -> { }).get(5, TimeUnit.SECONDS);
  }

  // ---- a stream cut mid-answer, continued ----

  @Test
  void aStreamWhoseBodyEndsAtFortyOfSixtyTokensIsContinuedSeamlesslyByTheFallback()
      throws Exception {
    openAi.enqueue(Wire.sse(openAiTokens(0, 40))); // no finish reason, no [DONE]
    anthropic.enqueue(Wire.sse(anthropicText(continuation(40, TOKENS), 25, 20)));
    gateway(route().build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertContinuedSeamlessly(sub);
    assertThat(events).containsExactly(
        "attemptStart " + OPENAI + " #1",
        "attemptEnd " + OPENAI + " #1 FAILURE",
        "rescue " + OPENAI + " -> " + ANTHROPIC + " CONTINUATION ProviderUnavailableException",
        "attemptStart " + ANTHROPIC + " #2",
        "attemptEnd " + ANTHROPIC + " #2 SUCCESS",
        "callEnd ok");
  }

  @Test
  void aStreamWhoseSocketDropsMidBodyAfterFortyTokensIsContinuedSeamlesslyByTheFallback()
      throws Exception {
    String next = Wire.join(List.of(openAiText(token(40))));
    openAi.enqueue(droppedMidBody(Wire.join(openAiTokens(0, 40))
        + next.substring(0, next.length() / 2))); // half of the 41st event, then the drop
    anthropic.enqueue(Wire.sse(anthropicText(continuation(40, TOKENS), 25, 20)));
    gateway(route().build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertContinuedSeamlessly(sub);
    assertThat(events).contains(
        "rescue " + OPENAI + " -> " + ANTHROPIC + " CONTINUATION ProviderUnavailableException");
  }

  @Test
  void aStallIsDetectedAtTheIdleTimeoutWhichClosesTheConnectionAndTheFallbackContinues()
      throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // Forty events, then the connection stays open and silent; the server reads it, so it sees
    // the moment the client closes it.
    openAi.enqueue(Wire.heldOpen("text/event-stream", Wire.join(openAiTokens(0, 40)), sent,
        closed));
    anthropic.enqueue(Wire.sse(anthropicText(continuation(40, TOKENS), 25, 20)));
    gateway(route().timeouts(Timeouts.builder().idle(Duration.ofSeconds(20)).build()).build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.requesting(40));
    sub.awaitItems(40, WAIT);
    settle(); // the worker delivered the forty and is idle: nothing is being delivered now
    sub.request(Long.MAX_VALUE); // from here the subscriber waits, and the vendor is silent
    assertThat(time.awaitScheduled(1, WAIT)).as("the idle watchdog is armed").isTrue();

    time.advance(Duration.ofSeconds(19));
    assertThat(anthropic.getRequestCount()).as("not silent for 20 s yet").isZero();
    time.advance(Duration.ofSeconds(1));
    assertThat(closed.await(5, TimeUnit.SECONDS))
        .as("the stalled vendor sees its connection closed").isTrue();
    sub.awaitTerminal(WAIT);

    assertContinuedSeamlessly(sub);
    assertThat(events).contains(
        "rescue " + OPENAI + " -> " + ANTHROPIC + " CONTINUATION GatewayTimeoutException");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"malformed, MalformedResponseException",
      "vendor error, ProviderUnavailableException"})
  void aMalformedEventOrAVendorErrorEventAfterFortyTokensIsContinuedByTheFallback(String fault,
      String failure) throws Exception {
    List<String> sent = new ArrayList<>(openAiTokens(0, 40));
    sent.add(fault.equals("malformed") ? "data: {\"id\":\"chatcmpl-rescue\",\"choices\":[{"
        : "data: {\"error\":{\"message\":\"The server had an error while processing your "
            + "request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}");
    sent.add(openAiText(token(40))); // never read: the stream ended at the fault
    openAi.enqueue(Wire.sse(sent));
    anthropic.enqueue(Wire.sse(anthropicText(continuation(40, TOKENS), 25, 20)));
    gateway(route().build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertContinuedSeamlessly(sub);
    assertThat(events).contains(
        "rescue " + OPENAI + " -> " + ANTHROPIC + " CONTINUATION " + failure);
  }

  /** Cut at 40: one seamless answer, B sent the 40 tokens' text as a prefill, billing summed. */
  private void assertContinuedSeamlessly(TestSubscriber<ChatChunk> sub) throws Exception {
    assertThat(sub.error()).as("no error").isNull();
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
    List<ChatChunk> items = sub.items();
    assertThat(text(items)).as("the subscriber's deltas are the whole answer, seamlessly")
        .isEqualTo(answer());
    assertThat(items).noneMatch(ChatChunk::isRestart);

    assertThat(openAi.getRequestCount()).isEqualTo(1);
    assertThat(anthropic.getRequestCount()).isEqualTo(1);
    JsonNode toA = body(openAi);
    assertThat(toA.get("model").asText()).isEqualTo(GPT);
    assertThat(toA.get("messages")).isEqualTo(messages(PROMPT, null));
    JsonNode toB = body(anthropic);
    assertThat(toB.get("model").asText()).isEqualTo(CLAUDE);
    assertThat(toB.get("stream").asBoolean()).isTrue();
    assertThat(toB.get("messages"))
        .as("the conversation, then the 40 tokens' text as the assistant's, its trailing space"
            + " stripped")
        .isEqualTo(messages(PROMPT, tokens(0, 40).stripTrailing()));

    ChatChunk last = items.get(items.size() - 1);
    assertThat(last.provider()).isEqualTo("anthropic");
    assertThat(last.model()).isEqualTo(CLAUDE);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    Usage estimateForTheCut = Usage.of(TokenEstimate.approximate(ASK),
        (tokens(0, 40).length() + 3) / 4);
    assertThat(last.usage()).as("Anthropic's usage plus the estimate for the cut attempt")
        .isEqualTo(Usage.of(25, 20).plus(estimateForTheCut));
    ChatResponse folded = fold(items);
    assertThat(folded.text()).isEqualTo(answer());
    assertThat(folded.provider()).isEqualTo("anthropic");
    assertThat(folded.attempts()).isEqualTo(2);
  }

  // ---- restarts ----

  @Test
  void aFallbackThatRejectsThePrefillRestartsTheAnswerForASubscriberThatOptedIn()
      throws Exception {
    openAi.enqueue(Wire.sse(openAiTokens(0, 40)));
    anthropic.enqueue(Wire.json(400, anthropicError("invalid_request_error", NO_PREFILL)));
    List<String> whole = new ArrayList<>();
    for (int i = 0; i < TOKENS; i++) {
      whole.add(token(i));
    }
    anthropic.enqueue(Wire.sse(anthropicText(whole, 25, 60)));
    gateway(route().streamRestarts(true).build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).as("the refused prefill is never the call's error").isNull();
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
    List<ChatChunk> items = sub.items();
    assertThat(items.stream().filter(ChatChunk::isRestart).count()).isEqualTo(1);
    int restart = indexOfRestart(items);
    assertThat(text(items.subList(0, restart))).as("what A had said").isEqualTo(tokens(0, 40));
    assertThat(items.get(restart).provider()).isEqualTo("anthropic");
    assertThat(text(items.subList(restart + 1, items.size()))).as("then the complete answer")
        .isEqualTo(answer());
    ChatResponse folded = fold(items);
    assertThat(folded.text()).as("the accumulator keeps exactly B's answer").isEqualTo(answer());
    assertThat(folded.provider()).isEqualTo("anthropic");
    assertThat(folded.finishReason()).isEqualTo(FinishReason.STOP);

    assertThat(openAi.getRequestCount()).isEqualTo(1);
    assertThat(anthropic.getRequestCount()).isEqualTo(2);
    body(openAi);
    assertThat(body(anthropic).get("messages")).as("first the continuation")
        .isEqualTo(messages(PROMPT, tokens(0, 40).stripTrailing()));
    assertThat(body(anthropic).get("messages")).as("then the original request, no prefill")
        .isEqualTo(messages(PROMPT, null));
    assertThat(events).containsSubsequence(
        "rescue " + OPENAI + " -> " + ANTHROPIC + " CONTINUATION ProviderUnavailableException",
        "attemptEnd " + ANTHROPIC + " #2 FAILURE",
        "rescue " + OPENAI + " -> " + ANTHROPIC + " RESTART ProviderUnavailableException",
        "attemptEnd " + ANTHROPIC + " #3 SUCCESS",
        "callEnd ok");
  }

  @Test
  void aToolCallStreamCutMidArgumentsIsRestartedEvenThoughTheFallbackTakesPrefills()
      throws Exception {
    openAi.enqueue(Wire.sse(List.of(openAiToolStart("call_a", "get_weather"),
        openAiToolArguments("{\"loc")))); // cut inside the arguments
    anthropic.enqueue(Wire.sse(anthropicToolUse("toolu_01A", "get_weather",
        List.of("", "{\"loc", "ation\": \"Par", "is\"}"), 50, 30)));
    gateway(route().build());
    ChatRequest ask = ChatRequest.builder().model("r").user("what is the weather in Paris?")
        .tool(ToolDefinition.of("get_weather", "The weather in a city",
            "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}"))
        .build()
        .withAttribute(CallOptions.STREAM_RESTARTS, true); // this request opts in itself
    TestSubscriber<ChatChunk> sub = stream(ask, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
    List<ChatChunk> items = sub.items();
    int restart = indexOfRestart(items);
    assertThat(restart).as("A's tool-call deltas came first").isPositive();
    assertThat(items.subList(0, restart)).allMatch(c -> c.provider().equals("openai"))
        .anyMatch(c -> !c.toolCallDeltas().isEmpty());
    assertThat(items.stream().filter(ChatChunk::isRestart).count()).isEqualTo(1);

    JsonNode toB = body(anthropic);
    assertThat(toB.get("messages")).as("the original request: no prefill after a tool call")
        .isEqualTo(messages("what is the weather in Paris?", null));
    assertThat(toB.get("tools").get(0).get("name").asText()).isEqualTo("get_weather");
    ChatResponse folded = fold(items);
    assertThat(folded.toolCalls()).as("B's whole tool call, nothing of A's")
        .containsExactly(ToolCall.of("toolu_01A", "get_weather", "{\"location\": \"Paris\"}"));
    assertThat(folded.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(folded.provider()).isEqualTo("anthropic");
    assertThat(openAi.getRequestCount()).isEqualTo(1);
    assertThat(anthropic.getRequestCount()).isEqualTo(1);
  }

  @Test
  void aSubscriberThatDidNotOptIntoRestartsGetsTheErrorWithThePartialTextAndNothingIsSent()
      throws Exception {
    openAi.enqueue(Wire.sse(openAiTokens(0, 40)));
    gateway(Route.builder("r").target("openai", GPT)
        .fallback("anthropic", CLAUDE, Overrides.builder().assistantPrefill(false).build())
        .build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertThat(sub.isCompleted()).as("a truncated answer never completes").isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((AiGatewayException) sub.error()).partialText()).hasValue(tokens(0, 40));
    assertThat(sub.items()).hasSize(40).noneMatch(ChatChunk::isRestart);
    assertThat(sub.violations()).isEmpty();
    assertThat(anthropic.getRequestCount()).as("B could only restart: it was sent nothing")
        .isZero();
    assertThat(openAi.getRequestCount()).as("nor was A asked again").isEqualTo(1);
    assertThat(events).last().isEqualTo("callEnd ProviderUnavailableException");
  }

  // ---- a silent vendor, and a stream without [DONE] ----

  @Test
  void aSilentVendorIsFailedOverAfterTheDefaultFirstChunkTimeoutWithoutASecondRequest()
      throws Exception {
    try (RawVendor silent = RawVendor.start(RawVendor.Exchange::awaitClientClose)) {
      List<String> whole = new ArrayList<>();
      for (int i = 0; i < TOKENS; i++) {
        whole.add(token(i));
      }
      anthropic.enqueue(Wire.sse(anthropicText(whole, 25, 60)));
      gateway(silent.url("/v1"), route().build());
      TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
      RawVendor.Exchange toA = silent.takeExchange(WAIT);
      assertThat(toA).as("A received the request, and answers nothing, not even headers")
          .isNotNull();
      assertThat(time.awaitScheduled(1, WAIT)).as("the first-chunk watchdog").isTrue();

      time.advance(Timeouts.DEFAULT_FIRST_CHUNK);
      assertThat(toA.closedWithin(WAIT)).as("A's connection is closed").isTrue();
      sub.awaitTerminal(WAIT);

      assertThat(sub.error()).isNull();
      assertThat(sub.isCompleted()).isTrue();
      assertThat(text(sub.items())).isEqualTo(answer());
      assertThat(sub.items()).noneMatch(ChatChunk::isRestart);
      assertThat(silent.requestCount()).as("no second wait on the silent vendor").isEqualTo(1);
      assertThat(silent.connectionCount()).isEqualTo(1);
      assertThat(toA.json().get("messages")).isEqualTo(messages(PROMPT, null));
      assertThat(body(anthropic).get("messages")).as("nothing was delivered: a plain failover")
          .isEqualTo(messages(PROMPT, null));
      assertThat(time.sleeps).as("no backoff either").isEmpty();
      assertThat(events).containsSubsequence(
          "attemptEnd " + OPENAI + " #1 FAILURE",
          "failover " + OPENAI + " -> " + ANTHROPIC,
          "attemptStart " + ANTHROPIC + " #2",
          "callEnd ok");
    }
  }

  @Test
  void aStreamWithoutDoneThatEndsCleanlyAfterItsFinishReasonCompletesWithItsUsage()
      throws Exception {
    List<String> sent = new ArrayList<>(openAiTokens(0, TOKENS));
    sent.add(openAiFinish("stop"));
    sent.add(openAiUsage(9, 60)); // and then the body ends: no [DONE]
    openAi.enqueue(Wire.sse(sent));
    gateway(route().build());
    TestSubscriber<ChatChunk> sub = stream(ASK, TestSubscriber.unbounded());
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
    assertThat(text(sub.items())).isEqualTo(answer());
    ChatChunk last = sub.items().get(sub.items().size() - 1);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(Usage.of(9, 60));
    assertThat(last.provider()).isEqualTo("openai");
    JsonNode toA = body(openAi);
    assertThat(toA.get("stream_options").get("include_usage").asBoolean()).isTrue();
    assertThat(anthropic.getRequestCount()).as("nothing to rescue").isZero();
    assertThat(events).last().isEqualTo("callEnd ok");
  }

  // ---- helpers ----

  /**
   * A chunked SSE reply whose body is {@code body}, sent in one chunk, after which the server
   * drops the connection: no last chunk, and the body may end in the middle of an event.
   */
  private static MockResponse droppedMidBody(String body) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    Buffer framed = new Buffer().writeHexadecimalUnsignedLong(bytes.length).writeUtf8("\r\n")
        .write(bytes).writeUtf8("\r\n");
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/event-stream")
        .removeHeader("Content-Length")
        .setHeader("Transfer-Encoding", "chunked")
        .socketHandler(socket -> {
          try {
            BufferedSink sink = Okio.buffer(socket.getSink());
            sink.writeAll(framed);
            sink.flush();
          } catch (IOException e) {
            // the client went away first
          }
          socket.cancel(); // the drop
        })
        .build();
  }

  /** The next request {@code server} received, as JSON. */
  private static JsonNode body(MockWebServer server) throws InterruptedException {
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r).as("a request to " + server).isNotNull();
    return Wire.body(r);
  }

  /** The messages of a one-question conversation, with the assistant's prefill if not null. */
  private static JsonNode messages(String question, String prefill) {
    return Wire.tree("[{\"role\":\"user\",\"content\":" + quote(question) + "}"
        + (prefill == null ? "" : ",{\"role\":\"assistant\",\"content\":" + quote(prefill) + "}")
        + "]");
  }

  private static String text(List<ChatChunk> chunks) {
    return chunks.stream().map(ChatChunk::textDelta).collect(Collectors.joining());
  }

  private static int indexOfRestart(List<ChatChunk> chunks) {
    for (int i = 0; i < chunks.size(); i++) {
      if (chunks.get(i).isRestart()) {
        return i;
      }
    }
    throw new AssertionError("no restart chunk in " + chunks);
  }

  private static ChatResponse fold(List<ChatChunk> chunks) {
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }
}
