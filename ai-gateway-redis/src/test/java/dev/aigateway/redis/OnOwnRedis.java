package dev.aigateway.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The tests' common ground: a Redis server of the test's own per test (skipped, saying why,
 * without the binary), a plain connection to look inside it, and a bounded wait.
 */
abstract class OnOwnRedis {
  RedisServer redis;
  RedisClient inspector;
  StatefulRedisConnection<String, String> raw;

  @BeforeEach
  void startRedis() throws Exception {
    assumeTrue(RedisServer.available(), "redis-server is not installed");
    redis = RedisServer.start();
    inspector = RedisClient.create(redis.url());
    raw = inspector.connect();
  }

  @AfterEach
  void stopRedis() throws Exception {
    if (raw != null) {
      raw.close();
      inspector.shutdown();
    }
    if (redis != null) {
      redis.close();
    }
  }

  static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out");
      }
      Thread.sleep(20);
    }
  }
}
