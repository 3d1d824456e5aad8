package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.redis.RedisCacheStore;
import dev.aigateway.redis.RedisRateLimits;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * What Redis adds to a call on loopback: a chat() through a per-client limit with request and
 * token windows, in memory and on Redis; and a cache hit, in memory and on Redis. The in-memory
 * provider answers, so the difference is the limit check (and its reconciliation) or the
 * lookup. Needs a Redis at {@code AI_GATEWAY_REDIS_URL} or {@code redis://127.0.0.1:6379}; each
 * run uses a namespace of its own.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RedisCostBenchmark {
  private AiGateway localLimits;
  private AiGateway redisLimits;
  private AiGateway localCache;
  private AiGateway redisCache;
  private RedisRateLimits limits;
  private RedisCacheStore store;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    String url = System.getenv().getOrDefault("AI_GATEWAY_REDIS_URL", "redis://127.0.0.1:6379");
    String namespace = "bench-" + UUID.randomUUID();
    limits = RedisRateLimits.builder(url).namespace(namespace).build();
    store = RedisCacheStore.builder(url).namespace(namespace).build();
    ClientLimit generous = ClientLimit.builder().requests(1_000_000_000L, Duration.ofDays(1))
        .tokens(1_000_000_000_000L, Duration.ofDays(1)).build();
    localLimits = AiGateway.builder().provider(new InMemoryProvider())
        .rateLimits(RateLimits.builder().defaultLimit(generous).build()).build();
    redisLimits = AiGateway.builder().provider(new InMemoryProvider())
        .rateLimits(RateLimits.builder().backend(limits.backend()).defaultLimit(generous)
            .build()).build();
    localCache = AiGateway.builder().provider(new InMemoryProvider())
        .cache(ResponseCache.builder().build()).build();
    redisCache = AiGateway.builder().provider(new InMemoryProvider())
        .cache(ResponseCache.builder().store(store).build()).build();
    request = ChatRequest.builder().model("mem-model").system("You are concise.")
        .user("Summarise the following customer message in one sentence. ".repeat(16))
        .clientId("tenant-42").build();
    localCache.chat(request);
    redisCache.chat(request);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!redisCache.chat(request).fromCache() && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the store is written just after the first answer
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    localLimits.close();
    redisLimits.close();
    localCache.close();
    redisCache.close();
    limits.close();
    store.close();
  }

  /** chat() through an in-memory per-client limit. */
  @Benchmark
  public ChatResponse limitInMemory() {
    return localLimits.chat(request);
  }

  /** The same limit on Redis: one wait for both budgets, reconciliation not waited for. */
  @Benchmark
  public ChatResponse limitOnRedis() {
    return redisLimits.chat(request);
  }

  /** A cache hit from the in-memory store. */
  @Benchmark
  public ChatResponse hitInMemory() {
    return localCache.chat(request);
  }

  /** A cache hit from Redis. */
  @Benchmark
  public ChatResponse hitOnRedis() {
    return redisCache.chat(request);
  }
}
