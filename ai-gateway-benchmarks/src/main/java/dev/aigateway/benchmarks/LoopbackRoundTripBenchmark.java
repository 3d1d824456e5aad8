package dev.aigateway.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;
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
 * exchange (the same request bytes, reading and parsing the same reply) on the same connection
 * pool. DESIGN.md budgets the gateway's median within 3% of raw OkHttp's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class LoopbackRoundTripBenchmark {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private StubVendor stub;
  private OkHttpClient client;
  private AiGateway gateway;
  private ChatRequest request;
  private Request rawChat;
  private Request rawStream;

  @Setup(Level.Trial)
  public void setUp() {
    stub = StubVendor.start(q -> "The stub answers every question with these same twelve words,"
        + " fast.");
    client = new OkHttpClient();
    gateway = AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl()).apiKey(Secret.of("sk-bench-0"))
            .httpClient(client).build())
        .build();
    request = ChatRequest.builder().model("gpt-4o-mini").user("What is an AI gateway?").build();
    String chatJson = "{\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
        + "\"content\":\"What is an AI gateway?\"}]}";
    String streamJson = chatJson.substring(0, chatJson.length() - 1)
        + ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}";
    rawChat = post(chatJson, "application/json");
    rawStream = post(streamJson, "text/event-stream");
  }

  private Request post(String json, String accept) {
    return new Request.Builder().url(stub.baseUrl() + "/chat/completions")
        .header("Authorization", "Bearer sk-bench-0").header("Accept", accept)
        .post(RequestBody.create(json.getBytes(StandardCharsets.UTF_8), JSON)).build();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    gateway.close();
    stub.close();
  }

  @Benchmark
  public JsonNode rawOkHttpChat() throws IOException {
    try (Response response = client.newCall(rawChat).execute()) {
      return MAPPER.readTree(response.body().bytes());
    }
  }

  @Benchmark
  public ChatResponse gatewayChat() {
    return gateway.chat(request);
  }

  @Benchmark
  public int rawOkHttpStream() throws IOException {
    int[] events = new int[1];
    try (Response response = client.newCall(rawStream).execute()) {
      EventSources.processResponse(response, new EventSourceListener() {
        @Override
        public void onEvent(EventSource source, String id, String type, String data) {
          if (!data.equals("[DONE]")) {
            try {
              MAPPER.readTree(data);
            } catch (IOException e) {
              throw new IllegalStateException(e);
            }
          }
          events[0]++;
        }
      });
    }
    return events[0];
  }

  /**
   * Raw OkHttp's own asynchronous SSE client (okhttp-sse's EventSource, which reads on OkHttp's
   * dispatcher thread) with the caller waiting for the end: like {@link #gatewayStream}, it
   * never blocks the caller on I/O, so it pays the same two thread hand-offs.
   */
  @Benchmark
  public int rawOkHttpEventSource() throws InterruptedException {
    int[] events = new int[1];
    java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
    EventSources.createFactory(client).newEventSource(rawStream, new EventSourceListener() {
      @Override
      public void onEvent(EventSource source, String id, String type, String data) {
        if (!data.equals("[DONE]")) {
          try {
            MAPPER.readTree(data);
          } catch (IOException e) {
            throw new IllegalStateException(e);
          }
        }
        events[0]++;
      }

      @Override
      public void onClosed(EventSource source) {
        done.countDown();
      }

      @Override
      public void onFailure(EventSource source, Throwable t, Response response) {
        done.countDown();
      }
    });
    done.await();
    return events[0];
  }

  @Benchmark
  public int gatewayStream() throws InterruptedException {
    return Drain.fully(gateway.stream(request));
  }
}
