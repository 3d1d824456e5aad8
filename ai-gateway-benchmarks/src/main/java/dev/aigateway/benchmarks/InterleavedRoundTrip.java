package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.util.Arrays;
import okhttp3.OkHttpClient;

/**
 * The end-to-end comparison with raw OkHttp, measured so that a noisy machine cannot bias it:
 * each round makes the gateway's calls and raw OkHttp's same exchanges ({@link RawOkHttp}), in
 * alternating order,
 * against the same loopback stub on the same connection pool, so that drift in the machine's
 * speed hits both sides alike. JMH's {@link LoopbackRoundTripBenchmark} runs each side in its
 * own iterations instead, where run-to-run drift on a shared VM can exceed the 3% budget.
 *
 * <p>Run: {@code java -cp ai-gateway-benchmarks/target/benchmarks.jar
 * dev.aigateway.benchmarks.InterleavedRoundTrip [rounds]}. It warms up for as many rounds as it
 * measures, then prints the median and p99 of each side and the median's difference.
 */
public final class InterleavedRoundTrip {
  private InterleavedRoundTrip() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    try (StubVendor stub = StubVendor.start(q -> "The stub answers every question with these"
        + " same twelve words, fast.")) {
      OkHttpClient client = new OkHttpClient();
      try (AiGateway gateway = AiGateway.builder()
          .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl())
              .apiKey(Secret.of("sk-bench-0")).httpClient(client).build())
          .build()) {
        ChatRequest request = ChatRequest.of("gpt-4o-mini", "What is an AI gateway?");
        RawOkHttp raw = new RawOkHttp(client, stub.baseUrl(), "sk-bench-0");

        long[] gatewayChat = new long[rounds];
        long[] okhttpChat = new long[rounds];
        long[] gatewayStream = new long[rounds];
        long[] okhttpStream = new long[rounds];
        for (int pass = 0; pass < 2; pass++) { // the first pass warms up
          for (int i = 0; i < rounds; i++) {
            boolean gatewayFirst = (i & 1) == 0; // alternate, so that order cannot bias either
            for (int side = 0; side < 2; side++) {
              if ((side == 0) == gatewayFirst) {
                long t0 = System.nanoTime();
                gateway.chat(request);
                long t1 = System.nanoTime();
                Drain.fully(gateway.stream(request));
                gatewayChat[i] = t1 - t0;
                gatewayStream[i] = System.nanoTime() - t1;
              } else {
                long t0 = System.nanoTime();
                raw.chat("gpt-4o-mini", "What is an AI gateway?");
                long t1 = System.nanoTime();
                raw.streamAsync("gpt-4o-mini", "What is an AI gateway?");
                okhttpChat[i] = t1 - t0;
                okhttpStream[i] = System.nanoTime() - t1;
              }
            }
          }
        }
        report("chat  ", gatewayChat, okhttpChat, "raw OkHttp execute()");
        report("stream", gatewayStream, okhttpStream, "raw OkHttp EventSource");
      }
    }
    System.exit(0); // OkHttp's idle threads would otherwise keep the JVM for a minute
  }

  private static void report(String what, long[] gateway, long[] raw, String baseline) {
    Arrays.sort(gateway);
    Arrays.sort(raw);
    double g50 = gateway[gateway.length / 2] / 1000.0;
    double r50 = raw[raw.length / 2] / 1000.0;
    double g99 = gateway[(int) (gateway.length * 0.99)] / 1000.0;
    double r99 = raw[(int) (raw.length * 0.99)] / 1000.0;
    System.out.printf("%s gateway p50 %7.1f us p99 %8.1f us | %-22s p50 %7.1f us p99 %8.1f us"
        + " | median %+5.1f%%%n", what, g50, g99, baseline, r50, r99, (g50 / r50 - 1) * 100);
  }
}
