package dev.aigateway.core.internal;

import static dev.aigateway.core.internal.Calls.FIXED;
import static dev.aigateway.core.internal.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Sixteen threads hammering one client are never admitted past its limit, with local buckets and
 * through a compare-and-swap {@code ProxyManager}. Time does not move unless the test moves it, so
 * exactly the limit is admitted, then exactly what the advance refilled.
 */
class RateLimitConcurrencyTest {
  private static final int THREADS = 16;
  private static final int CALLS_PER_THREAD = 10;
  private final ManualTime time = new ManualTime();
  private final ExecutorService pool = Executors.newFixedThreadPool(THREADS);
  private InMemoryProxyManager backend;

  @AfterEach
  void shutDown() throws InterruptedException {
    pool.shutdownNow();
    assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
  }

  private AiGateway gateway(FakeProvider provider, ClientLimit limit, boolean proxy) {
    RateLimits.Builder b = RateLimits.builder().tokenCounter(FIXED)
        .defaultLimit(limit);
    if (proxy) {
      b.backend(backend = new InMemoryProxyManager(RateLimitStage.meter(time.ticker())));
    }
    return AiGateway.builder().provider(provider)
        .interceptor(new RateLimitStage(b.build(), time.ticker())).timing(time.timing()).build();
  }

  /** Every thread calls at once, {@link #CALLS_PER_THREAD} times; returns how many got in. */
  private int hammer(AiGateway gateway, int tokensEach) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    AtomicInteger admitted = new AtomicInteger();
    Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
    List<Future<?>> done = new ArrayList<>();
    for (int t = 0; t < THREADS; t++) {
      done.add(pool.submit(() -> {
        start.await();
        for (int i = 0; i < CALLS_PER_THREAD; i++) {
          try {
            gateway.chat(request("hot", tokensEach));
            admitted.incrementAndGet();
          } catch (RateLimitExceededException expected) {
            // the limit at work
          } catch (RuntimeException e) {
            unexpected.add(e);
          }
        }
        return null;
      }));
    }
    start.countDown();
    for (Future<?> f : done) {
      f.get(30, TimeUnit.SECONDS);
    }
    assertThat(unexpected).isEmpty();
    return admitted.get();
  }

  @ParameterizedTest(name = "proxyManager={0}")
  @ValueSource(booleans = {false, true})
  void requestsAreNeverAdmittedPastTheLimit(boolean proxy) throws Exception {
    FakeProvider provider = Calls.provider("openai", Usage.of(1, 0));
    AiGateway gateway = gateway(provider,
        ClientLimit.builder().requests(50, Duration.ofMinutes(1)).build(), proxy);

    assertThat(hammer(gateway, 1)).isEqualTo(50);
    assertThat(provider.chatRequests()).hasSize(50);

    time.advance(Duration.ofSeconds(6)); // 50 a minute refills one every 1.2 s
    assertThat(hammer(gateway, 1)).isEqualTo(5);
    assertThat(provider.chatRequests()).hasSize(55);
    if (proxy) {
      assertThat(backend.states).containsOnlyKeys("ai-gateway:client:requests:hot");
    }
  }

  @ParameterizedTest(name = "proxyManager={0}")
  @ValueSource(booleans = {false, true})
  void tokensAreNeverAdmittedPastTheLimit(boolean proxy) throws Exception {
    FakeProvider provider = Calls.provider("openai", Usage.of(10, 0)); // usage == estimate
    AiGateway gateway = gateway(provider, ClientLimit.builder()
        .requests(1_000, Duration.ofMinutes(1)).tokens(500, Duration.ofMinutes(1)).build(),
        proxy);

    assertThat(hammer(gateway, 10)).isEqualTo(50);

    time.advance(Duration.ofSeconds(12)); // 100 tokens refilled: 10 calls
    assertThat(hammer(gateway, 10)).isEqualTo(10);
    assertThat(provider.chatRequests()).hasSize(60);
  }
}
