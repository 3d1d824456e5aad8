package dev.aigateway.benchmarks;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.spi.GatewayExecutors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import okhttp3.sse.internal.ServerSentEventReader;
import okio.Buffer;
import org.jspecify.annotations.Nullable;
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
 * <p>For the SSE vendors it also times, in the same rounds, okhttp-sse's own framing of the same
 * bytes alone: issue 13 was written on a machine where that framing measured 0.5 µs, so the
 * ratio of a chunk to it says what the chunk would cost there (2.0 is the 1 µs budget on that
 * machine), however fast this one is.
 *
 * <p>Given a third argument, the {@code benchmarks.jar} of an earlier commit, it also reads that
 * commit's streams of the same vendors in the same rounds, in a class loader of their own (the
 * earlier adapters, Jackson and OkHttp, not this build's), so that a figure measured on another
 * day and another machine can be set beside today's: the earlier code's cost here says how fast
 * this machine is compared with the one it was first measured on. An earlier commit's benchmark
 * has only its 1000-chunk streams, so both are compared as a whole 1000-chunk stream divided by
 * its chunks, its one-off cost included.
 *
 * <p>{@code java -cp ai-gateway-benchmarks/target/benchmarks.jar
 * dev.aigateway.benchmarks.ReadingThreadCost openai,anthropic,gemini,bedrock 1500 [earlier.jar]}:
 * the vendors ({@code openai-obfuscated} too, OpenAI's chunks with their padding), how many
 * rounds to warm up with and then to measure, and the earlier build.
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
    ClassLoader earlier = args.length > 2
        ? new URLClassLoader(new URL[] {Path.of(args[2]).toUri().toURL()},
            ClassLoader.getPlatformClassLoader())
        : null;
    for (String vendor : vendors.split(",")) {
      SseChunkBenchmark longer = stream(vendor, SseChunkBenchmark.CHUNKS);
      SseChunkBenchmark shorter = stream(vendor, SHORT);
      byte[] json = vendor.equals("bedrock")
          ? eventStreamJson(longer.body()) : sseJson(longer.body());
      boolean sse = !vendor.equals("bedrock");
      List<Run> list = new ArrayList<>(List.of(longer::perChunk, shorter::perChunk,
          () -> tokens(json)));
      int okhttpSse = -1;
      int before = -1;
      if (sse) {
        okhttpSse = list.size();
        list.add(() -> okhttpSseFraming(longer.body()));
      }
      Run earlierRun = earlier == null ? null : earlierStream(earlier, vendor);
      if (earlierRun != null) {
        before = list.size();
        list.add(earlierRun);
      } else if (earlier != null) {
        System.out.printf("%s: the earlier build has no such stream (it came later)%n", vendor);
      }
      Run[] runs = list.toArray(new Run[0]);
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
      if (okhttpSse >= 0) {
        double[] framing = new double[rounds];
        double[] overFraming = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          framing[i] = cpu[okhttpSse][i] / n;
          overFraming[i] = perChunk[i] / framing[i];
        }
        System.out.printf("%s: okhttp-sse's framing alone of the same bytes median %.0f ns per"
                + " event; per chunk over it, median %.2f (2.00 is 1 us on the machine issue 13 was"
                + " written on, where this framing measured 0.5 us)%n",
            vendor, median(framing), median(overFraming));
      }
      if (before >= 0) {
        double[] earlierChunk = new double[rounds];
        double[] speedup = new double[rounds];
        for (int i = 0; i < rounds; i++) {
          earlierChunk[i] = cpu[before][i] / n;
          speedup[i] = cpu[before][i] / (double) cpu[0][i];
        }
        System.out.printf("%s: the earlier build in the same rounds, a %d-chunk stream over its"
                + " chunks CPU median %.0f ns, p99 %.0f ns, allocated %.0f B; earlier over this"
                + " one, median %.2f%n",
            vendor, SseChunkBenchmark.CHUNKS, median(earlierChunk), p99(earlierChunk),
            allocated[before] / (rounds * n), median(speedup));
      }
    }
  }

  /**
   * A run of the earlier build's benchmark for {@code vendor}, through reflection: its streams
   * are read inside its own {@code runAsWorker}, as this build's are, so both read on this thread.
   * Null when the earlier build does not know the vendor (its setUp refuses it).
   */
  private static @Nullable Run earlierStream(ClassLoader loader, String vendor) throws Exception {
    Class<?> type = Class.forName("dev.aigateway.benchmarks.SseChunkBenchmark", true, loader);
    Object benchmark = type.getConstructor().newInstance();
    type.getField("vendor").set(benchmark, vendor);
    try {
      type.getMethod("setUp").invoke(benchmark);
    } catch (InvocationTargetException e) {
      if (e.getCause() instanceof IllegalArgumentException) {
        return null; // "unknown vendor": Bedrock and OpenAI's padded chunks came after it
      }
      throw e;
    }
    Method perChunk = type.getMethod("perChunk");
    Method asWorker = Class.forName("dev.aigateway.api.spi.GatewayExecutors", true, loader)
        .getMethod("runAsWorker", Runnable.class);
    return () -> {
      long[] chars = new long[1];
      Runnable read = () -> {
        try {
          chars[0] = (Long) perChunk.invoke(benchmark);
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException("the earlier build's stream failed", e);
        }
      };
      asWorker.invoke(null, read);
      return chars[0];
    };
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

  /**
   * {@code body}'s events framed by okhttp-sse's own reader (its internal
   * {@code ServerSentEventReader}, which the adapters read through before issue 13, and which
   * the issue measured at 0.5 µs per event), each event's data made a string and dropped; the
   * body copied into an okio buffer first, as a socket's bytes would be.
   */
  private static long okhttpSseFraming(byte[] body) throws IOException {
    long[] chars = new long[1];
    ServerSentEventReader.Callback drop = new ServerSentEventReader.Callback() {
      @Override
      public void onEvent(String id, String type, String data) {
        chars[0] += data.length();
      }

      @Override
      public void onRetryChange(long timeMs) {}
    };
    ServerSentEventReader reader = new ServerSentEventReader(new Buffer().write(body), drop);
    while (reader.processNextEvent()) {
      // one event each
    }
    return chars[0];
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
