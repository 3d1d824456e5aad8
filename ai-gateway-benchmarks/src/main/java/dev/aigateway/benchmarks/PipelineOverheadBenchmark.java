package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
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
 * The gateway's own cost: {@code gateway.chat()} through the whole pipeline against calling the
 * same in-memory provider directly. The difference is the pipeline overhead that DESIGN.md
 * budgets at 5 µs median and 50 µs p99. Sample-time mode reports the percentiles.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PipelineOverheadBenchmark {
  private InMemoryProvider provider;
  private AiGateway gateway;
  private ChatRequest direct;
  private ChatRequest viaRoute;

  @Setup(Level.Trial)
  public void setUp() {
    provider = new InMemoryProvider();
    gateway = AiGateway.builder()
        .provider(provider)
        .route(Route.builder("assistant").target("mem", "mem-model").build())
        .build();
    String prompt = "Summarise the following customer message in one sentence. ".repeat(16);
    viaRoute = ChatRequest.builder().model("assistant").system("You are concise.").user(prompt)
        .clientId("tenant-42").build();
    direct = viaRoute.withModel("mem-model");
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
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
   * The same stream through AiGateway, which runs the pipeline on its executor and hands the
   * chunks over to the subscriber: this includes a thread hand-off each way.
   */
  @Benchmark
  public int gatewayStream() throws InterruptedException {
    return Drain.fully(gateway.stream(viaRoute));
  }
}
