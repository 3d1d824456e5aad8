package dev.aigateway.core.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A cancel from another thread racing a stream's delivery and completion, many times over: every
 * observation, the call's and each attempt's, starts once and stops once, and the in-flight
 * gauge comes back to zero. The repetitions vary where the cancel lands: before the first chunk,
 * mid-stream, or after the end.
 */
class ObservationRaceTest {
  private static final int RUNS = 300;
  private final ExecutorService vendorThreads = Executors.newFixedThreadPool(2);
  private final ExecutorService cancellers = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() throws InterruptedException {
    vendorThreads.shutdownNow();
    cancellers.shutdownNow();
    assertThat(vendorThreads.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void everyObservationStartsAndStopsExactlyOnceWhateverTheCancelRaces() throws Exception {
    Map<Observation.Context, AtomicInteger> starts = new ConcurrentHashMap<>();
    Map<Observation.Context, AtomicInteger> stops = new ConcurrentHashMap<>();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public void onStart(Observation.Context c) {
        starts.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
      }

      @Override
      public void onStop(Observation.Context c) {
        stops.computeIfAbsent(c, k -> new AtomicInteger()).incrementAndGet();
      }

      @Override
      public boolean supportsContext(Observation.Context c) {
        return true;
      }
    });
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Vendor vendor = new Vendor("openai", "openai", "https://api.openai.com");
    vendor.fake.onStream(r -> ChunkPublisher.of(ChunkPublisher.words("openai", "gpt-4o", 40))
        .on(vendorThreads));
    AiGateway gateway = AiGateway.builder().provider(vendor)
        .route(Route.builder("support").target("openai", "gpt-4o").build())
        .timing(new ManualTiming().timing())
        .observationRegistry(registry).meterRegistry(meters).build();

    for (int i = 0; i < RUNS; i++) {
      TestSubscriber<ChatChunk> s = TestSubscriber.unbounded();
      CountDownLatch go = new CountDownLatch(1);
      int spins = i % 50 * 20;
      cancellers.execute(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          return;
        }
        for (int k = 0; k < spins; k++) {
          Thread.onSpinWait();
        }
        s.cancel();
      });
      gateway.stream(ChatRequest.of("support", "hi")).subscribe(s);
      go.countDown();
      // Either the stream completed or the cancel ended the call; wait for its observation.
      waitUntil(() -> stops.size() >= 1 && starts.keySet().stream()
          .allMatch(c -> stops.containsKey(c)));
    }
    waitUntil(() -> meters.get("ai_gateway.calls.in_flight").tag("ai_gateway.streaming", "true")
        .gauge().value() == 0);

    long calls = starts.keySet().stream()
        .filter(c -> GenAi.CALL_OBSERVATION.equals(c.getName())).count();
    assertThat(calls).isEqualTo(RUNS);
    assertThat(starts.values()).allMatch(n -> n.get() == 1);
    assertThat(stops.keySet()).containsExactlyInAnyOrderElementsOf(starts.keySet());
    assertThat(stops.values()).as("stopped exactly once").allMatch(n -> n.get() == 1);
    // A cancel that lands before the attempt starts leaves the call without one; every attempt
    // there is belongs to one of the calls.
    assertThat(starts.keySet().stream().filter(c -> GenAi.ATTEMPT_OBSERVATION.equals(c.getName())))
        .hasSizeBetween(1, RUNS)
        .allMatch(c -> c.getParentObservation() != null && GenAi.CALL_OBSERVATION.equals(
            c.getParentObservation().getContextView().getName()));
    assertThat(meters.get("gen_ai.client.operation.duration").timers().stream()
        .mapToLong(t -> t.count()).sum()).as("one duration per call").isEqualTo(RUNS);
    gateway.close();
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(1);
    }
  }
}
