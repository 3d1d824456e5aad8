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
 * allocated. Unlike JMH's wall time it does not count the thread hand-off at a stream's start
 * nor time stolen by other processes on a busy machine.
 *
 * <p>A chunk's cost is the difference between two streams that differ only in their number of
 * chunks (1000 and 100) divided by that difference (900), so that what a stream costs once,
 * whatever its length (writing and, for Bedrock, signing the request, OkHttp's call, the reader's
 * buffers), is not spread over its chunks; that once-per-stream cost is printed apart, and so is
 * the whole 1000-chunk stream divided by its chunks.
 *
 * <p>Beside the streams it times <em>Jackson alone</em>: one Jackson parser reading every token
 * of the same events' JSON from one byte array, nothing else done (strings are skipped, not
 * decoded). That is the least any reader built on Jackson can cost per chunk; the difference is
 * what the framing, the adapter and the stream add to it. The three run one after the other in
 * each round, so that all three see the machine in the same state: on a shared machine whose
 * speed changes by half from one minute to the next, the ratio of a stream to Jackson alone is
 * steadier than either. Medians and the 99th percentiles are over the rounds.
 *
 * <p>{@code java -cp ai-gateway-benchmarks/target/benchmarks.jar
 * dev.aigateway.benchmarks.ReadingThreadCost openai,anthropic,gemini,bedrock 1500}: the vendors,
 * and how many rounds to warm up with and then to measure.
 */
public final class ReadingThreadCost {
  private static final JsonFactory JSON = new JsonFactory();
  /** The shorter streams' length, for the per-chunk cost as the difference of two lengths. */
  private static final int SHORT = 100;

  private ReadingThreadCost() {}

  /** Runs it; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    String vendors = args.length > 0 ? args[0] : "openai,anthropic,gemini,bedrock";
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
    for (String vendor : vendors.split(",")) {
      SseChunkBenchmark longer = stream(vendor, SseChunkBenchmark.CHUNKS);
      SseChunkBenchmark shorter = stream(vendor, SHORT);
      byte[] json = vendor.equals("bedrock")
          ? eventStreamJson(longer.body()) : sseJson(longer.body());
      Run[] runs = {longer::perChunk, shorter::perChunk, () -> tokens(json)};
      long[][] cpu = new long[runs.length][rounds];
      long[] allocated = new long[runs.length];
      measure(rounds, runs, cpu, allocated);
      double extra = SseChunkBenchmark.CHUNKS - SHORT;
      double n = SseChunkBenchmark.CHUNKS;
      double[] perChunk = new double[rounds];
      double[] ratio = new double[rounds];
      double[] jackson = new double[rounds];
      for (int i = 0; i < rounds; i++) {
        perChunk[i] = (cpu[0][i] - cpu[1][i]) / extra;
        jackson[i] = cpu[2][i] / n;
        ratio[i] = perChunk[i] / jackson[i];
      }
      double chunk = median(perChunk);
      double allocPerChunk = (allocated[0] - allocated[1]) / (rounds * extra);
      long[] whole = cpu[0].clone();
      Arrays.sort(whole);
      System.out.printf("%s: per chunk CPU median %.0f ns, p99 %.0f ns; Jackson alone on the same"
              + " JSON median %.0f ns, p99 %.0f ns; ratio median %.2f; allocated per chunk %.0f B;"
              + " per stream besides its chunks CPU %.1f us, allocated %.1f KB;"
              + " a %d-chunk stream over its chunks %.0f ns%n",
          vendor, chunk, p99(perChunk), median(jackson), p99(jackson), median(ratio),
          allocPerChunk, (median(cpu[1]) - SHORT * chunk) / 1000,
          (allocated[1] / (double) rounds - SHORT * allocPerChunk) / 1000,
          SseChunkBenchmark.CHUNKS, whole[rounds / 2] / n);
    }
  }

  private static SseChunkBenchmark stream(String vendor, int chunks) throws Exception {
    SseChunkBenchmark b = new SseChunkBenchmark();
    b.vendor = vendor;
    b.chunks = chunks;
    b.setUp();
    return b;
  }

  /** Runs every one of {@code runs} once per round, warm-up rounds first, on a gateway worker. */
  private static void measure(int rounds, Run[] runs, long[][] cpu, long[] allocated)
      throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Exception[] failure = new Exception[1];
    GatewayExecutors.runAsWorker(() -> {
      try {
        for (int i = 0; i < rounds; i++) {
          for (Run r : runs) {
            r.run();
          }
        }
        for (int i = 0; i < rounds; i++) {
          for (int k = 0; k < runs.length; k++) {
            long a = mx.getCurrentThreadAllocatedBytes();
            long t = mx.getCurrentThreadCpuTime();
            runs[k].run();
            cpu[k][i] = mx.getCurrentThreadCpuTime() - t;
            allocated[k] += mx.getCurrentThreadAllocatedBytes() - a;
          }
        }
      } catch (Exception e) {
        failure[0] = e;
      }
    });
    if (failure[0] != null) {
      throw failure[0];
    }
  }

  private static double median(long[] values) {
    long[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length / 2];
  }

  private static double p99(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    return v[v.length * 99 / 100];
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
