package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Role;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Overrides;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.TokenEstimate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Mid-stream rescue through the whole gateway, over in-memory providers: continuation from an
 * assistant prefill, restart with its chunk, the subscriber that did not opt in, a refused
 * prefill, a tool-call stream, a stall, the same target again, billing, demand, cancel and the
 * deadline. Time is fake: the idle and first-chunk watchdogs fire when the test advances it.
 */
class StreamRescueTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ChatRequest ASK = ChatRequest.of("r", "tell me sixty words");
  private final ManualTiming time = new ManualTiming();
  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private final List<String> events = new CopyOnWriteArrayList<>();
  // One worker, for the tests that must know when it has finished delivering.
  private final java.util.concurrent.ExecutorService worker =
      java.util.concurrent.Executors.newSingleThreadExecutor();

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
    public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
        RescueKind kind) {
      events.add("rescue " + from + " -> " + to + " " + kind + " "
          + cause.getClass().getSimpleName());
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
      events.add("retry " + target + " #" + nextAttempt);
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, Throwable failure) {
      events.add("callEnd " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }
  };

  private static List<ChatChunk> words(String provider, String model, int from, int to,
      boolean leadingSpace) {
    List<ChatChunk> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      boolean last = i == to - 1;
      String text = leadingSpace ? " w" + i : "w" + i + (last ? "" : " ");
      list.add(ChatChunk.of("id-" + provider, provider, model, text, null,
          last ? FinishReason.STOP : null, last ? Usage.of(100, to - from) : null));
    }
    return list;
  }

  /** What a stream cut mid-answer delivered: "w0 ", "w1 ", ..., no finish reason, no usage. */
  private static List<ChatChunk> partial(String provider, String model, int from, int to) {
    List<ChatChunk> list = new ArrayList<>();
    for (int i = from; i < to; i++) {
      list.add(ChatChunk.of("id-" + provider, provider, model, "w" + i + " ", null, null, null));
    }
    return list;
  }

  private static String sixtyWords() {
    return IntStream.range(0, 60).mapToObj(i -> "w" + i).collect(Collectors.joining(" "));
  }

  private static ProviderUnavailableException cut() {
    return new ProviderUnavailableException("a", 0, "stream_truncated",
        "a: the stream ended before its terminal event", null);
  }

  private AiGateway.Builder gateway(Route route) {
    return AiGateway.builder().provider(a).provider(b).route(route).timing(time.timing())
        .eventListener(log);
  }

  private static Route.Builder route(boolean prefillOnB) {
    return Route.builder("r").target("a", "m1")
        .fallback("b", "m2", prefillOnB
            ? Overrides.builder().assistantPrefill(true).build() : Overrides.NONE);
  }

  private static String text(List<ChatChunk> chunks) {
    return chunks.stream().map(ChatChunk::textDelta).collect(Collectors.joining());
  }

  private static boolean endsWithAssistant(ChatRequest r) {
    List<Message> m = r.messages();
    return m.get(m.size() - 1).role() == Role.ASSISTANT;
  }

  @Test
  void aStreamCutAtFortyOfSixtyWordsIsContinuedSeamlesslyByTheFallback() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 40), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 40, 60, true)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    assertThat(sub.violations()).isEmpty();
    assertThat(text(sub.items())).as("one seamless answer").isEqualTo(sixtyWords());
    assertThat(sub.items()).noneMatch(ChatChunk::isRestart);
    // What the fallback was sent: the conversation plus the text so far, without its trailing
    // space (vendors refuse a prefill that ends in whitespace).
    ChatRequest sent = b.streamRequests().get(0);
    assertThat(sent.messages()).hasSize(2);
    assertThat(sent.messages().get(0).text()).isEqualTo("tell me sixty words");
    assertThat(sent.messages().get(1).role()).isEqualTo(Role.ASSISTANT);
    assertThat(sent.messages().get(1).text())
        .isEqualTo(sixtyWords().substring(0, sixtyWords().indexOf(" w40")));
    // The chunks name who finished the answer; the last counts what was billed for both.
    ChatChunk last = sub.items().get(sub.items().size() - 1);
    assertThat(last.provider()).isEqualTo("b");
    assertThat(last.model()).isEqualTo("m2");
    String aText = text(sub.items().subList(0, 40));
    Usage estimateForA = Usage.of(TokenEstimate.approximate(ASK), (aText.length() + 3) / 4);
    assertThat(last.usage()).isEqualTo(Usage.of(100, 20).plus(estimateForA));
    ChatResponse folded = fold(sub.items());
    assertThat(folded.text()).isEqualTo(sixtyWords());
    assertThat(folded.attempts()).isEqualTo(2);
    assertThat(folded.provider()).isEqualTo("b");
    assertThat(events).containsExactly(
        "attemptStart a/m1 #1",
        "attemptEnd a/m1 #1 FAILURE",
        "rescue a/m1 -> b/m2 CONTINUATION ProviderUnavailableException",
        "attemptStart b/m2 #2",
        "attemptEnd b/m2 #2 SUCCESS",
        "callEnd ok");
  }

  @Test
  void aListenerThatOnlyKnowsFailoversHearsTheRescueAsOne() {
    List<String> heard = new CopyOnWriteArrayList<>();
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 3), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 3, 6, true)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    AiGateway.builder().provider(a).provider(b).route(route(true).build()).timing(time.timing())
        .eventListener(new GatewayEventListener() {
          @Override
          public void failover(CallInfo call, Target from, Target to, Throwable cause) {
            heard.add(from + " -> " + to + " " + cause.getMessage());
          }
        }).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isNull();
    assertThat(heard).containsExactly(
        "a/m1 -> b/m2 a: the stream ended before its terminal event");
  }

  @Test
  void withoutAPrefillTheAnswerRestartsForASubscriberThatUnderstandsRestarts() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 0, 60, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(false).streamRestarts(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    List<ChatChunk> items = sub.items();
    assertThat(items).hasSize(5 + 1 + 60);
    ChatChunk restart = items.get(5);
    assertThat(restart.isRestart()).isTrue();
    assertThat(restart.provider()).isEqualTo("b");
    assertThat(restart.restartReason()).contains("a/m1").contains("b/m2")
        .contains("ProviderUnavailableException");
    assertThat(text(items.subList(6, items.size()))).isEqualTo(sixtyWords());
    assertThat(b.streamRequests().get(0)).as("the original request, no prefill").isEqualTo(
        b.streamRequests().get(0).toBuilder().messages(ASK.messages()).build());
    assertThat(endsWithAssistant(b.streamRequests().get(0))).isFalse();
    ChatResponse folded = fold(items);
    assertThat(folded.text()).as("the accumulator drops what came before the restart")
        .isEqualTo(sixtyWords());
    assertThat(folded.attempts()).isEqualTo(2);
    assertThat(events).contains("rescue a/m1 -> b/m2 RESTART ProviderUnavailableException");
  }

  @Test
  void aRequestCanOptIntoRestartsItself() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 0, 60, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(false).build()).build()
        .stream(ASK.toBuilder().attribute(CallOptions.STREAM_RESTARTS, true).build())
        .subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isNull();
    assertThat(sub.items().get(5).isRestart()).isTrue();
    assertThat(fold(sub.items()).text()).isEqualTo(sixtyWords());
  }

  @Test
  void aSubscriberThatDidNotOptIntoRestartsGetsTheErrorWithThePartialText() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 0, 60, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(false).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((AiGatewayException) sub.error()).partialText()).hasValue("w0 w1 w2 w3 w4 ");
    assertThat(sub.items()).hasSize(5).noneMatch(ChatChunk::isRestart);
    assertThat(b.streamRequests()).as("nothing was sent that could not be used").isEmpty();
    assertThat(a.streamRequests()).as("a restart on a itself is no better").hasSize(1);
  }

  @Test
  void aRequestCanSayNoToRestartsOnARouteThatAllowsThem() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(false).streamRestarts(true).build()).build()
        .stream(ASK.toBuilder().attribute(CallOptions.STREAM_RESTARTS, false).build())
        .subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(b.streamRequests()).isEmpty();
  }

  @Test
  void aRefusedPrefillRestartsTheAnswerAndIsNeverTheCallsError() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> endsWithAssistant(r)
        ? Flows.failed(new InvalidRequestException("b", 400, "invalid_request_error",
            "b: this model does not support assistant message prefill", null))
        : ChunkPublisher.of(words("b", r.model(), 0, 60, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).streamRestarts(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    assertThat(sub.items().get(5).isRestart()).isTrue();
    assertThat(fold(sub.items()).text()).isEqualTo(sixtyWords());
    assertThat(b.streamRequests()).hasSize(2);
    assertThat(endsWithAssistant(b.streamRequests().get(0))).isTrue();
    assertThat(endsWithAssistant(b.streamRequests().get(1))).isFalse();
    assertThat(events).containsSubsequence(
        "rescue a/m1 -> b/m2 CONTINUATION ProviderUnavailableException",
        "attemptEnd b/m2 #2 FAILURE",
        "rescue a/m1 -> b/m2 RESTART ProviderUnavailableException",
        "attemptEnd b/m2 #3 SUCCESS",
        "callEnd ok");
  }

  @Test
  void aRefusedPrefillWithoutRestartsEndsWithTheStreamsOwnFailure() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> Flows.failed(new InvalidRequestException("b", 400, null, "no prefill", null)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .isNotInstanceOf(InvalidRequestException.class);
    assertThat(((AiGatewayException) sub.error()).partialText()).hasValue("w0 w1 w2 w3 w4 ");
  }

  @Test
  void aStreamThatCarriedToolCallsIsRestartedEvenWhereAPrefillIsTaken() {
    List<ChatChunk> partial = List.of(
        ChatChunk.of("x", "a", "m1", "", List.of(new ToolCallDelta(0, "call_1", "weather",
            "{\"ci")), null, null));
    a.onStream(r -> ChunkPublisher.failingAfter(partial, cut()));
    b.onStream(r -> ChunkPublisher.of(List.of(
        ChatChunk.of("y", "b", "m2", "", List.of(new ToolCallDelta(0, "call_9", "weather",
            "{\"city\":\"Paris\"}")), FinishReason.TOOL_CALLS, Usage.of(9, 4)))));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).streamRestarts(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isNull();
    assertThat(sub.items().get(1).isRestart()).isTrue();
    assertThat(endsWithAssistant(b.streamRequests().get(0))).isFalse();
    ChatResponse folded = fold(sub.items());
    assertThat(folded.toolCalls()).hasSize(1);
    assertThat(folded.toolCalls().get(0).id()).isEqualTo("call_9");
    assertThat(folded.toolCalls().get(0).arguments()).isEqualTo("{\"city\":\"Paris\"}");
  }

  @Test
  void aToolCallStreamCutForASubscriberWithoutRestartsFails() {
    a.onStream(r -> ChunkPublisher.failingAfter(List.of(
        ChatChunk.of("x", "a", "m1", "", List.of(new ToolCallDelta(0, "c", "f", "{")), null,
            null)), cut()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(b.streamRequests()).isEmpty();
  }

  @Test
  void aStallIsDetectedWithinTheIdleTimeoutAndTheAnswerContinues() throws Exception {
    Stalling stalled = new Stalling(partial("a", "m1", 0, 40));
    a.onStream(r -> stalled);
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 40, 60, true)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).timeouts(Timeouts.builder().idle(Duration.ofSeconds(20)).build())
        .build()).executor(worker).build().stream(ASK).subscribe(sub);
    sub.awaitItems(40, WAIT);
    settle(); // the worker has finished delivering: the silence starts now
    time.advance(Duration.ofSeconds(19));
    assertThat(stalled.cancelled.getCount()).as("not yet silent for 20 s").isEqualTo(1);
    time.advance(Duration.ofSeconds(1));
    assertThat(stalled.cancelled.await(5, TimeUnit.SECONDS))
        .as("the stalled stream's source is cancelled (its connection closed)").isTrue();
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isNull();
    assertThat(text(sub.items())).isEqualTo(sixtyWords());
    assertThat(events).contains("rescue a/m1 -> b/m2 CONTINUATION GatewayTimeoutException");
  }

  @Test
  void aSlowSubscriberIsNotASilentVendor() throws Exception {
    Stalling slow = new Stalling(partial("a", "m1", 0, 3));
    a.onStream(r -> slow);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(3);
    gateway(route(true).timeouts(Timeouts.builder().idle(Duration.ofSeconds(20)).build())
        .build()).executor(worker).build().stream(ASK).subscribe(sub);
    sub.awaitItems(3, WAIT);
    settle();
    time.advance(Duration.ofMinutes(5)); // the subscriber asked for nothing more meanwhile
    assertThat(slow.cancelled.getCount()).isEqualTo(1);
    assertThat(sub.error()).isNull();
    sub.request(1); // now it waits for the vendor, which stays silent
    settle();
    time.advance(Duration.ofSeconds(20));
    assertThat(slow.cancelled.await(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void withOneTargetARetryableCutIsContinuedOnTheSameTargetAfterItsBackoff() {
    AtomicInteger calls = new AtomicInteger();
    a.onStream(r -> calls.incrementAndGet() == 1
        ? ChunkPublisher.failingAfter(partial("a", r.model(), 0, 40), cut())
        : ChunkPublisher.of(words("a", r.model(), 40, 60, true)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    AiGateway.builder().provider(a).timing(time.timing()).eventListener(log)
        .route(Route.builder("r").target("a", "m1", 1,
            Overrides.builder().assistantPrefill(true).build()).build())
        .build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isNull();
    assertThat(text(sub.items())).isEqualTo(sixtyWords());
    assertThat(endsWithAssistant(a.streamRequests().get(1))).isTrue();
    assertThat(time.sleeps).as("the retry's backoff, on the gateway's sleeper").hasSize(1);
    assertThat(events).contains("rescue a/m1 -> a/m1 CONTINUATION ProviderUnavailableException");
  }

  @Test
  void rescuesAreBoundedByTheTargetsRetryBudget() {
    AtomicInteger calls = new AtomicInteger();
    a.onStream(r -> {
      int n = calls.incrementAndGet();
      return ChunkPublisher.failingAfter(partial("a", r.model(), n * 10, n * 10 + 2), cut());
    });
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    AiGateway.builder().provider(a).timing(time.timing())
        .resilience(Resilience.builder().maxRetries(2).build())
        .route(Route.builder("r").target("a", "m1", 1,
            Overrides.builder().assistantPrefill(true).build()).build())
        .build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(calls).as("the first attempt and two retries").hasValue(3);
    assertThat(((AiGatewayException) sub.error()).partialText()).hasValue(
        text(sub.items()));
    assertThat(sub.error().getSuppressed()).isEmpty();
  }

  @Test
  void noRescueWhenTheStreamFailedForAReasonThatWouldNotBeRetried() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 3),
        new InvalidRequestException("a", 400, null, "bad", null)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(InvalidRequestException.class);
    assertThat(b.streamRequests()).isEmpty();
  }

  @Test
  void rescueCanBeTurnedOff() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 3), cut()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).resilience(Resilience.builder().rescueStreams(false).build())
        .build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(b.streamRequests()).isEmpty();
  }

  @Test
  void aRescueAfterTheDeadlineIsNotTried() {
    a.onStream(r -> {
      time.advance(Duration.ofSeconds(11)); // the first attempt took the whole budget
      return ChunkPublisher.failingAfter(partial("a", r.model(), 0, 3), cut());
    });
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).timeouts(Timeouts.builder().total(Duration.ofSeconds(10)).build())
        .build()).build().stream(ASK).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(sub.error().getSuppressed()).singleElement()
        .isInstanceOf(GatewayTimeoutException.class);
    assertThat(b.streamRequests()).isEmpty();
  }

  @Test
  void demandStaysExactAcrossARestart() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 3), cut()));
    ChunkPublisher fallback = ChunkPublisher.of(words("b", "m2", 0, 5, false));
    b.onStream(r -> fallback);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(2);
    gateway(route(false).streamRestarts(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitItems(2, WAIT);
    sub.request(2); // the third of a, then the failure; the restart chunk takes the fourth
    sub.awaitItems(4, WAIT);
    assertThat(sub.items().get(3).isRestart()).isTrue();
    assertThat(sub.items()).hasSize(4);
    sub.request(3);
    sub.awaitItems(7, WAIT);
    assertThat(sub.items()).hasSize(7);
    assertThat(sub.isCompleted()).isFalse();
    sub.request(10);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).hasSize(9);
    assertThat(sub.violations()).isEmpty();
    assertThat(fallback.totalRequested()).as("never more than was asked of the fallback")
        .isLessThanOrEqualTo(5 + 10);
  }

  @Test
  void aRestartChunkWaitsForDemand() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 2), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", "m2", 0, 3, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(2);
    gateway(route(false).streamRestarts(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitItems(2, WAIT);
    // The failure comes with the next request; meanwhile nothing may be delivered.
    sub.request(1);
    sub.awaitItems(3, WAIT);
    assertThat(sub.items().get(2).isRestart()).isTrue();
    sub.request(Long.MAX_VALUE);
    sub.awaitTerminal(WAIT);
    assertThat(text(sub.items().subList(3, sub.items().size()))).isEqualTo("w0 w1 w2");
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void cancellingDuringTheRescueCancelsTheNewAttemptAndSignalsNothing() throws Exception {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 2), cut()));
    CountDownLatch gate = new CountDownLatch(1);
    ChunkPublisher held = ChunkPublisher.of(words("b", "m2", 2, 4, true))
        .gatedOn(gate, Runnable::run);
    b.onStream(r -> held);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(true).build()).build().stream(ASK).subscribe(sub);
    sub.awaitItems(2, WAIT);
    assertThat(held.requested.await(5, TimeUnit.SECONDS)).isTrue();
    sub.cancel();
    assertThat(held.cancelled.await(5, TimeUnit.SECONDS)).isTrue();
    gate.countDown();
    assertThat(sub.error()).isNull();
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.items()).hasSize(2);
  }

  @Test
  void aSilentVendorIsFailedOverAfterTheDefaultFirstChunkTimeoutWithoutARetry()
      throws Exception {
    Stalling silent = new Stalling(List.of());
    a.onStream(r -> silent);
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 0, 3, false)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway(route(false).build()).build().stream(ASK).subscribe(sub);
    assertThat(time.awaitScheduled(1, WAIT)).isTrue();
    time.advance(Timeouts.DEFAULT_FIRST_CHUNK);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isNull();
    assertThat(text(sub.items())).isEqualTo("w0 w1 w2");
    assertThat(a.streamRequests()).as("no second wait on the silent target").hasSize(1);
    assertThat(silent.cancelled.getCount()).isZero();
    assertThat(time.sleeps).as("no backoff either").isEmpty();
    assertThat(events).containsSubsequence("attemptEnd a/m1 #1 FAILURE", "failover a/m1 -> b/m2",
        "attemptStart b/m2 #2");
  }

  @Test
  void aSilentVendorInAPlainCallIsFailedOverWithoutARetry() {
    AtomicInteger calls = new AtomicInteger();
    a.onChat(r -> {
      calls.incrementAndGet();
      throw new GatewayTimeoutException("a", GatewayTimeoutException.Phase.FIRST_CHUNK,
          "a: no data within the read timeout", null);
    });
    ChatResponse r = gateway(route(false).build()).build().chat(ASK);
    assertThat(r.provider()).isEqualTo("b");
    assertThat(calls).hasValue(1);
    assertThat(time.sleeps).isEmpty();
  }

  @Test
  void aFoldedStreamIsRescuedToo() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 40), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 40, 60, true)));
    AiGateway gw = gateway(route(true).build()).build();
    ChatResponse folded = dev.aigateway.api.spi.ChatResult.ofStream(gw.stream(ASK)).response();
    assertThat(folded.text()).isEqualTo(sixtyWords());
    assertThat(folded.attempts()).isEqualTo(2);
  }

  @Test
  void theRescuedAnswerIsWhatTheCacheStores() {
    a.onStream(r -> ChunkPublisher.failingAfter(partial("a", r.model(), 0, 5), cut()));
    b.onStream(r -> ChunkPublisher.of(words("b", r.model(), 0, 60, false)));
    AiGateway gw = gateway(route(false).streamRestarts(true).cache(true).build()).build();
    TestSubscriber<ChatChunk> first = TestSubscriber.unbounded();
    gw.stream(ASK).subscribe(first);
    first.awaitTerminal(WAIT);
    assertThat(first.error()).isNull();
    ChatResponse hit = gw.chat(ASK);
    assertThat(hit.fromCache()).isTrue();
    assertThat(hit.text()).as("what came before the restart is not stored")
        .isEqualTo(sixtyWords());
  }

  /** Waits until the gateway's one worker has run everything it was given so far. */
  private void settle() throws Exception {
    worker.submit(() -> { }).get(5, TimeUnit.SECONDS);
  }

  @org.junit.jupiter.api.AfterEach
  void stopWorker() {
    worker.shutdownNow();
  }

  private static ChatResponse fold(List<ChatChunk> chunks) {
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }

  /** Emits its chunks as they are asked for, then falls silent with demand outstanding. */
  static final class Stalling implements Flow.Publisher<ChatChunk> {
    final List<ChatChunk> chunks;
    final CountDownLatch cancelled = new CountDownLatch(1);
    private final AtomicBoolean subscribed = new AtomicBoolean();

    Stalling(List<ChatChunk> chunks) {
      this.chunks = chunks;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ChatChunk> s) {
      if (!subscribed.compareAndSet(false, true)) {
        Flows.rejectAdditionalSubscriber(s);
        return;
      }
      AtomicLong demand = new AtomicLong();
      AtomicInteger next = new AtomicInteger();
      AtomicInteger wip = new AtomicInteger();
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          Flows.addDemand(demand, n);
          if (wip.getAndIncrement() != 0) {
            return;
          }
          int missed = 1;
          while (true) {
            while (demand.get() > 0 && next.get() < chunks.size()
                && cancelled.getCount() > 0) {
              demand.decrementAndGet();
              s.onNext(chunks.get(next.getAndIncrement()));
            }
            missed = wip.addAndGet(-missed);
            if (missed == 0) {
              return;
            }
          }
        }

        @Override
        public void cancel() {
          cancelled.countDown();
        }
      });
    }
  }
}
