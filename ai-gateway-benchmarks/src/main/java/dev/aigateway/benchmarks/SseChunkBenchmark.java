package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatProvider;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.Okio;
import okio.Source;
import okio.Timeout;
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
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * Streaming cost per chunk, from the body's bytes to the subscriber's {@code onNext}: an adapter
 * reads a stream of {@value #CHUNKS} chunks in its vendor's format and framing (SSE with the
 * gateway's own reader, or Bedrock's AWS event stream) served from memory by an OkHttp
 * interceptor, so no socket is involved. The body is handed to OkHttp as a socket would hand it:
 * a source that writes up to 8 KiB per read into okio's pooled segments, so the benchmark copies
 * no whole body per stream. One run per adapter ({@code vendor}); the figure is per chunk; the
 * README budgets 1 µs and 256 bytes beyond the text.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class SseChunkBenchmark {
  static final int CHUNKS = 1000;
  private static final MediaType SSE = MediaType.get("text/event-stream");
  private static final MediaType EVENT_STREAM =
      MediaType.get("application/vnd.amazon.eventstream");

  /**
   * The adapter under test; {@code openai-obfuscated} is OpenAI's adapter on chunks that carry
   * the {@code obfuscation} padding OpenAI has added to every streamed chunk by default since
   * 2025 (a random string of varying length, so no two chunks are the same bytes).
   */
  @Param({"openai", "openai-obfuscated", "anthropic", "gemini", "bedrock"})
  public String vendor;

  /** How many chunks a stream has: {@value #CHUNKS} unless {@link ReadingThreadCost} says. */
  int chunks = CHUNKS;
  private byte[] body;
  private ChatProvider provider;
  private ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() throws InterruptedException {
    body = switch (vendor) {
      case "openai" -> openAi(chunks, false);
      case "openai-obfuscated" -> openAi(chunks, true);
      case "anthropic" -> anthropic(chunks);
      case "gemini" -> gemini(chunks);
      case "bedrock" -> bedrock(chunks);
      default -> throw new IllegalArgumentException("unknown vendor " + vendor);
    };
    MediaType type = vendor.equals("bedrock") ? EVENT_STREAM : SSE;
    OkHttpClient fromMemory = new OkHttpClient.Builder()
        .addInterceptor(chain -> new Response.Builder().request(chain.request())
            .protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(Okio.buffer(new Socketlike(body)), type, body.length))
            .build())
        .build();
    provider = Adapters.of(vendor, fromMemory);
    request = Adapters.request(vendor, "hi");
    perChunk(); // fails at once if the transcript does not give exactly `chunks` chunks
  }

  /**
   * OpenAI's chunks; with {@code obfuscated}, each ends with an {@code obfuscation} field of 4 to
   * 16 random letters and digits, the same for every run (a fixed seed).
   */
  private static byte[] openAi(int chunks, boolean obfuscated) {
    StringBuilder sb = new StringBuilder();
    Random random = new Random(13);
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    for (int i = 0; i < chunks - 1; i++) {
      sb.append("data: {\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
          + "\"chat.completion.chunk\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
          + "\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\",\"choices\":"
          + "[{\"index\":0,\"delta\":{\"content\":\" token\"},\"logprobs\":null,"
          + "\"finish_reason\":null}],\"usage\":null");
      if (obfuscated) {
        sb.append(",\"obfuscation\":\"");
        for (int k = 4 + random.nextInt(13); k > 0; k--) {
          sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        sb.append('"');
      }
      sb.append("}\n\n");
    }
    sb.append("data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},"
        + "\"finish_reason\":\"stop\"}]}\n\n");
    sb.append("data: {\"id\":\"c\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":"
        + "{\"prompt_tokens\":10,\"completion_tokens\":999,\"total_tokens\":1009}}\n\n");
    sb.append("data: [DONE]\n\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** message_start, a text block of chunks - 1 deltas, message_delta, message_stop. */
  private static byte[] anthropic(int chunks) {
    StringBuilder sb = new StringBuilder();
    sb.append("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":"
        + "\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":"
        + "\"claude-sonnet-4-5\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":"
        + "{\"input_tokens\":10,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":1}}}\n\n");
    sb.append("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
    for (int i = 0; i < chunks - 1; i++) {
      sb.append("event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\" token\"}}\n\n");
    }
    sb.append("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
    sb.append("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        + "\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":999}}\n\n");
    sb.append("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** chunks responses of one text part each, with cumulative usage; the last finishes. */
  private static byte[] gemini(int chunks) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < chunks; i++) {
      boolean last = i == chunks - 1;
      sb.append("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\" token\"}],"
          + "\"role\":\"model\"}").append(last ? ",\"finishReason\":\"STOP\"" : "")
          .append(",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":10,"
              + "\"candidatesTokenCount\":").append(i + 1).append(",\"totalTokenCount\":")
          .append(i + 11).append("},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":"
              + "\"r1\"}\r\n\r\n");
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /**
   * ConverseStream: messageStart, chunks - 1 text deltas, contentBlockStop, messageStop and
   * metadata, each an AWS event stream message (encoded with AWS's eventstream library).
   */
  private static byte[] bedrock(int chunks) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(frame("messageStart", "{\"role\":\"assistant\",\"p\":\"abcdefghij\"}"));
    for (int i = 0; i < chunks - 1; i++) {
      out.writeBytes(frame("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":"
          + "{\"text\":\" token\"},\"p\":\"abcdefghijklmnopqrstu\"}"));
    }
    out.writeBytes(frame("contentBlockStop", "{\"contentBlockIndex\":0,\"p\":\"abcd\"}"));
    out.writeBytes(frame("messageStop", "{\"stopReason\":\"end_turn\",\"p\":\"abcdefgh\"}"));
    out.writeBytes(frame("metadata", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":999,"
        + "\"totalTokens\":1009},\"metrics\":{\"latencyMs\":1200},\"p\":\"abc\"}"));
    return out.toByteArray();
  }

  private static byte[] frame(String type, String json) {
    Map<String, HeaderValue> h = new LinkedHashMap<>();
    h.put(":event-type", HeaderValue.fromString(type));
    h.put(":content-type", HeaderValue.fromString("application/json"));
    h.put(":message-type", HeaderValue.fromString("event"));
    ByteBuffer b = new Message(h, json.getBytes(StandardCharsets.UTF_8)).toByteBuffer();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }

  /** The stream's body, as the vendor sends it (after {@link #setUp}). */
  byte[] body() {
    return body;
  }

  /** The body as a socket gives it: up to 8 KiB per read, into the caller's pooled segments. */
  private static final class Socketlike implements Source {
    private final byte[] body;
    private int pos;

    Socketlike(byte[] body) {
      this.body = body;
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      if (pos == body.length) {
        return -1;
      }
      int n = (int) Math.min(Math.min(byteCount, 8192), body.length - pos);
      sink.write(body, pos, n);
      pos += n;
      return n;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }

  /** One whole stream; JMH divides by the number of chunks. */
  @Benchmark
  @OperationsPerInvocation(CHUNKS)
  public long perChunk() throws InterruptedException {
    Counting sub = new Counting();
    provider.stream(request).subscribe(sub);
    sub.done.await();
    if (sub.count != chunks) {
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
