package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.redis.RedisCacheStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.net.InetAddress;
import java.net.Socket;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * {@code ai-gateway.redis.url} puts the rate limits and the response cache on Redis, shared by
 * every replica: two application contexts (two replicas) on the Redis that CI runs on
 * 127.0.0.1:6379, in a namespace of the test's own. Without the URL both stay in memory.
 */
class RedisWiringTest {
  private final String namespace = "test-" + UUID.randomUUID();

  /**
   * The Redis that {@code AI_GATEWAY_REDIS_URL} names ({@code .ci/run} exports it; the build
   * hands it to this JVM as a system property, not as the variable, which Spring would bind),
   * else 127.0.0.1:6379.
   */
  private static final String URL = redisUrl();

  private static String redisUrl() {
    String given = System.getProperty("aigateway.test.redis-url", "");
    if (given.isBlank() || given.startsWith("${")) { // unset, or Maven left the placeholder
      given = System.getenv().getOrDefault("AI_GATEWAY_REDIS_URL", "");
    }
    return given.isBlank() ? "redis://127.0.0.1:6379" : given;
  }

  private static boolean redisOn6379() {
    java.net.URI uri = java.net.URI.create(URL);
    try (Socket s = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort())) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  private ApplicationContextRunner replica(FakeProvider vendor) {
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("vendor", ChatProvider.class, () -> vendor)
        .withPropertyValues("ai-gateway.cache.enabled=true",
            "ai-gateway.redis.url=" + URL,
            "ai-gateway.redis.namespace=" + namespace);
  }

  private static FakeProvider vendor() {
    return new FakeProvider("openai").onChat(r -> ChatResponse.builder().provider("openai")
        .model(r.model()).text("shared").finishReason(FinishReason.STOP).build());
  }

  @Test
  void twoReplicasShareTheCacheOnRedis() throws Exception {
    assumeTrue(redisOn6379(), "no Redis at " + URL + " (.ci/run starts one)");
    FakeProvider first = vendor();
    FakeProvider second = vendor();
    RedisClient client = RedisClient.create(URL);
    try (StatefulRedisConnection<String, String> raw = client.connect()) {
      replica(first).run(a -> {
        assertThat(a).hasSingleBean(RedisCacheStore.class);
        a.getBean(AiGateway.class).chat(ChatRequest.of("gpt-4o", "shared question"));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (raw.sync().keys("ai-gateway:" + namespace + ":cache:*").isEmpty()) {
          assertThat(System.nanoTime()).as("stored in time").isLessThan(deadline);
          Thread.sleep(10);
        }
        replica(second).run(b -> {
          ChatResponse hit = b.getBean(AiGateway.class).chat(
              ChatRequest.of("gpt-4o", "shared question"));
          assertThat(hit.fromCache()).isTrue();
        });
      });
      assertThat(first.chatRequests()).hasSize(1);
      assertThat(second.chatRequests()).isEmpty();
      raw.sync().keys("ai-gateway:" + namespace + ":*").forEach(k -> raw.sync().del(k));
    } finally {
      client.shutdown();
    }
  }

  /** Client acme's calls, alternating between the two replicas: how many were admitted. */
  private static int callsAdmitted(org.springframework.context.ApplicationContext a,
      org.springframework.context.ApplicationContext b, int calls) {
    int admitted = 0;
    for (int i = 0; i < calls; i++) {
      AiGateway g = (i % 2 == 0 ? a : b).getBean(AiGateway.class);
      try {
        g.chat(ChatRequest.builder().model("gpt-4o").user("q" + i).clientId("acme")
            .cacheMode(dev.aigateway.api.CacheMode.BYPASS).build());
        admitted++;
      } catch (dev.aigateway.api.RateLimitExceededException refused) {
        // beyond the fleet's limit
      }
    }
    return admitted;
  }

  @Test
  void twoReplicasShareTheLimitsOnRedis() {
    assumeTrue(redisOn6379(), "no Redis at " + URL + " (.ci/run starts one)");
    java.util.concurrent.atomic.AtomicInteger admitted =
        new java.util.concurrent.atomic.AtomicInteger();
    String[] limits = {"ai-gateway.rate-limits.default.requests[0]=3/1m",
        "ai-gateway.rate-limits.on-backend-failure=fail-closed"};
    replica(vendor()).withPropertyValues(limits).run(a -> replica(vendor())
        .withPropertyValues(limits).run(b -> admitted.set(callsAdmitted(a, b, 6))));
    assertThat(admitted).as("3 a minute across both replicas").hasValue(3);
    RedisClient client = RedisClient.create(URL);
    try (StatefulRedisConnection<String, String> raw = client.connect()) {
      assertThat(raw.sync().keys("ai-gateway:" + namespace + ":client:*"))
          .containsExactly("ai-gateway:" + namespace + ":client:requests:acme");
      raw.sync().keys("ai-gateway:" + namespace + ":*").forEach(k -> raw.sync().del(k));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void springDataRedisNamesTheServerWhenTheGatewaysUrlIsNotSet() {
    assumeTrue(redisOn6379(), "no Redis at " + URL + " (.ci/run starts one)");
    java.net.URI uri = java.net.URI.create(URL);
    String[] limits = {"ai-gateway.rate-limits.default.requests[0]=2/1m",
        "ai-gateway.rate-limits.on-backend-failure=fail-closed"};
    ApplicationContextRunner bySpringData = new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("vendor", ChatProvider.class, RedisWiringTest::vendor)
        .withPropertyValues("spring.data.redis.host=" + uri.getHost(),
            "spring.data.redis.port=" + (uri.getPort() < 0 ? 6379 : uri.getPort()),
            "ai-gateway.redis.namespace=" + namespace)
        .withPropertyValues(limits);
    java.util.concurrent.atomic.AtomicInteger admitted =
        new java.util.concurrent.atomic.AtomicInteger();
    bySpringData.run(a -> replica(vendor()).withPropertyValues(limits).run(b -> {
      assertThat(a).hasSingleBean(RedisCacheStore.class);
      admitted.set(callsAdmitted(a, b, 4));
    }));
    assertThat(admitted).as("one limit on one server, whichever way it was named").hasValue(2);
    RedisClient client = RedisClient.create(URL);
    try (StatefulRedisConnection<String, String> raw = client.connect()) {
      raw.sync().keys("ai-gateway:" + namespace + ":*").forEach(k -> raw.sync().del(k));
    } finally {
      client.shutdown();
    }
  }

  @Test
  void withNeitherSetBothStayInMemory() {
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("vendor", ChatProvider.class, RedisWiringTest::vendor)
        .withPropertyValues("ai-gateway.cache.enabled=true")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).doesNotHaveBean(RedisCacheStore.class);
          assertThat(context).doesNotHaveBean(dev.aigateway.redis.RedisRateLimits.class);
        });
  }

  @Test
  void withoutAUrlTheCacheStaysInMemory() {
    // a blank ai-gateway.redis.url turns the shared store off, even with spring.data.redis.*
    // naming a server
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("vendor", ChatProvider.class, RedisWiringTest::vendor)
        .withPropertyValues("ai-gateway.cache.enabled=true", "ai-gateway.redis.url=",
            "spring.data.redis.host=127.0.0.1")
        .run(context -> {
          assertThat(context).doesNotHaveBean(RedisCacheStore.class);
          AiGateway gateway = context.getBean(AiGateway.class);
          gateway.chat(ChatRequest.of("gpt-4o", "q"));
          assertThat(gateway.chat(ChatRequest.of("gpt-4o", "q")).fromCache()).isTrue();
        });
  }
}
