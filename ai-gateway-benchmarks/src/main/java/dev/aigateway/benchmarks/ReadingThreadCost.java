package dev.aigateway.benchmarks;

import dev.aigateway.api.spi.GatewayExecutors;
import java.lang.management.ManagementFactory;
import java.util.Arrays;

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
 */
public final class ReadingThreadCost {
  private ReadingThreadCost() {}

  /** Runs it; see the class documentation for the arguments. */
  public static void main(String[] args) throws Exception {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    String vendors = args.length > 0 ? args[0] : "openai,anthropic,gemini,bedrock";
    int streams = args.length > 1 ? Integer.parseInt(args[1]) : 1500;
    for (String vendor : vendors.split(",")) {
      SseChunkBenchmark b = new SseChunkBenchmark();
      b.vendor = vendor;
      b.setUp();
      long[] cpu = new long[streams];
      long[] allocated = new long[1];
      Exception[] failure = new Exception[1];
      GatewayExecutors.runAsWorker(() -> {
        try {
          for (int i = 0; i < streams; i++) {
            b.perChunk();
          }
          long before = mx.getCurrentThreadAllocatedBytes();
          for (int i = 0; i < streams; i++) {
            long t = mx.getCurrentThreadCpuTime();
            b.perChunk();
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
      System.out.printf("%s: CPU per chunk median %.0f ns, p90 %.0f ns; allocated per chunk %.0f B%n",
          vendor, cpu[streams / 2] / chunks, cpu[streams * 9 / 10] / chunks,
          allocated[0] / (streams * chunks));
    }
  }
}
