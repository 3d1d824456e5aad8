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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The response cache's own cost, by the prompt's size ({@code size} characters of user text,
 * 1 KB, 100 KB, 1 MB): {@link #hit} is {@code gateway.chat()} answered by the cache, which the
 * README budgets at 1 µs median at 1 KB and 50 µs at 1 MB; {@link #miss} is the same request
 * with a different seed each time (4096 of them, so every call misses, goes to the in-memory
 * provider and is stored, with the cache kept at 1024 entries so that it evicts as it goes),
 * budgeted at 2 µs over a hit; {@link #key} is the key computation alone. Sample-time mode
 * reports the percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class CacheHitBenchmark {
  private static final int DISTINCT = 4096;

  @Param({"1024", "102400", "1048576"})
  public int size;

  private AiGateway gateway;
  private ChatRequest request;
  private ChatRequest[] distinct;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    gateway = AiGateway.builder()
        .provider(new InMemoryProvider())
        .route(Route.builder("assistant").target("mem", "mem-model").build())
        .cache(ResponseCache.builder().maxEntries(1024).build())
        .build();
    String sentence = "Summarise the following customer message in one sentence. ";
    String prompt = sentence.repeat(size / sentence.length() + 1).substring(0, size);
    request = ChatRequest.builder().model("assistant").system("You are concise.").user(prompt)
        .temperature(0.2).maxTokens(200).clientId("tenant-42").build();
    if (gateway.chat(request).fromCache() || !gateway.chat(request).fromCache()) {
      throw new IllegalStateException("the second call should be a cache hit");
    }
    distinct = new ChatRequest[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      distinct[i] = request.toBuilder().seed(1_000_000L + i).build(); // shares the prompt
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

  /** chat() that misses: the key, the lookup, the in-memory provider, and the store's write. */
  @Benchmark
  public ChatResponse miss() {
    ChatRequest r = distinct[next];
    next = (next + 1) & (DISTINCT - 1);
    return gateway.chat(r);
  }

  /** The request's cache key alone. */
  @Benchmark
  public CacheKey key() {
    return CacheKey.of(request, false);
  }
}
