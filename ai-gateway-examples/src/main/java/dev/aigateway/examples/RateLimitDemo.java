package dev.aigateway.examples;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.routing.Route;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.PrintStream;
import java.time.Duration;

/**
 * Per-client rate limits: a noisy client is throttled while a quiet one is not. Every client
 * may make 3 requests a minute and use 20,000 tokens a minute; the noisy client sends 6 requests,
 * the quiet one 2 (one of them streamed). Throttled calls never reach the vendor, as its request
 * count shows. Offline, against the embedded stub vendor.
 */
public final class RateLimitDemo {
  private RateLimitDemo() {}

  /** Runs the demo. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the demo, printing to {@code out}. */
  static void run(PrintStream out) throws Exception {
    RateLimits limits = RateLimits.builder()
        .defaultLimit(ClientLimit.builder()
            .requests(3, Duration.ofMinutes(1))
            .tokens(20_000, Duration.ofMinutes(1))
            .build())
        .build();
    try (StubVendor stub = StubVendor.start(question -> "Noted: " + question);
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder().baseUrl(stub.baseUrl())
                .apiKey(Secret.of("sk-stub-key-not-a-real-one")).build())
            .route(Route.builder("assistant").target("openai", "gpt-4o-mini").build())
            .rateLimits(limits)
            .build()) {
      out.println("Limit per client: " + limits.defaultLimit());
      for (int i = 1; i <= 6; i++) {
        ask(out, gateway, "noisy", "noisy question " + i, false);
        if (i == 2) {
          ask(out, gateway, "quiet", "quiet question 1", false);
        }
      }
      ask(out, gateway, "quiet", "quiet question 2", true);
      out.println("The vendor received " + stub.requestCount() + " requests: 3 from noisy,"
          + " 2 from quiet; the throttled ones never left the gateway.");
    }
  }

  private static void ask(
      PrintStream out, AiGateway gateway, String client, String question, boolean stream)
      throws Exception {
    ChatRequest request = ChatRequest.builder().model("assistant").user(question)
        .clientId(client).build();
    String how = stream ? "stream" : "chat";
    try {
      ChatResponse answer = stream
          ? Quickstart.printStream(new PrintStream(java.io.OutputStream.nullOutputStream()),
              gateway.stream(request))
          : gateway.chat(request);
      out.println(client + " (" + how + ") -> served: \"" + answer.text() + "\"");
    } catch (RateLimitExceededException e) {
      out.println(client + " (" + how + ") -> throttled: " + e.getMessage());
    } catch (java.util.concurrent.ExecutionException e) {
      if (e.getCause() instanceof RateLimitExceededException r) {
        out.println(client + " (" + how + ") -> throttled: " + r.getMessage());
      } else {
        throw e;
      }
    }
  }
}
