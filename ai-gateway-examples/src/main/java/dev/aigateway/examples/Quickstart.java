package dev.aigateway.examples;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.Usage;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The quickstart: one plain chat and one streamed chat through the gateway.
 *
 * <p>Offline by default: it starts an OpenAI-compatible stub vendor on loopback and points the
 * OpenAI adapter at it. When {@code OPENAI_API_KEY} is set it talks to the real OpenAI API
 * instead, and says so.
 */
public final class Quickstart {
  private Quickstart() {}

  /** Runs the example. */
  public static void main(String[] args) throws Exception {
    run(System.out, System.getenv("OPENAI_API_KEY"));
  }

  /** Runs the example, printing to {@code out}; offline unless {@code apiKey} is set. */
  static void run(PrintStream out, String apiKey) throws Exception {
    boolean live = apiKey != null && !apiKey.isBlank();
    StubVendor stub = null;
    OpenAiProvider.Builder openai = OpenAiProvider.builder();
    if (live) {
      out.println("OPENAI_API_KEY is set: talking to the real OpenAI API.");
      openai.apiKey(Secret.of(apiKey));
    } else {
      stub = StubVendor.start(question -> question.contains("word by word")
          ? "This answer arrives one word at a time: each word is one chunk of the stream."
          : "An AI gateway stands between an application and its LLM vendors: it routes each"
              + " request, fails over when a vendor is down, caches repeated prompts, keeps"
              + " each client within its limits, and holds the vendor keys.",
          Duration.ofMillis(40));
      out.println("OPENAI_API_KEY is not set: talking to the embedded stub vendor at "
          + stub.baseUrl() + " (offline).");
      openai.baseUrl(stub.baseUrl()).apiKey(Secret.of("sk-stub-key-not-a-real-one"));
    }

    try (AiGateway gateway = AiGateway.builder()
        .provider(openai.build())
        .route(Route.builder("assistant").target("openai", "gpt-4o-mini").build())
        .build()) {

      ChatRequest question = ChatRequest.builder()
          .model("assistant")
          .system("You are a concise assistant.")
          .user("In one sentence, what does an AI gateway do?")
          .clientId("quickstart")
          .build();

      out.println();
      out.println("== chat()");
      ChatResponse answer = gateway.chat(question);
      out.println(answer.text());
      out.println("served by " + answer.provider() + " (" + answer.model() + "), "
          + describe(answer.usage()) + ", finish " + answer.finishReason());

      out.println();
      out.println("== stream() (each chunk is printed as it arrives)");
      ChatResponse streamed = printStream(out, gateway.stream(question.toBuilder()
          .user("Now say it word by word.").build()));
      out.println();
      out.println("served by " + streamed.provider() + " (" + streamed.model() + "), "
          + describe(streamed.usage()) + ", finish " + streamed.finishReason());
    } finally {
      if (stub != null) {
        stub.close();
      }
    }
  }

  /** Prints each chunk's text as it arrives and returns the whole answer. */
  static ChatResponse printStream(PrintStream out, Flow.Publisher<ChatChunk> stream)
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
        out.print(chunk.textDelta());
        out.flush();
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
    return done.get();
  }

  private static String describe(Usage usage) {
    return usage == null ? "no usage reported"
        : usage.inputTokens() + " input + " + usage.outputTokens() + " output = "
            + usage.totalTokens() + " tokens";
  }
}
