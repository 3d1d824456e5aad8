package dev.aigateway.examples;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The response cache: the same question asked twice costs one vendor call, for {@code chat()}
 * and for {@code stream()}, whose second answer is replayed chunk by chunk from the cache.
 *
 * <p>Offline: it starts an OpenAI-compatible stub vendor on loopback and counts the requests the
 * vendor receives.
 */
public final class CacheDemo {
  private CacheDemo() {}

  /** Runs the example. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  static void run(PrintStream out) throws Exception {
    try (StubVendor stub = StubVendor.start(
            question -> question.contains("stream")
                ? "Streams are cached too, and replayed one chunk at a time."
                : "A response cache answers a repeated prompt without calling the vendor.",
            Duration.ofMillis(5));
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl())
                .apiKey(Secret.of("sk-stub-key-not-a-real-one")).build())
            .cache(ResponseCache.builder()
                .ttl(Duration.ofMinutes(10))
                .build())
            .build()) {
      out.println("stub vendor at " + stub.baseUrl() + " (offline)");

      ChatRequest question = ChatRequest.of("openai/gpt-4o-mini", "What does a response cache do?");
      out.println();
      out.println("== chat(), the same question twice");
      for (int i = 1; i <= 2; i++) {
        ChatResponse answer = gateway.chat(question);
        out.println("#" + i + ": " + answer.text());
        out.println("    fromCache=" + answer.fromCache() + ", attempts=" + answer.attempts()
            + ", vendor calls so far: " + stub.requestCount());
      }

      ChatRequest streamed = ChatRequest.of("openai/gpt-4o-mini", "Is a stream cached too?");
      out.println();
      out.println("== stream(), the same question twice");
      for (int i = 1; i <= 2; i++) {
        List<String> chunks = collect(gateway.stream(streamed));
        out.println("#" + i + ": " + String.join("", chunks));
        out.println("    " + chunks.size() + " chunks, vendor calls so far: "
            + stub.requestCount());
      }
    }
  }

  /** The text of each chunk, in order. */
  private static List<String> collect(Flow.Publisher<ChatChunk> stream) throws Exception {
    List<String> texts = new ArrayList<>();
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        texts.add(chunk.textDelta());
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        done.complete(texts);
      }
    });
    return done.get();
  }
}
