package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
 * Where the cost of observation goes: the route-only gateway of {@link PipelineOverheadBenchmark}
 * observed in each way an application may wire it, {@code none} being the unobserved baseline.
 * {@code meters}: the gateway's metrics on a Prometheus registry only. {@code observations}: an
 * ObservationRegistry whose one handler does nothing (the gateway's observations and their
 * conventions, without a backend). {@code meterHandler}: that registry with Micrometer's
 * {@code DefaultMeterObservationHandler} instead, which times every observation (and keeps a
 * long-task timer of it), as Spring Boot wires it. {@code both}: meterHandler plus the metrics,
 * the pipeline benchmark's observed configuration. {@code bothNoLongTask}: the same with the
 * meter handler told to keep no long-task timers ({@code IgnoredMeters.LONG_TASK_TIMER}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ObservationCostBenchmark {
  @Param({"none", "meters", "observations", "meterHandler", "both", "bothNoLongTask"})
  public String wiring;

  private AiGateway gateway;
  private PrometheusMeterRegistry prometheus;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AiGateway.Builder b = AiGateway.builder().provider(new InMemoryProvider())
        .route(Route.builder("assistant").target("mem", "mem-model").build());
    ObservationRegistry observations = ObservationRegistry.create();
    switch (wiring) {
      case "none" -> { }
      case "meters" -> b.meterRegistry(prometheus);
      case "observations" -> {
        observations.observationConfig().observationHandler(c -> true);
        b.observationRegistry(observations);
      }
      case "meterHandler" -> {
        observations.observationConfig()
            .observationHandler(new DefaultMeterObservationHandler(prometheus));
        b.observationRegistry(observations);
      }
      case "both" -> {
        observations.observationConfig()
            .observationHandler(new DefaultMeterObservationHandler(prometheus));
        b.observationRegistry(observations).meterRegistry(prometheus);
      }
      case "bothNoLongTask" -> {
        observations.observationConfig().observationHandler(new DefaultMeterObservationHandler(
            prometheus, DefaultMeterObservationHandler.IgnoredMeters.LONG_TASK_TIMER));
        b.observationRegistry(observations).meterRegistry(prometheus);
      }
      default -> throw new IllegalArgumentException(wiring);
    }
    gateway = b.build();
    request = ChatRequest.builder().model("assistant").system("You are concise.")
        .user("Summarise the following customer message in one sentence. ".repeat(16))
        .clientId("tenant-42").build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
    prometheus.close();
  }

  /** One chat() through the pipeline as wired. */
  @Benchmark
  public ChatResponse chat() {
    return gateway.chat(request);
  }

  /** One stream() through the pipeline as wired, to its end. */
  @Benchmark
  public int stream() throws InterruptedException {
    return Drain.fully(gateway.stream(request));
  }
}
