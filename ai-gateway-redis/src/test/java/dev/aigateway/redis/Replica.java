package dev.aigateway.redis;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One replica, in a JVM of its own that {@link AcrossJvmsTest} starts: a gateway on the shared
 * Redis with time held still, 8 threads calling through client {@code acme}, and on stdout how
 * many calls were admitted and how many reached its vendor.
 *
 * <p>Arguments: {@code limits <url> <namespace> <calls> <requests|tokens>}, or
 * {@code cache <url> <namespace> <question>} (prints whether the answer came from the cache).
 */
public final class Replica {
  private Replica() {}

  public static void main(String[] args) throws Exception {
    String url = args[1];
    String namespace = args[2];
    ChatRequest call = ChatRequest.builder().model("gpt-4o").user("hi").maxTokens(10)
        .clientId("acme").build();
    // The vendor reports exactly what the gateway estimated (the default counter's input, plus
    // max_tokens), so that the fleet's count is determined: 1000 / estimate calls.
    int input = (int) RateLimits.builder().build().tokenCounter().inputTokens(call);
    FakeProvider vendor = new FakeProvider("openai").onChat(r -> ChatResponse.builder()
        .provider("openai").model(r.model()).text("ok").finishReason(FinishReason.STOP)
        .usage(Usage.of(input, 10)).build());
    if (args[0].equals("cache")) {
      try (RedisCacheStore store = RedisCacheStore.builder(url).namespace(namespace).build();
          AiGateway g = AiGateway.builder().provider(vendor)
              .cache(ResponseCache.builder().store(store).build()).build()) {
        ChatResponse r = g.chat(ChatRequest.of("gpt-4o", args[3]));
        if (!r.fromCache()) { // wait (boundedly) for the write, so that the other JVM can read it
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
          while (store.get(dev.aigateway.core.cache.CacheKey.of(ChatRequest.of("gpt-4o",
              args[3]), false)).get() == null && System.nanoTime() < deadline) {
            Thread.sleep(5);
          }
        }
        System.out.println("fromCache=" + r.fromCache());
      }
      System.out.flush();
      System.exit(0); // the gateway's worker threads need not keep this JVM
      return;
    }
    int calls = Integer.parseInt(args[3]);
    boolean tokens = args[4].equals("tokens");
    ClientLimit limit = tokens
        ? ClientLimit.builder().tokens(1000, Duration.ofMinutes(1)).build()
        : ClientLimit.requests(100, Duration.ofMinutes(1));
    TimeMeter still = new TimeMeter() { // time held still: no refill during the run
      @Override
      public long currentTimeNanos() {
        return 1_000_000_000_000L;
      }

      @Override
      public boolean isWallClockBased() {
        return true;
      }
    };
    ExecutorService threads = Executors.newFixedThreadPool(8);
    // Fail closed, with a command timeout far beyond any run: on a loaded machine a command
    // can take over the default 500 ms, and failing open would then admit calls unchecked
    // (which is what fail-open is for, but not what this test counts). A timeout here is a
    // refusal, counted apart, and the test fails on it by name.
    try (RedisRateLimits limits = RedisRateLimits.builder(url).namespace(namespace)
            .commandTimeout(Duration.ofSeconds(20)).clock(still).build();
        AiGateway g = AiGateway.builder().provider(vendor)
            .rateLimits(RateLimits.builder().backend(limits.backend()).defaultLimit(limit)
                .onBackendFailure(dev.aigateway.core.ratelimit.BackendFailure.FAIL_CLOSED)
                .build()).build()) {
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger unavailable = new AtomicInteger();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> all = new ArrayList<>();
      for (int i = 0; i < calls; i++) {
        all.add(threads.submit(() -> {
          go.await();
          try {
            g.chat(call);
            admitted.incrementAndGet();
          } catch (dev.aigateway.api.RateLimitStoreUnavailableException slow) {
            unavailable.incrementAndGet();
          } catch (RateLimitExceededException refused) {
            // over the fleet's limit
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : all) {
        f.get(60, TimeUnit.SECONDS);
      }
      System.out.println("admitted=" + admitted.get() + " vendor=" + vendor.chatRequests().size()
          + " perCall=" + (input + 10) + " unavailable=" + unavailable.get());
    } finally {
      threads.shutdownNow();
    }
    System.out.flush();
    System.exit(0);
  }
}
