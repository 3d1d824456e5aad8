package dev.aigateway.examples;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.core.AiGateway;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * One request served by each vendor adapter: OpenAI, Azure OpenAI, Anthropic and Gemini, each
 * talking its own wire format to the embedded stub vendor on loopback. Offline; no keys needed.
 * The application code is the same for all four: only the model string names the vendor.
 */
public final class EachVendor {
  private EachVendor() {}

  /** Runs the example. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  static void run(PrintStream out) throws Exception {
    try (StubVendor stub = StubVendor.start(
            question -> "Hello! This answer came back in my own vendor's wire format.");
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder()
                .baseUrl(stub.baseUrl()).apiKey(Secret.of("sk-stub-openai")).build())
            .provider(AzureOpenAiProvider.builder()
                .baseUrl(stub.rootUrl()).apiKey(Secret.of("stub-azure-key"))
                .deployment("gpt-4o-mini", "my-gpt-4o-mini-deployment").build())
            .provider(AnthropicProvider.builder()
                .baseUrl(stub.rootUrl()).apiKey(Secret.of("sk-ant-stub")).build())
            .provider(GeminiProvider.builder()
                .baseUrl(stub.rootUrl()).apiKey(Secret.of("stub-gemini-key")).build())
            .build()) {
      out.println("The embedded stub vendor at " + stub.rootUrl()
          + " speaks OpenAI, Azure OpenAI, Anthropic and Gemini (offline).");
      for (String model : List.of("openai/gpt-4o-mini", "azure/gpt-4o-mini",
          "anthropic/claude-sonnet-4-5", "gemini/gemini-2.5-flash")) {
        ChatRequest request = ChatRequest.builder().model(model)
            .system("You are brief.").user("Say hello.").build();
        ChatResponse answer = gateway.chat(request);
        ChatResponse streamed = collect(gateway.stream(request));
        out.println();
        out.println("== " + model);
        out.println("chat():   " + answer.text());
        out.println("          served by " + answer.provider() + " (" + answer.model() + "), "
            + answer.usage().inputTokens() + " in + " + answer.usage().outputTokens()
            + " out, finish " + answer.finishReason());
        out.println("stream(): " + streamed.text());
        out.println("          served by " + streamed.provider() + " (" + streamed.model()
            + "), " + streamed.usage().inputTokens() + " in + "
            + streamed.usage().outputTokens() + " out, finish " + streamed.finishReason());
      }
      out.println();
      out.println("The stub served " + stub.requestCount() + " requests.");
    }
  }

  private static ChatResponse collect(Flow.Publisher<ChatChunk> stream) throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      private final StreamAccumulator accumulator = new StreamAccumulator();

      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        accumulator.accept(chunk);
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
}
