package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.OnExhausted;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A stream runs its whole pipeline on the thread that requests it when nothing before its first
 * chunk can block that thread, and on a worker otherwise; an inline run that must wait to retry
 * moves to a worker and goes on there, charging, deciding, sending and telling nothing twice.
 */
class InlineStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final List<Thread> providerThreads = new CopyOnWriteArrayList<>();
  private final List<Thread> sleeperThreads = new CopyOnWriteArrayList<>();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final AtomicInteger streams = new AtomicInteger();

  private FakeProvider provider(String id, boolean inline, int failFirst) {
    return new FakeProvider(id).inline(inline).onStream(r -> {
      providerThreads.add(Thread.currentThread());
      if (streams.getAndIncrement() < failFirst) {
        return ChunkPublisher.failingAfter(List.of(),
            new ProviderUnavailableException(id, 503, null, id + ": HTTP 503", null));
      }
      return ChunkPublisher.of(ChunkPublisher.words(id, r.model(), 3));
    });
  }

  /** Every stage on: rate limit, cache, a route with a split and a fallback, resilience. */
  private AiGateway.Builder everyStage(FakeProvider a, FakeProvider b) {
    return AiGateway.builder().provider(a).provider(b)
        .route(Route.builder("r").target("a", "m1", 90).target("b", "m2", 10)
            .fallback("b", "m3").build())
        .rateLimits(RateLimits.builder()
            .defaultLimit(ClientLimit.builder().requests(2, Duration.ofMinutes(1))
                .tokens(10_000, Duration.ofMinutes(1)).build()).build())
        .cache(ResponseCache.defaults())
        .resilience(Resilience.builder().jitter(0).build())
        .timing(Timing.builder().sleeper(d -> sleeperThreads.add(Thread.currentThread())).build())
        .eventListener(new GatewayEventListener() {
          @Override
          public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration w) {
            events.add("rateLimit " + outcome);
          }

          @Override
          public void cacheLookup(CallInfo call, CacheOutcome outcome) {
            events.add("cache " + outcome);
          }

          @Override
          public void routeResolved(CallInfo call) {
            events.add("route");
          }

          @Override
          public void attemptStart(CallInfo call, Target target, int attempt) {
            events.add("attemptStart #" + attempt);
          }

          @Override
          public void attemptEnd(CallInfo call, Target target, int attempt,
              AttemptOutcome outcome, Duration d, int status, Throwable failure) {
            events.add("attemptEnd #" + attempt + " " + outcome);
          }

          @Override
          public void retry(CallInfo call, Target target, int next, Duration delay) {
            events.add("retry #" + next);
          }

          @Override
          public void callEnd(CallInfo call, Duration duration, Throwable failure) {
            events.add("callEnd " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
          }
        });
  }

  private static ChatRequest request() {
    return ChatRequest.builder().model("r").user("hi").clientId("c").build();
  }

  @Test
  void anInMemoryStreamRunsOnTheRequestingThreadWithEveryStageOn() {
    AiGateway gateway = everyStage(provider("a", true, 0), provider("b", true, 0)).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request()).subscribe(sub);
    assertThat(sub.isCompleted()).as("done before subscribe() returned: no hand-off").isTrue();
    assertThat(providerThreads).containsOnly(Thread.currentThread());
    assertThat(events).containsExactly("rateLimit ADMITTED", "cache MISS", "route",
        "attemptStart #1", "attemptEnd #1 SUCCESS", "callEnd ok");
  }

  @Test
  void aNetworkProviderStreamIsHandedToAWorker() {
    AiGateway gateway = everyStage(provider("a", false, 0), provider("b", true, 0)).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request()).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(providerThreads).as("a route with one such target is never inline")
        .doesNotContain(Thread.currentThread());
  }

  @Test
  void anApplicationInterceptorOrAWaitingLimitKeepsStreamsOffTheCallersThread() {
    AiGateway intercepted = everyStage(provider("a", true, 0), provider("b", true, 0))
        .interceptor(chain -> chain.proceed(chain.request())).build();
    TestSubscriber<ChatChunk> one = TestSubscriber.unbounded();
    intercepted.stream(request()).subscribe(one);
    one.awaitTerminal(WAIT);
    AiGateway waiting = everyStage(provider("a", true, 0), provider("b", true, 0))
        .rateLimits(RateLimits.builder().defaultLimit(ClientLimit.requests(5, Duration.ofSeconds(1)))
            .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(1))).build()).build();
    TestSubscriber<ChatChunk> two = TestSubscriber.unbounded();
    waiting.stream(request()).subscribe(two);
    two.awaitTerminal(WAIT);
    assertThat(one.isCompleted() && two.isCompleted()).isTrue();
    assertThat(providerThreads).hasSize(2).doesNotContain(Thread.currentThread());
  }

  @Test
  void anInlineStreamThatMustWaitToRetryMovesToAWorkerAndGoesOnWhereItStopped() {
    AiGateway gateway = everyStage(provider("a", true, 1), provider("b", true, 1))
        .route(Route.builder("one").target("a", "m1").build()).build();
    ChatRequest request = ChatRequest.builder().model("one").user("hi").clientId("c").build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    StreamAccumulator folded = new StreamAccumulator();
    sub.items().forEach(folded::accept);
    assertThat(folded.toResponse().attempts()).isEqualTo(2);
    assertThat(events).as("each stage once: nothing charged, decided, sent or told twice")
        .containsExactly("rateLimit ADMITTED", "cache MISS", "route", "attemptStart #1",
            "attemptEnd #1 FAILURE", "retry #2", "attemptStart #2", "attemptEnd #2 SUCCESS",
            "callEnd ok");
    assertThat(providerThreads.get(0)).as("the first attempt ran inline")
        .isEqualTo(Thread.currentThread());
    assertThat(sleeperThreads).as("the backoff waited on a worker, not on the caller's thread")
        .hasSize(1).doesNotContain(Thread.currentThread());
    assertThat(providerThreads.get(1)).isEqualTo(sleeperThreads.get(0));

    // One request was charged for it: the limit of two lets one more in (a cache hit).
    events.clear();
    TestSubscriber<ChatChunk> hit = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(hit);
    hit.awaitTerminal(WAIT);
    assertThat(events).containsExactly("rateLimit ADMITTED", "cache HIT", "callEnd ok");
    TestSubscriber<ChatChunk> third = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(third);
    third.awaitTerminal(WAIT);
    assertThat(third.error()).isInstanceOf(RateLimitExceededException.class);
  }
}
