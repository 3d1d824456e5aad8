package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.routing.Route;
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
 * A cache hit for a request of about 1 KB: {@code gateway.chat()} answered by the gateway's
 * response cache, which the README budgets at 1 µs median; and the key computation alone. Sample-time mode reports the
 * percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheHitBenchmark {
  private AiGateway gateway;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    gateway = AiGateway.builder()
        .provider(new InMemoryProvider())
        .route(Route.builder("assistant").target("mem", "mem-model").build())
        .cache(ResponseCache.defaults())
        .build();
    String prompt = "Summarise the following customer message in one sentence. ".repeat(16);
    request = ChatRequest.builder().model("assistant").system("You are concise.").user(prompt)
        .temperature(0.2).maxTokens(200).clientId("tenant-42").build();
    if (gateway.chat(request).fromCache() || !gateway.chat(request).fromCache()) {
      throw new IllegalStateException("the second call should be a cache hit");
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
  }

  /** chat() answered from the cache, through the gateway. */
  @Benchmark
  public ChatResponse hit() {
    return gateway.chat(request);
  }

  /** The request's cache key alone. */
  @Benchmark
  public CacheKey key() {
    return CacheKey.of(request, false);
  }
}
