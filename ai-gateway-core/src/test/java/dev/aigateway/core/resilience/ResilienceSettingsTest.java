package dev.aigateway.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Per-route settings, per-request first-chunk timeouts, bulkheads, cancellation while waiting to
 * retry, and the validation of settings.
 */
class ResilienceSettingsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Scripted openai = new Scripted("openai");
  private final Scripted anthropic = new Scripted("anthropic");
  private final ManualTiming time = new ManualTiming();

  private static ProviderUnavailableException down() {
    return new ProviderUnavailableException("openai", 503, null, "openai: HTTP 503", null);
  }

  @Test
  void aRouteMayCarryItsOwnSettings() {
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("patient").target("openai", "gpt-4o")
            .fallback("anthropic", "claude").build())
        .route(Route.builder("hasty").target("openai", "gpt-4o")
            .fallback("anthropic", "claude")
            .resilience(Resilience.builder().maxRetries(0).build()).build())
        .timing(time.timing()).build();
    openai.failing(1, down());
    assertThat(gateway.chat(ChatRequest.of("patient", "hi")).provider()).isEqualTo("openai");
    openai.failing(1, down());
    assertThat(gateway.chat(ChatRequest.of("hasty", "hi")).provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).isEqualTo(3);
    assertThat(time.sleeps).hasSize(1);
  }

  @Test
  void aReplacedRouteKeepsItsTargetsBreakerState() {
    Route.Builder route = Route.builder("support").target("openai", "gpt-4o")
        .fallback("anthropic", "claude");
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(route.resilience(Resilience.builder().maxRetries(0).build()).build())
        .resilience(Resilience.builder().failureThreshold(1).build())
        .timing(time.timing()).build();
    openai.failing(1, down());
    gateway.chat(ChatRequest.of("support", "hi"));
    gateway.routes().replace(Route.builder("support").target("openai", "gpt-4o")
        .fallback("anthropic", "claude")
        .resilience(Resilience.builder().maxRetries(1).build()).build());
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).as("still open: skipped without a call").isEqualTo(1);
  }

  @Test
  void oneBreakerPerTargetWhicheverRouteUsesItAndCircuitStateSeesIt() {
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("a").target("openai", "gpt-4o").fallback("anthropic", "claude")
            .resilience(Resilience.builder().maxRetries(0).build()).build())
        .route(Route.builder("b").target("openai", "gpt-4o").fallback("anthropic", "claude")
            .resilience(Resilience.builder().maxRetries(0).failureThreshold(9).build()).build())
        .resilience(Resilience.builder().failureThreshold(2).build())
        .timing(time.timing()).build();
    openai.failing(2, down());
    gateway.chat(ChatRequest.of("a", "hi"));
    gateway.chat(ChatRequest.of("b", "hi"));
    Target target = new Target("openai", "gpt-4o");
    assertThat(gateway.circuitState(target)).as("one failure through each route opened it")
        .isEqualTo(CircuitState.OPEN);
    assertThat(gateway.circuitStates()).containsEntry(target, CircuitState.OPEN)
        .containsEntry(new Target("anthropic", "claude"), CircuitState.CLOSED);
    assertThat(gateway.chat(ChatRequest.of("b", "hi")).provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).isEqualTo(2);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aTargetGateSkipsTargetsItRefusesAndHearsTheUsageOfThoseItAdmits(boolean stream) {
    List<String> gateLog = new CopyOnWriteArrayList<>();
    TargetGate gate = new TargetGate() {
      @Override
      public dev.aigateway.api.AiGatewayException tryEnter(Target target,
          ChatRequest request) {
        gateLog.add("enter " + target);
        return target.providerId().equals("openai")
            ? new ProviderUnavailableException("openai", 0, "upstream_limit",
                "openai/gpt-4o: skipped, its requests per minute are used up", null)
            : null;
      }

      @Override
      public void exit(Target target, ChatRequest request,
          dev.aigateway.api.Usage usage) {
        gateLog.add("exit " + target + " " + usage);
      }
    };
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude").build())
        .targetGate(gate).timing(time.timing()).build();
    ChatRequest request = ChatRequest.of("support", "hi");
    String provider;
    if (stream) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      gateway.stream(request).subscribe(sub);
      sub.awaitTerminal(WAIT);
      provider = sub.items().get(0).provider();
    } else {
      provider = gateway.chat(request).provider();
    }
    assertThat(provider).isEqualTo("anthropic");
    assertThat(openai.calls()).as("refused: never called").isZero();
    assertThat(gateLog).containsExactly("enter openai/gpt-4o", "enter anthropic/claude",
        "exit anthropic/claude " + dev.aigateway.api.Usage.of(3, 4));
  }

  @Test
  void aRequestMaySetItsOwnFirstChunkTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    FakeProvider slow = new FakeProvider("openai").onStream(r -> ChunkPublisher
        .of(ChunkPublisher.words("openai", r.model(), 2))
        .gatedOn(never, command -> new Thread(command).start()));
    FakeProvider quick = new FakeProvider("anthropic").onStream(r -> ChunkPublisher.of(
        ChunkPublisher.words("anthropic", r.model(), 2)));
    AiGateway gateway = AiGateway.builder().provider(slow).provider(quick)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude").build())
        .resilience(Resilience.builder().maxRetries(0).build())
        .timing(time.timing()).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.builder().model("support").user("hi")
        .attribute(CallOptions.FIRST_CHUNK_TIMEOUT, Duration.ofMillis(50)).build()).subscribe(sub);
    assertThat(time.awaitScheduled(1, WAIT)).as("the watchdog is scheduled").isTrue();
    assertThat(time.pendingTasks()).as("and only it").isEqualTo(1);
    time.advance(Duration.ofMillis(49));
    assertThat(sub.items()).as("not yet: 49 ms of 50").isEmpty();
    time.advance(Duration.ofMillis(1));
    sub.awaitTerminal(WAIT);
    never.countDown();
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items()).allSatisfy(c -> assertThat(c.provider()).isEqualTo("anthropic"));
  }

  @Test
  void eachTimeoutHasOneHomeGatewayThenRouteThenRequest() {
    AiGateway gateway = AiGateway.builder().provider(openai)
        .timeouts(Timeouts.builder().connect(Duration.ofSeconds(3)).idle(Duration.ofMinutes(2))
            .total(Duration.ofMinutes(5)).build())
        .route(Route.builder("tight").target("openai", "gpt-4o")
            .timeouts(Timeouts.builder().connect(Duration.ofSeconds(1)).total(Duration.ofSeconds(40))
                .build()).build())
        .timing(time.timing()).build();
    gateway.chat(ChatRequest.of("gpt-4o", "hi"));
    gateway.chat(ChatRequest.of("tight", "hi"));
    gateway.chat(ChatRequest.builder().model("tight").user("hi").timeout(Duration.ofSeconds(7))
        .attribute(CallOptions.CONNECT_TIMEOUT, Duration.ofMillis(250))
        .attribute(CallOptions.IDLE_TIMEOUT, Duration.ofSeconds(9)).build());
    assertThat(openai.contexts).extracting(c -> c.connectTimeout())
        .containsExactly(Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofMillis(250));
    assertThat(openai.contexts).extracting(c -> c.idleTimeout())
        .containsExactly(Duration.ofMinutes(2), Duration.ofMinutes(2), Duration.ofSeconds(9));
    assertThat(openai.contexts).extracting(c -> c.timeout()).as("the time left of the total")
        .containsExactly(Duration.ofMinutes(5), Duration.ofSeconds(40), Duration.ofSeconds(7));
    assertThat(openai.contexts).extracting(c -> c.attempt()).containsExactly(1, 1, 1);
  }

  @Test
  void timeoutsAreValidatedWithTheFieldNamed() {
    assertThatThrownBy(() -> Timeouts.builder().total(Duration.ZERO))
        .hasMessageContaining("timeouts.total");
    assertThatThrownBy(() -> Timeouts.builder().firstChunk(Duration.ofSeconds(-1)))
        .hasMessageContaining("timeouts.firstChunk");
    Timeouts gateway = Timeouts.builder().connect(Duration.ofSeconds(3)).build();
    Timeouts route = Timeouts.builder().firstChunk(Duration.ofSeconds(20)).build();
    assertThat(gateway.overriddenBy(route)).isEqualTo(Timeouts.builder()
        .connect(Duration.ofSeconds(3)).firstChunk(Duration.ofSeconds(20)).build());
    assertThat(Timeouts.builder().build()).isSameAs(Timeouts.none());
  }

  @Test
  void aFullBulkheadSendsTheCallToTheNextTargetInsteadOfQueueing() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger openaiCalls = new AtomicInteger();
    FakeProvider busy = new FakeProvider("openai").onChat(r -> {
      if (openaiCalls.incrementAndGet() == 1) {
        inside.countDown();
        await(release);
      }
      return ChatResponse.builder().provider("openai").model(r.model()).text("openai")
          .finishReason(FinishReason.STOP).build();
    }).onStream(r -> ChunkPublisher.of(ChunkPublisher.words("openai", r.model(), 3)));
    List<String> skipped = new CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(busy).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude").build())
        .resilience(Resilience.builder().maxConcurrentCallsPerTarget(1).build())
        .eventListener(new GatewayEventListener() {
          @Override
          public void targetSkipped(CallInfo call, Target target, SkipReason reason,
              Throwable detail) {
            skipped.add(target + " " + reason + ": " + detail.getMessage());
          }
        })
        .timing(time.timing()).build();

    CompletableFuture<ChatResponse> first = gateway.chatAsync(ChatRequest.of("support", "hi"));
    assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("anthropic");
    assertThat(skipped).singleElement().asString().contains("BULKHEAD_FULL")
        .contains("1 calls are already in flight");
    release.countDown();
    assertThat(first.get(5, TimeUnit.SECONDS).provider()).isEqualTo("openai");
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider())
        .as("the permit came back").isEqualTo("openai");

    // A stream holds its permit until it ends, not just until its first chunk.
    TestSubscriber<ChatChunk> open = TestSubscriber.requesting(1);
    gateway.stream(ChatRequest.of("support", "hi")).subscribe(open);
    open.awaitItems(1, WAIT);
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("anthropic");
    open.request(10);
    open.awaitTerminal(WAIT);
    assertThat(open.isCompleted()).isTrue();
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("openai");
  }

  @Test
  void cancellingAChatAsyncWhileItWaitsToRetryStopsItAtOnce() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    CountDownLatch woke = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1); // the wait ends only by interruption
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude").build())
        .timing(Timing.builder().sleeper(delay -> {
          sleeping.countDown();
          try {
            never.await(60, TimeUnit.SECONDS);
          } finally {
            woke.countDown();
          }
        }).build()).build();
    openai.failing(down());
    CompletableFuture<ChatResponse> call = gateway.chatAsync(ChatRequest.of("support", "hi"));
    assertThat(sleeping.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(call.cancel(true)).isTrue();
    assertThat(woke.await(5, TimeUnit.SECONDS)).as("the wait is interrupted").isTrue();
    assertThat(catchThrowable(call::get)).isInstanceOf(CancellationException.class);
    assertThat(openai.calls()).isEqualTo(1);
    assertThat(anthropic.calls()).as("nothing more is sent").isZero();
  }

  @Test
  void settingsAreValidatedWithTheFieldNamed() {
    assertThatThrownBy(() -> Resilience.builder().maxRetries(-1))
        .hasMessageContaining("maxRetries");
    assertThatThrownBy(() -> Resilience.builder().backoff(Duration.ofSeconds(2),
        Duration.ofSeconds(1))).hasMessageContaining("backoff max");
    assertThatThrownBy(() -> Resilience.builder().backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .hasMessageContaining("backoff initial");
    assertThatThrownBy(() -> Resilience.builder().jitter(1.5)).hasMessageContaining("jitter");
    assertThatThrownBy(() -> Resilience.builder().failureThreshold(0))
        .hasMessageContaining("failureThreshold");
    assertThatThrownBy(() -> Resilience.builder().failureRate(0, 5, Duration.ofMinutes(1)))
        .hasMessageContaining("failure rate");
    assertThatThrownBy(() -> Resilience.builder().cooldown(Duration.ofSeconds(-1)))
        .hasMessageContaining("cooldown");
    assertThatThrownBy(() -> Resilience.builder().maxConcurrentCallsPerTarget(-2))
        .hasMessageContaining("maxConcurrentCallsPerTarget");
    assertThat(Resilience.builder().backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)).build()
        .toString()).contains("retries=2");
  }

  @Test
  void theDefaultsAreTheDocumentedOnes() {
    Resilience d = Resilience.defaults();
    assertThat(d.maxRetries()).isEqualTo(2);
    assertThat(d.retryAfterCap()).isEqualTo(Duration.ofSeconds(60));
    assertThat(d.cooldown()).isEqualTo(Duration.ofSeconds(30));
    assertThat(d.backoff(1, new java.util.Random(1))).isBetween(Duration.ofMillis(375),
        Duration.ofMillis(625));
    assertThat(Resilience.builder().jitter(0).build().backoff(9, new java.util.Random(1)))
        .as("capped").isEqualTo(Duration.ofSeconds(8));
    assertThat(d.toString()).contains("backoff=PT0.5S..PT8S").contains("5 in a row");
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
