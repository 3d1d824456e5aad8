package dev.aigateway.examples;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import dev.aigateway.redis.RedisCacheStore;
import dev.aigateway.redis.RedisRateLimits;
import java.io.PrintStream;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.UUID;

/**
 * Two replicas of one application, as two gateways each with its own Redis connection, sharing
 * one client's limit and the response cache through one Redis: the client may make 4 calls a
 * minute in all, whichever replica serves them, and an answer one replica got is a hit on the
 * other. Offline against the stub vendor; the Redis is {@code AI_GATEWAY_REDIS_URL}, else
 * {@code redis://127.0.0.1:6379}. Each run uses a namespace of its own and leaves its keys to
 * expire.
 */
public final class ManyReplicasDemo {
  private ManyReplicasDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** The Redis the demo uses. */
  static String redisUrl() {
    String url = System.getenv("AI_GATEWAY_REDIS_URL");
    return url == null || url.isBlank() ? "redis://127.0.0.1:6379" : url;
  }

  /** Whether that Redis accepts connections. */
  static boolean redisReachable() {
    URI uri = URI.create(redisUrl());
    try (Socket s = new Socket(uri.getHost(), uri.getPort() < 0 ? 6379 : uri.getPort())) {
      return true;
    } catch (Exception e) {
      return false;
    }
  }

  /** Runs the demo, printing to {@code out}; false when there is no Redis to run it on. */
  public static boolean run(PrintStream out) throws Exception {
    if (!redisReachable()) {
      out.println("No Redis at " + redisUrl() + ": start one (redis-server) or set "
          + "AI_GATEWAY_REDIS_URL.");
      return false;
    }
    String namespace = "demo-" + UUID.randomUUID();
    try (StubVendor stub = StubVendor.start(q -> "Noted: " + q);
        RedisRateLimits limitsA = RedisRateLimits.builder(redisUrl()).namespace(namespace)
            .build();
        RedisRateLimits limitsB = RedisRateLimits.builder(redisUrl()).namespace(namespace)
            .build();
        RedisCacheStore cacheA = RedisCacheStore.builder(redisUrl()).namespace(namespace)
            .build();
        RedisCacheStore cacheB = RedisCacheStore.builder(redisUrl()).namespace(namespace)
            .build();
        AiGateway a = replica(stub, limitsA, cacheA);
        AiGateway b = replica(stub, limitsB, cacheB)) {
      out.println("Two replicas on " + redisUrl() + ", namespace " + namespace
          + "; client 'acme' may make 4 calls a minute in all.");
      for (int i = 1; i <= 6; i++) {
        AiGateway replica = i % 2 == 1 ? a : b;
        String name = i % 2 == 1 ? "replica A" : "replica B";
        ChatRequest request = ChatRequest.builder().model("gpt-4o-mini")
            .user("question " + i).clientId("acme").build();
        try {
          ChatResponse r = replica.chat(request);
          out.println(name + ": call " + i + " served: \"" + r.text() + "\"");
        } catch (RateLimitExceededException e) {
          out.println(name + ": call " + i + " throttled: " + e.getMessage());
        }
      }
      ChatRequest shared = ChatRequest.builder().model("gpt-4o-mini")
          .user("question 1").clientId("guest").build();
      // The store is written just after the answer: wait (boundedly) until replica A's is in.
      CacheKey key = CacheKey.of(shared, false);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (cacheB.get(key).get() == null && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      ChatResponse hit = b.chat(shared);
      out.println("replica B: 'question 1' again, from another client: "
          + (hit.fromCache() ? "a hit on the cache replica A filled" : "a miss"));
      out.println("The vendor received " + stub.requestCount() + " requests.");
      return true;
    }
  }

  private static AiGateway replica(StubVendor stub, RedisRateLimits limits,
      RedisCacheStore cache) {
    return AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl())
            .apiKey(Secret.of("stub-key")).build())
        .rateLimits(RateLimits.builder().backend(limits.backend())
            .defaultLimit(ClientLimit.requests(4, Duration.ofMinutes(1))).build())
        .cache(ResponseCache.builder().store(cache).enabledByDefault(true)
            .partitionByClient(false).build())
        .build();
  }
}
