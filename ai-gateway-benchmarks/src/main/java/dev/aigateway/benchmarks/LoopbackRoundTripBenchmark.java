package dev.aigateway.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
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
 * End to end against the loopback stub vendor: the gateway against raw OkHttp doing the same
 * exchange ({@link RawOkHttp}: the same request, built per call, and the reply parsed) on the
 * same connection pool. The README's budget puts the gateway's median within 3% of raw
 * OkHttp's. On a shared machine, drift between JMH iterations can exceed that; {@link InterleavedRoundTrip}
 * alternates the two sides in one loop to cancel it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoopbackRoundTripBenchmark {
  private static final String MODEL = "gpt-4o-mini";
  private static final String QUESTION = "What is an AI gateway?";

  private StubVendor stub;
  private AiGateway gateway;
  private RawOkHttp raw;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    stub = StubVendor.start(q -> "The stub answers every question with these same twelve words,"
        + " fast.");
    OkHttpClient client = new OkHttpClient();
    gateway = AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl()).apiKey(Secret.of("sk-bench-0"))
            .httpClient(client).build())
        .build();
    raw = new RawOkHttp(client, stub.baseUrl(), "sk-bench-0");
    request = ChatRequest.of(MODEL, QUESTION);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
    stub.close();
  }

  @Benchmark
  public JsonNode rawOkHttpChat() throws IOException {
    return raw.chat(MODEL, QUESTION);
  }

  @Benchmark
  public ChatResponse gatewayChat() {
    return gateway.chat(request);
  }

  /** Raw OkHttp reading the stream on the calling thread, which blocks the caller. */
  @Benchmark
  public int rawOkHttpStream() throws IOException {
    return raw.streamBlocking(MODEL, QUESTION);
  }

  /** Raw OkHttp's asynchronous EventSource: like the gateway, it never blocks the caller. */
  @Benchmark
  public int rawOkHttpEventSource() throws IOException, InterruptedException {
    return raw.streamAsync(MODEL, QUESTION);
  }

  @Benchmark
  public int gatewayStream() throws InterruptedException {
    return Drain.fully(gateway.stream(request));
  }
}
