package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The call's events, in order, as the listener hears them: one scenario per test, each for
 * chat() and stream() where both apply. Time is fake; nothing waits.
 */
class CallEventsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final ManualTiming time = new ManualTiming();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<CallInfo> calls = new CopyOnWriteArrayList<>();
  private final AtomicInteger factoryCalls = new AtomicInteger();
  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");

  /** Writes every event as a line; one instance per call, made by the factory. */
  private final class Log implements GatewayEventListener {
    @Override
    public void callStart(CallInfo call) {
      calls.add(call);
      events.add("callStart " + call.requestedModel() + (call.isStreaming() ? " stream" : ""));
    }

    @Override
    public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {
      events.add("rateLimit " + outcome);
    }

    @Override
    public void cacheLookup(CallInfo call, CacheOutcome outcome) {
      events.add("cache " + outcome);
    }

    @Override
    public void routeResolved(CallInfo call) {
      events.add("route " + call.route() + " " + call.candidates());
    }

    @Override
    public void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {
      events.add("skipped " + target + " " + reason);
    }

    @Override
    public void attemptStart(CallInfo call, Target target, int attempt) {
      events.add("attemptStart " + target + " #" + attempt);
    }

    @Override
    public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
        Duration duration, int httpStatus, Throwable failure) {
      events.add("attemptEnd " + target + " #" + attempt + " " + outcome
          + (httpStatus != 0 ? " " + httpStatus : ""));
    }

    @Override
    public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
      events.add("retry " + target + " #" + nextAttempt + " after " + delay.toMillis() + "ms");
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void circuitStateChange(CallInfo call, Target target, CircuitState from,
        CircuitState to) {
      events.add("circuit " + target + " " + from + " -> " + to);
    }

    @Override
    public void firstChunk(CallInfo call, Duration sinceStart) {
      events.add("firstChunk");
    }

    @Override
    public void usage(CallInfo call, Usage usage) {
      events.add("usage " + usage.inputTokens() + "+" + usage.outputTokens());
    }

    @Override
    public void streamCancelled(CallInfo call) {
      events.add("streamCancelled");
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, Throwable failure) {
      events.add("callEnd " + (failure == null ? "ok " + call.provider() + "/"
          + call.responseModel() + " attempts=" + call.attempts() + " fromCache="
          + call.fromCache() : failure.getClass().getSimpleName()));
    }
  }

  private AiGateway.Builder builder() {
    return AiGateway.builder().provider(a).provider(b)
        .route(Route.builder("r").target("a", "m1").fallback("b", "m2").build())
        .resilience(Resilience.builder().jitter(0).build())
        .timing(time.timing())
        .eventListenerFactory(call -> {
          factoryCalls.incrementAndGet();
          return new Log();
        });
  }

  private static ProviderUnavailableException down() {
    return new ProviderUnavailableException("a", 503, null, "a: HTTP 503", null);
  }

  /** Runs the call; returns the response or null when it failed. */
  private ChatResponse run(AiGateway gateway, ChatRequest request, boolean stream) {
    try {
      return GatewayCalls.call(gateway, request, stream);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void failingOnce(FakeProvider p, Function<ChatRequest, RuntimeException> failure) {
    AtomicInteger n = new AtomicInteger();
    p.onChat(r -> {
      if (n.getAndIncrement() == 0) {
        throw failure.apply(r);
      }
      return ChatResponse.builder().provider(p.id()).model(r.model()).text("ok")
          .finishReason(FinishReason.STOP).usage(Usage.of(5, 3)).build();
    });
    p.onStream(r -> n.getAndIncrement() == 0
        ? ChunkPublisher.failingAfter(List.of(), failure.apply(r))
        : ChunkPublisher.of(ChunkPublisher.words(p.id(), r.model(), 2)));
  }

  private static List<String> withStream(boolean stream, String... lines) {
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      if (line.startsWith("firstChunk")) {
        if (stream) {
          out.add(line);
        }
      } else if (line.startsWith("callStart") && stream) {
        out.add(line + " stream");
      } else {
        out.add(line);
      }
    }
    return out;
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aPlainSuccess(boolean stream) {
    ChatResponse r = run(builder().build(), ChatRequest.of("r", "hi"), stream);
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(events).containsExactlyElementsOf(withStream(stream,
        "callStart r",
        "route r [a/m1, b/m2]",
        "attemptStart a/m1 #1",
        "firstChunk",
        "usage " + (stream ? "3+3" : "5+3"),
        "attemptEnd a/m1 #1 SUCCESS",
        "callEnd ok a/m1 attempts=1 fromCache=false"));
    assertThat(factoryCalls).as("one listener per call").hasValue(1);
    assertThat(calls.get(0).clientId()).isNull();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCacheHit(boolean stream) {
    AiGateway gateway = builder().cache(ResponseCache.defaults()).build();
    run(gateway, ChatRequest.of("r", "hi"), stream);
    events.clear();
    ChatResponse hit = run(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(hit.fromCache()).isTrue();
    assertThat(hit.attempts()).isZero();
    assertThat(events).as("no route, no attempt, no tokens spent")
        .containsExactlyElementsOf(withStream(stream,
            "callStart r",
            "cache HIT",
            "firstChunk",
            "callEnd ok a/m1 attempts=0 fromCache=true"));
    assertThat(factoryCalls).hasValue(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRateLimitRejection(boolean stream) {
    AiGateway gateway = builder().rateLimits(RateLimits.builder()
        .defaultLimit(ClientLimit.requests(1, Duration.ofMinutes(1))).build()).build();
    ChatRequest request = ChatRequest.builder().model("r").user("hi").clientId("c").build();
    run(gateway, request, stream);
    assertThat(events.get(1)).isEqualTo("rateLimit ADMITTED");
    events.clear();
    assertThat(run(gateway, request, stream)).isNull();
    assertThat(events).containsExactlyElementsOf(withStream(stream,
        "callStart r",
        "rateLimit REJECTED",
        "callEnd RateLimitExceededException"));
    assertThat(a.chatRequests().size() + a.streamRequests().size()).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRetryThenSuccess(boolean stream) {
    failingOnce(a, r -> down());
    ChatResponse r = run(builder().build(), ChatRequest.of("r", "hi"), stream);
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(events).containsExactlyElementsOf(withStream(stream,
        "callStart r",
        "route r [a/m1, b/m2]",
        "attemptStart a/m1 #1",
        "attemptEnd a/m1 #1 FAILURE 503",
        "retry a/m1 #2 after 500ms",
        "attemptStart a/m1 #2",
        "firstChunk",
        "usage " + (stream ? "3+2" : "5+3"),
        "attemptEnd a/m1 #2 SUCCESS",
        "callEnd ok a/m1 attempts=2 fromCache=false"));
    assertThat(time.sleeps).containsExactly(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFailover(boolean stream) {
    failingOnce(a, r -> new AuthenticationException("a", 401, "invalid_api_key", "a: bad key",
        null));
    ChatResponse r = run(builder().build(), ChatRequest.of("r", "hi"), stream);
    assertThat(r.provider()).isEqualTo("b");
    assertThat(events).containsExactlyElementsOf(withStream(stream,
        "callStart r",
        "route r [a/m1, b/m2]",
        "attemptStart a/m1 #1",
        "attemptEnd a/m1 #1 FAILURE 401",
        "failover a/m1 -> b/m2",
        "attemptStart b/m2 #2",
        "firstChunk",
        "usage " + (stream ? "3+3" : "5+3"),
        "attemptEnd b/m2 #2 SUCCESS",
        "callEnd ok b/m2 attempts=2 fromCache=false"));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSkippedOpenCircuit(boolean stream) {
    AiGateway gateway = builder()
        .resilience(Resilience.builder().maxRetries(0).failureThreshold(1).build()).build();
    failingOnce(a, r -> down());
    run(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(events).containsSubsequence("attemptEnd a/m1 #1 FAILURE 503",
        "circuit a/m1 CLOSED -> OPEN", "failover a/m1 -> b/m2");
    events.clear();
    ChatResponse r = run(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(r.provider()).isEqualTo("b");
    assertThat(r.attempts()).as("a skip is not an attempt").isEqualTo(1);
    assertThat(events).containsExactlyElementsOf(withStream(stream,
        "callStart r",
        "route r [a/m1, b/m2]",
        "skipped a/m1 CIRCUIT_OPEN",
        "failover a/m1 -> b/m2",
        "attemptStart b/m2 #1",
        "firstChunk",
        "usage " + (stream ? "3+3" : "5+3"),
        "attemptEnd b/m2 #1 SUCCESS",
        "callEnd ok b/m2 attempts=1 fromCache=false"));
  }

  @Test
  void aStreamThatFailsAfterItsFirstChunk() {
    a.onStream(r -> ChunkPublisher.failingAfter(ChunkPublisher.words("a", r.model(), 2), down()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    builder().build().stream(ChatRequest.of("r", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(events).containsExactly(
        "callStart r stream",
        "route r [a/m1, b/m2]",
        "attemptStart a/m1 #1",
        "firstChunk",
        "usage 3+2",
        "attemptEnd a/m1 #1 FAILURE 503",
        "callEnd ProviderUnavailableException");
  }

  @Test
  void aCancelledStream() {
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("a", "m1", 5));
    a.onStream(r -> source);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    builder().build().stream(ChatRequest.of("r", "hi")).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.cancel();
    assertThat(events).containsExactly(
        "callStart r stream",
        "route r [a/m1, b/m2]",
        "attemptStart a/m1 #1",
        "firstChunk",
        "streamCancelled",
        "attemptEnd a/m1 #1 CANCELLED",
        "callEnd CancellationException");
    assertThat(sub.items()).hasSize(1);
    assertThat(source.cancelled.getCount()).as("the provider's stream was cancelled").isZero();
  }

  @Test
  void listenersComposeAndOneThatThrowsBreaksNothing() {
    List<String> second = new CopyOnWriteArrayList<>();
    AiGateway gateway = builder()
        .eventListener(new GatewayEventListener() {
          @Override
          public void callStart(CallInfo call) {
            throw new IllegalStateException("listener bug");
          }

          @Override
          public void callEnd(CallInfo call, Duration duration, Throwable failure) {
            second.add("callEnd " + call.callId());
          }
        }).build();
    assertThat(gateway.chat(ChatRequest.of("r", "hi")).text()).isNotEmpty();
    assertThat(events).first().isEqualTo("callStart r");
    assertThat(second).containsExactly("callEnd " + calls.get(0).callId());
  }

  @Test
  void withoutAListenerNothingIsMadePerCall() {
    AiGateway gateway = AiGateway.builder().provider(a).build();
    assertThat(gateway.chat(ChatRequest.of("m", "hi")).attempts()).isEqualTo(1);
    assertThat(catchThrowable(() -> GatewayEventListener.composite(List.of())))
        .isNull();
    assertThat(GatewayEventListener.composite(List.of())).isSameAs(GatewayEventListener.NONE);
  }
}
