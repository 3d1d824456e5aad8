package dev.aigateway.moduletest;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.observation.Observability;
import dev.aigateway.core.observation.PriceTable;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.ratelimit.TokenCounter;
import dev.aigateway.core.routing.Route;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * Runs the gateway as a JPMS application: each adapter's chat and stream, the response cache, a
 * token-counted rate limit, structured output into this module's record, the shipped price table
 * and the metrics, against {@link LoopbackVendor}. It prints one {@code ok ...} line per check
 * with what the caller got, and exits with status 1 (printing the failure) when anything fails.
 */
public final class ModulePathCheck {
  /** The structured answer: read by Jackson, which this module opens its package to. */
  public record City(String city, int population) {}

  private ModulePathCheck() {}

  /** Runs the checks. */
  public static void main(String[] args) {
    try {
      run(System.out);
    } catch (Throwable t) {
      System.out.println("FAILED " + t);
      t.printStackTrace(System.out);
      System.exit(1);
    }
  }

  static void run(PrintStream out) throws Exception {
    for (Class<?> type : List.of(ChatClient.class, AiGateway.class, OpenAiProvider.class)) {
      Module module = type.getModule();
      if (!module.isNamed() || module.getDescriptor().isAutomatic()) {
        throw new AssertionError(type + " is not in an explicit module: " + module);
      }
      out.println("ok module " + module.getName() + " exports "
          + new java.util.TreeSet<>(module.getDescriptor().exports().stream()
              .filter(e -> !e.isQualified()).map(e -> e.source()).toList()));
      module.getDescriptor().exports().stream().filter(e -> e.isQualified())
          .map(e -> e.source() + " to " + new java.util.TreeSet<>(e.targets())).sorted()
          .forEach(e -> out.println("ok module " + module.getName() + " exports " + e));
    }
    out.println("ok module " + ModulePathCheck.class.getModule().getName()
        + " reads the internals: " + AiGateway.class.getModule()
            .isExported("dev.aigateway.core.internal", ModulePathCheck.class.getModule()));

    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (LoopbackVendor vendor = new LoopbackVendor();
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder().baseUrl(vendor.baseUrl() + "/v1")
                .apiKey(Secret.of("sk-module-path-check")).build())
            .provider(AnthropicProvider.builder().baseUrl(vendor.baseUrl())
                .apiKey(Secret.of("sk-ant-module-path-check")).build())
            .provider(GeminiProvider.builder().baseUrl(vendor.baseUrl())
                .apiKey(Secret.of("gemini-module-path-check")).build())
            .route(Route.builder("openai").target("openai", "gpt-4o-mini").cache(true).build())
            .route(Route.builder("anthropic").target("anthropic", "claude-sonnet-4-5").build())
            .route(Route.builder("gemini").target("gemini", "gemini-2.5-flash").build())
            .cache(ResponseCache.builder().maxEntries(100).build())
            .rateLimits(RateLimits.builder()
                .client("tight", ClientLimit.builder().requests(1, Duration.ofMinutes(1))
                    .tokens(10_000, Duration.ofMinutes(1)).build())
                .build())
            .meterRegistry(meters)
            .observability(Observability.builder().prices(PriceTable.example()).build())
            .build()) {

      for (String route : List.of("openai", "anthropic", "gemini")) {
        ChatResponse chat = gateway.chat(ChatRequest.of(route, "Say hello."));
        out.println("ok " + route + " chat: " + chat.text() + " (" + chat.finishReason() + ", "
            + chat.usage().totalTokens() + " tokens)");
        List<String> deltas = new ArrayList<>();
        ChatResponse streamed = collect(gateway.stream(ChatRequest.of(route, "Stream it.")),
            deltas);
        out.println("ok " + route + " stream: " + deltas + " -> " + streamed.text() + " ("
            + streamed.finishReason() + ")");
      }

      gateway.chat(ChatRequest.of("openai", "Say hello."));
      out.println("ok cache: the repeated chat was answered without the vendor, which saw "
          + vendor.count("/chat/completions") + " requests");

      City city = gateway.chat(ChatRequest.of("openai", "The capital of France?"), City.class);
      out.println("ok structured: " + city);

      ChatRequest tight = ChatRequest.builder().model("anthropic").user("Count my tokens.")
          .clientId("tight").build();
      gateway.chat(tight);
      try {
        gateway.chat(tight);
        throw new AssertionError("the second call of client tight was admitted");
      } catch (RateLimitExceededException expected) {
        out.println("ok rate limit: " + expected.getClass().getSimpleName());
      }
      out.println("ok tokens: " + TokenCounter.standard()
          .inputTokens(ChatRequest.of("gpt-4o-mini", "Count my tokens.")) + " by jtokkit");

      out.println("ok metrics: " + meters.get("gen_ai.client.operation.duration")
          .timers().stream().mapToLong(t -> t.count()).sum() + " calls timed");
    }
  }

  private static ChatResponse collect(Flow.Publisher<ChatChunk> stream, List<String> deltas)
      throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      private final StreamAccumulator accumulator = new StreamAccumulator();
      private Flow.Subscription subscription;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        s.request(1);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        if (!chunk.textDelta().isEmpty()) {
          deltas.add(chunk.textDelta());
        }
        accumulator.accept(chunk);
        subscription.request(1);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(accumulator.toResponse());
      }
    });
    return done.get(30, TimeUnit.SECONDS);
  }
}
