package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.RateLimitStoreUnavailableException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.ratelimit.BackendFailure;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The limits on a Redis server of the test's own: exact across three gateways (three
 * replicas) under concurrent calls, keys namespaced and expiring, and Redis killed during
 * traffic under each policy: open admits unchecked (counted), closed refuses with the typed
 * error, and both check again once Redis is back, with no restart.
 */
class RedisRateLimitsTest extends OnOwnRedis {

  private static FakeProvider vendor() {
    return new FakeProvider("openai").onChat(r -> ChatResponse.builder().provider("openai")
        .model(r.model()).text("ok").finishReason(FinishReason.STOP).usage(Usage.of(3, 2))
        .build());
  }

  private static AiGateway replica(RedisRateLimits redisLimits, ClientLimit limit,
      BackendFailure policy, GatewayEventListener listener) {
    return AiGateway.builder().provider(vendor())
        .rateLimits(RateLimits.builder().backend(redisLimits.backend()).defaultLimit(limit)
            .onBackendFailure(policy).build())
        .eventListener(listener)
        .build();
  }

  private static ChatRequest request(String client) {
    return ChatRequest.builder().model("gpt-4o").user("hi").clientId(client).build();
  }

  @Test
  void aLimitIsExactAcrossReplicasAndItsKeysExpire() throws Exception {
    List<AiGateway> replicas = new ArrayList<>();
    List<RedisRateLimits> stores = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(6);
    try {
      ClientLimit limit = ClientLimit.builder().requests(50, Duration.ofMinutes(1))
          .tokens(1_000_000, Duration.ofMinutes(1)).build();
      // Time held still at the test's start: at 50 a minute a token refills every 1.2 s, which a
      // slow machine can take to run the 150 calls, and the 51st would then rightly be admitted.
      long now = System.currentTimeMillis() * 1_000_000L;
      io.github.bucket4j.TimeMeter still = new io.github.bucket4j.TimeMeter() {
        @Override
        public long currentTimeNanos() {
          return now;
        }

        @Override
        public boolean isWallClockBased() {
          return true;
        }
      };
      for (int i = 0; i < 3; i++) {
        RedisRateLimits s = RedisRateLimits.builder(redis.url()).namespace("shop").clock(still)
            .build();
        stores.add(s);
        replicas.add(replica(s, limit, BackendFailure.FAIL_CLOSED, GatewayEventListener.NONE));
      }
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger refused = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < 150; i++) {
        AiGateway g = replicas.get(i % 3);
        all.add(threads.submit(() -> {
          go.await();
          try {
            g.chat(request("acme"));
            admitted.incrementAndGet();
          } catch (RateLimitExceededException e) {
            refused.incrementAndGet();
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(stores.get(0).backend().isAsyncModeSupported())
          .as("both budgets asked at once, one wait per call").isTrue();
      assertThat(admitted).as("exactly the limit, across three replicas").hasValue(50);
      assertThat(refused).hasValue(100);
      assertThat(raw.sync().keys("*")).containsExactlyInAnyOrder(
          "ai-gateway:shop:client:requests:acme", "ai-gateway:shop:client:tokens:acme");
      assertThat(raw.sync().pttl("ai-gateway:shop:client:requests:acme"))
          .as("expires once refilled").isPositive().isLessThanOrEqualTo(70_000L);
    } finally {
      threads.shutdownNow();
      replicas.forEach(AiGateway::close);
      stores.forEach(RedisRateLimits::close);
    }
  }

  @Test
  void redisDownFailsOpenByDefaultCountedAndChecksAgainWhenBack() throws Exception {
    List<String> decisions = new CopyOnWriteArrayList<>();
    GatewayEventListener listener = new GatewayEventListener() {
      @Override
      public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {
        decisions.add(outcome.name());
      }
    };
    try (RedisRateLimits s = RedisRateLimits.builder(redis.url())
            .commandTimeout(Duration.ofMillis(300)).build();
        AiGateway gateway = AiGateway.builder().provider(vendor())
            .rateLimits(RateLimits.builder().backend(s.backend())
                .defaultLimit(ClientLimit.requests(2, Duration.ofMinutes(1))).build())
            .eventListener(listener).build()) {
      gateway.chat(request("acme"));
      raw.close();
      redis.kill();
      for (int i = 0; i < 3; i++) {
        assertThat(gateway.chat(request("acme")).text()).isEqualTo("ok");
      }
      assertThat(decisions).containsExactly("ADMITTED", "UNCHECKED", "UNCHECKED", "UNCHECKED");

      redis.startAgain(); // empty: the window starts again
      raw = inspector.connect();
      waitUntil(() -> {
        decisions.clear();
        gateway.chat(request("acme"));
        return decisions.equals(List.of("ADMITTED"));
      });
      gateway.chat(request("acme"));
      assertThat(catchThrowable(() -> gateway.chat(request("acme"))))
          .as("checked again").isInstanceOf(RateLimitExceededException.class);
    }
  }

  @Test
  void redisDownFailsClosedWhenSoSetAndRecovers() throws Exception {
    try (RedisRateLimits s = RedisRateLimits.builder(redis.url())
            .commandTimeout(Duration.ofMillis(300)).build();
        AiGateway gateway = replica(s, ClientLimit.requests(100, Duration.ofMinutes(1)),
            BackendFailure.FAIL_CLOSED, GatewayEventListener.NONE)) {
      gateway.chat(request("acme"));
      raw.close();
      redis.kill();
      Throwable refused = catchThrowable(() -> gateway.chat(request("acme")));
      assertThat(refused).isInstanceOf(RateLimitStoreUnavailableException.class)
          .hasMessageContaining("rate-limit store is unavailable");
      assertThat(((RateLimitStoreUnavailableException) refused).clientId()).isEqualTo("acme");

      redis.startAgain();
      raw = inspector.connect();
      waitUntil(() -> {
        try {
          gateway.chat(request("acme"));
          return true;
        } catch (RateLimitStoreUnavailableException notYet) {
          return false;
        }
      });
    }
  }
}
