package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Streaming cost per chunk, from SSE bytes to the subscriber's {@code onNext}: an adapter reads a
 * stream of {@value #CHUNKS} chunks in its vendor's format (with the gateway's own SSE reader and
 * Jackson) served from memory by an OkHttp interceptor, so no socket is involved. One run per
 * adapter ({@code vendor}); the figure is per chunk; the README budgets 1 µs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseChunkBenchmark {
  static final int CHUNKS = 1000;
  private static final MediaType SSE = MediaType.get("text/event-stream");

  /** The adapter under test. */
  @Param({"openai", "anthropic", "gemini"})
  public String vendor;

  private byte[] body;
  private ChatProvider provider;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    body = switch (vendor) {
      case "openai" -> openAi();
      case "anthropic" -> anthropic();
      case "gemini" -> gemini();
      default -> throw new IllegalArgumentException("unknown vendor " + vendor);
    };
    OkHttpClient fromMemory = new OkHttpClient.Builder()
        .addInterceptor(chain -> new Response.Builder().request(chain.request())
            .protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(body, SSE)).build())
        .build();
    Secret key = Secret.of("bench-key-00000000");
    provider = switch (vendor) {
      case "openai" -> OpenAiProvider.builder().baseUrl("http://bench.invalid/v1")
          .apiKey(key).httpClient(fromMemory).build();
      case "anthropic" -> AnthropicProvider.builder().baseUrl("http://bench.invalid")
          .apiKey(key).httpClient(fromMemory).build();
      default -> GeminiProvider.builder().baseUrl("http://bench.invalid")
          .apiKey(key).httpClient(fromMemory).build();
    };
    request = ChatRequest.of(vendor.equals("gemini") ? "gemini-2.5-flash" : "gpt-4o", "hi");
    perChunk(); // fails at once if the transcript does not give exactly CHUNKS chunks
  }

  private static byte[] openAi() {
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
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** message_start, a text block of CHUNKS - 1 deltas, message_delta, message_stop. */
  private static byte[] anthropic() {
    StringBuilder sb = new StringBuilder();
    sb.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
        + "\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":"
        + "\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
        + "{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":1}}}\n\n");
    sb.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (int i = 0; i < CHUNKS - 1; i++) {
      sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\" token\"}}\n\n");
    }
    sb.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":999}}\n\n");
    sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** CHUNKS responses of one text part each, with cumulative usage; the last finishes. */
  private static byte[] gemini() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < CHUNKS; i++) {
      boolean last = i == CHUNKS - 1;
      sb.append("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" token\"}],"
          + "\"role\":\"model\"}").append(last ? ",\"finishReason\":\"STOP\"" : "")
          .append(",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,"
              + "\"candidatesTokenCount\":").append(i + 1).append(",\"totalTokenCount\":")
          .append(i + 11).append("},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":"
              + "\"r1\"}\r\n\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
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
