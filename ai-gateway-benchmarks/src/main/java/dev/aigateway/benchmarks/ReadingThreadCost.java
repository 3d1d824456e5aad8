package dev.aigateway.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.spi.GatewayExecutors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import software.amazon.eventstream.Message;

/**
 * The per-chunk cost on the thread that reads a stream, which is what the per-chunk budget is
 * about: {@link SseChunkBenchmark}'s streams, read on the calling thread (as a gateway worker, so
 * the pump runs where it is asked), timed in that thread's CPU time and counted in the bytes it
 * allocated, per chunk; the median and the 90th percentile over the streams. Unlike JMH's wall
 * time it does not count the thread hand-off at a stream's start nor time stolen by other
 * processes on a busy machine.
 *
 * <p>{@code java -cp ai-gateway-benchmarks/target/benchmarks.jar
 * dev.aigateway.benchmarks.ReadingThreadCost openai,anthropic,gemini,bedrock 1500}: the vendors,
 * and how many streams of 1000 chunks to warm up with and then to measure.
 *
 * <p>With a third argument {@code jackson} it times <em>Jackson alone</em> instead: one Jackson
 * parser reading every token of the same events' JSON from one byte array, nothing else done
 * (strings are skipped, not decoded). That is the least any reader built on Jackson can cost per
 * chunk; the difference is what the framing, the adapter and the stream add to it. It runs in a
 * JVM of its own, alternating with the streams' runs, because in one JVM each would change how
 * the JIT compiles Jackson's parser for the other.
 */
public final class ReadingThreadCost {
  private static final JsonFactory JSON = new JsonFactory();

  private ReadingThreadCost() {}

  /** Runs it; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String vendors = args.length > 0 ? args[0] : "openai,anthropic,gemini,bedrock";
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
    boolean jacksonAlone = args.length > 2 && args[2].equals("jackson");
    for (String vendor : vendors.split(",")) {
      SseChunkBenchmark b = new SseChunkBenchmark();
      b.vendor = vendor;
      b.setUp();
      byte[] json = vendor.equals("bedrock") ? eventStreamJson(b.body()) : sseJson(b.body());
      Run run = jacksonAlone ? () -> tokens(json) : b::perChunk;
      long[] cpu = new long[streams];
      long[] allocated = new long[1];
      Exception[] failure = new Exception[1];
      GatewayExecutors.runAsWorker(() -> {
        try {
          for (int i = 0; i < streams; i++) {
            run.run();
          }
          long before = mx.getCurrentThreadAllocatedBytes();
          for (int i = 0; i < streams; i++) {
            long t = mx.getCurrentThreadCpuTime();
            run.run();
            cpu[i] = mx.getCurrentThreadCpuTime() - t;
          }
          allocated[0] = mx.getCurrentThreadAllocatedBytes() - before;
        } catch (Exception e) {
          failure[0] = e;
        }
      });
      if (failure[0] != null) {
        throw failure[0];
      }
      Arrays.sort(cpu);
      double chunks = SseChunkBenchmark.CHUNKS;
      System.out.printf("%s%s: CPU per chunk median %.0f ns, p90 %.0f ns; allocated per chunk %.0f B%n",
          jacksonAlone ? "Jackson alone on " : "", vendor, cpu[streams / 2] / chunks,
          cpu[streams * 9 / 10] / chunks, allocated[0] / (streams * chunks));
    }
  }

  /** One measured unit: a stream, or Jackson alone over its events. */
  private interface Run {
    long run() throws Exception;
  }

  /** Every token of {@code json}'s values, read and dropped. */
  private static long tokens(byte[] json) throws IOException {
    long n = 0;
    try (JsonParser p = JSON.createParser(json)) {
      while (p.nextToken() != null) {
        n++;
      }
    }
    return n;
  }

  /** The JSON of an SSE body's events (their {@code data} lines), one per line. */
  static byte[] sseJson(byte[] body) {
    StringBuilder sb = new StringBuilder();
    for (String line : new String(body, StandardCharsets.UTF_8).split("\r\n|\r|\n")) {
      if (line.startsWith("data:")) {
        String data = line.substring(line.startsWith("data: ") ? 6 : 5);
        if (!data.equals("[DONE]")) {
          sb.append(data).append('\n');
        }
      }
    }
    return sb.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The JSON payloads of an AWS event stream body's messages, one per line. */
  static byte[] eventStreamJson(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteBuffer frames = ByteBuffer.wrap(body);
    while (frames.hasRemaining()) {
      out.writeBytes(Message.decode(frames).getPayload());
      out.write('\n');
    }
    return out.toByteArray();
  }
}
