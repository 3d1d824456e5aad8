package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
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
 * The gateway's own cost: {@code gateway.chat()} and {@code gateway.stream()} through the whole
 * pipeline against calling the same in-memory provider directly. The difference is the pipeline
 * overhead that the README budgets at 5 µs median and 50 µs p99. Sample-time mode reports the
 * percentiles.
 *
 * <p>Two gateways: one with a route only (the defaults), and one with every stage configured on:
 * a per-client rate limit with request and token windows, the response cache (every call a miss:
 * the benchmark cycles through {@value #DISTINCT} distinct requests and the cache keeps 16, so
 * each call looks up, misses, and stores its answer), a route with a 90/10 split and a fallback,
 * and the default resilience (retries, breaker). Both sides of each comparison send the same
 * requests. Each gateway also runs observed ({@code observed*}): an {@code ObservationRegistry}
 * with Micrometer's meter handler and the gateway's metrics on a {@code PrometheusMeterRegistry},
 * so the cost of observation is the difference to its unobserved twin.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineOverheadBenchmark {
  static final int DISTINCT = 4096;
  private InMemoryProvider provider;
  private AiGateway gateway;
  private AiGateway everyStage;
  private AiGateway observed;
  private AiGateway everyStageObserved;
  private PrometheusMeterRegistry prometheus;
  private ChatRequest direct;
  private ChatRequest viaRoute;
  private ChatRequest[] viaEveryStage;
  private ChatRequest[] directEveryStage;
  private int next;

  @Setup(Level.Trial)
  public void setUp() {
    provider = new InMemoryProvider();
    gateway = defaults().build();
    String prompt = "Summarise the following customer message in one sentence. ".repeat(16);
    viaRoute = ChatRequest.builder().model("assistant").system("You are concise.").user(prompt)
        .clientId("tenant-42").build();
    direct = viaRoute.withModel("mem-model");
    everyStage = everyStage().build();
    // The same two gateways observed as a production application would: an ObservationRegistry
    // with a real handler (Micrometer's meter handler, which times each observation) and the
    // gateway's own metrics, both on a Prometheus registry.
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObservationRegistry observations = ObservationRegistry.create();
    observations.observationConfig().observationHandler(
        new DefaultMeterObservationHandler(prometheus));
    observed = defaults().observationRegistry(observations).meterRegistry(prometheus).build();
    everyStageObserved = everyStage()
        .observationRegistry(observations).meterRegistry(prometheus)
        .build();
    viaEveryStage = new ChatRequest[DISTINCT];
    directEveryStage = new ChatRequest[DISTINCT];
    for (int i = 0; i < DISTINCT; i++) {
      viaEveryStage[i] = viaRoute.toBuilder().user("Question " + i + ": " + prompt).build();
      directEveryStage[i] = viaEveryStage[i].withModel("mem-a");
    }
  }

  /** A route only: the defaults. */
  private AiGateway.Builder defaults() {
    return AiGateway.builder().provider(provider)
        .route(Route.builder("assistant").target("mem", "mem-model").build());
  }

  /**
   * Every stage on: a per-client rate limit with request and token windows, the cache (16
   * entries, so every call of the benchmark misses), a 90/10 split with a fallback, resilience.
   */
  private AiGateway.Builder everyStage() {
    return AiGateway.builder()
        .provider(provider)
        .route(Route.builder("assistant").target("mem", "mem-a", 90).target("mem", "mem-b", 10)
            .fallback("mem", "mem-c").build())
        .rateLimits(RateLimits.builder().defaultLimit(ClientLimit.builder()
            .requests(100_000_000L, Duration.ofMinutes(1))
            .tokens(10_000_000_000L, Duration.ofMinutes(1)).build()).build())
        .cache(ResponseCache.builder().maxEntries(16).build())
        .resilience(Resilience.defaults());
  }

  private int nextIndex() {
    int i = next;
    next = (i + 1) & (DISTINCT - 1);
    return i;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
    everyStage.close();
    observed.close();
    everyStageObserved.close();
    prometheus.close();
  }

  /** The provider alone: the baseline. */
  @Benchmark
  public ChatResponse directProviderCall() {
    return provider.chat(direct);
  }

  /** The same call through AiGateway: routing resolves the route name, then the provider. */
  @Benchmark
  public ChatResponse gatewayChat() {
    return gateway.chat(viaRoute);
  }

  /** The provider's stream alone, consumed to the end (it completes synchronously). */
  @Benchmark
  public int directProviderStream() throws InterruptedException {
    return Drain.fully(provider.stream(direct));
  }

  /**
   * The same stream through AiGateway. The in-memory provider streams inline, so the pipeline
   * runs on this thread (no hand-off); a network adapter's stream would run on a worker.
   */
  @Benchmark
  public int gatewayStream() throws InterruptedException {
    return Drain.fully(gateway.stream(viaRoute));
  }

  /** The baseline of the every-stage pair: the provider alone, on the same distinct requests. */
  @Benchmark
  public ChatResponse directProviderCallDistinct() {
    return provider.chat(directEveryStage[nextIndex()]);
  }

  /** chat() with every stage on: rate limit, cache miss and store, split and fallback, resilience. */
  @Benchmark
  public ChatResponse everyStageChat() {
    return everyStage.chat(viaEveryStage[nextIndex()]);
  }

  /** The provider's stream alone on the same distinct requests. */
  @Benchmark
  public int directProviderStreamDistinct() throws InterruptedException {
    return Drain.fully(provider.stream(directEveryStage[nextIndex()]));
  }

  /** stream() with every stage on, to the end of its one chunk. */
  @Benchmark
  public int everyStageStream() throws InterruptedException {
    return Drain.fully(everyStage.stream(viaEveryStage[nextIndex()]));
  }

  /** gatewayChat with observation and metrics on (see setUp). */
  @Benchmark
  public ChatResponse observedChat() {
    return observed.chat(viaRoute);
  }

  /** gatewayStream with observation and metrics on. */
  @Benchmark
  public int observedStream() throws InterruptedException {
    return Drain.fully(observed.stream(viaRoute));
  }

  /** everyStageChat with observation and metrics on. */
  @Benchmark
  public ChatResponse everyStageObservedChat() {
    return everyStageObserved.chat(viaEveryStage[nextIndex()]);
  }

  /** everyStageStream with observation and metrics on. */
  @Benchmark
  public int everyStageObservedStream() throws InterruptedException {
    return Drain.fully(everyStageObserved.stream(viaEveryStage[nextIndex()]));
  }
}
