package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Streaming cost per chunk, from SSE bytes to the subscriber's {@code onNext}: the OpenAI adapter
 * reads a stream of {@value #CHUNKS} chunk events (with okhttp-sse's framing and Jackson) served
 * from memory by an OkHttp interceptor, so no socket is involved. The figure is per chunk;
 * DESIGN.md budgets 2 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseChunkBenchmark {
  static final int CHUNKS = 1000;
  private static final MediaType SSE = MediaType.get("text/event-stream");

  private byte[] body;
  private OpenAiProvider provider;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < CHUNKS - 1; i++) {
      sb.append("data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
          + "\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\",\"choices\":"
          + "[{\"index\":0,\"delta\":{\"content\":\" token\"},\"logprobs\":null,"
          + "\"finish_reason\":null}],\"usage\":null}\n\n");
    }
    sb.append("data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},"
        + "\"finish_reason\":\"stop\"}]}\n\n");
    sb.append("data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":"
        + "{\"prompt_tokens\":10,\"completion_tokens\":999,\"total_tokens\":1009}}\n\n");
    sb.append("data: [DONE]\n\n");
    body = sb.toString().getBytes(StandardCharsets.UTF_8);
    OkHttpClient fromMemory = new OkHttpClient.Builder()
        .addInterceptor(chain -> new Response.Builder().request(chain.request())
            .protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(body, SSE)).build())
        .build();
    provider = OpenAiProvider.builder().baseUrl("http://bench.invalid/v1")
        .apiKey(Secret.of("sk-bench-00000000")).httpClient(fromMemory).build();
    request = ChatRequest.of("gpt-4o", "hi");
  }

  /** One whole stream; JMH divides by the number of chunks. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public long perChunk() throws InterruptedException {
    Counting sub = new Counting();
    provider.stream(request).subscribe(sub);
    sub.done.await();
    if (sub.count != CHUNKS) {
      throw new IllegalStateException("got " + sub.count + " chunks: " + sub.error);
    }
    return sub.chars;
  }

  private static final class Counting implements Flow.Subscriber<ChatChunk> {
    final CountDownLatch done = new CountDownLatch(1);
    int count;
    long chars;
    Throwable error;

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      count++;
      chars += chunk.textDelta().length();
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }
}
