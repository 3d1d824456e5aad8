package dev.aigateway.examples.stub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The stub fails the requests its {@link Failures} pick, with errors that each vendor's real
 * adapter reads as that vendor's: the adapters are the judges of the wire format.
 */
class StubVendorFailuresTest {
  private static final Function<String, String> ECHO = q -> "ok";

  private static ChatRequest ask(String model) {
    return ChatRequest.builder().model(model).user("Hello?").build();
  }

  @Test
  void everyNthFailsExactlyThoseRequestsWithOpenAisOverloadedError() {
    try (StubVendor stub = StubVendor.start(ECHO, Failures.everyNth(3));
        ChatProvider openai = OpenAiProvider.builder().baseUrl(stub.baseUrl())
            .apiKey(Secret.of("sk-stub")).build()) {
      List<Integer> failed = new ArrayList<>();
      for (int n = 1; n <= 7; n++) {
        try {
          assertThat(openai.chat(ask("gpt-4o-mini")).text()).isEqualTo("ok");
        } catch (ProviderUnavailableException e) {
          assertThat(e.statusCode()).isEqualTo(503);
          assertThat(e.errorCode()).isEqualTo("server_error");
          assertThat(e.getMessage()).contains("overloaded");
          failed.add(n);
        }
      }
      assertThat(failed).containsExactly(3, 6);
      assertThat(stub.requestCount()).isEqualTo(7);
      assertThat(stub.failedCount()).isEqualTo(2);
    }
  }

  @Test
  void anthropicGets529OverloadedAndGeminiGets503Unavailable() {
    try (StubVendor stub = StubVendor.start(ECHO, Failures.always());
        ChatProvider anthropic = AnthropicProvider.builder().baseUrl(stub.rootUrl())
            .apiKey(Secret.of("sk-ant-stub")).build();
        ChatProvider gemini = GeminiProvider.builder().baseUrl(stub.rootUrl())
            .apiKey(Secret.of("stub")).build()) {
      assertThatThrownBy(() -> anthropic.chat(ask("claude-haiku-4-5")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(529);
            assertThat(e.errorCode()).isEqualTo("overloaded_error");
          });
      assertThatThrownBy(() -> gemini.chat(ask("gemini-2.5-flash")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(503);
            assertThat(e.errorCode()).isEqualTo("UNAVAILABLE");
          });
    }
  }

  @Test
  void aStatusAndRetryAfterCanBeChosenAndFailuresChangedWhileRunning() {
    try (StubVendor stub = StubVendor.start(ECHO,
            Failures.always().withStatus(429).withRetryAfter(Duration.ofSeconds(7)));
        ChatProvider anthropic = AnthropicProvider.builder().baseUrl(stub.rootUrl())
            .apiKey(Secret.of("sk-ant-stub")).build()) {
      assertThatThrownBy(() -> anthropic.chat(ask("claude-haiku-4-5")))
          .isInstanceOfSatisfying(ProviderRateLimitException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("rate_limit_error");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(7));
          });
      stub.failures(Failures.none());
      assertThat(anthropic.chat(ask("claude-haiku-4-5")).text()).isEqualTo("ok");
      assertThat(stub.failedCount()).isEqualTo(1);
    }
  }

  @Test
  void aStreamFailsBeforeItStarts() {
    try (StubVendor stub = StubVendor.start(ECHO, Failures.always().withStatus(500));
        ChatProvider openai = OpenAiProvider.builder().baseUrl(stub.baseUrl())
            .apiKey(Secret.of("sk-stub")).build()) {
      List<Throwable> errors = new ArrayList<>();
      CompletableFuture<Void> done = new CompletableFuture<Void>();
      openai.stream(ask("gpt-4o-mini")).subscribe(new Flow.Subscriber<>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          s.request(Long.MAX_VALUE);
        }

        @Override
        public void onNext(ChatChunk item) {
          errors.add(new AssertionError("a chunk arrived: " + item));
        }

        @Override
        public void onError(Throwable t) {
          errors.add(t);
          done.complete(null);
        }

        @Override
        public void onComplete() {
          done.complete(null);
        }
      });
      done.join();
      assertThat(errors).singleElement()
          .isInstanceOfSatisfying(ProviderException.class,
              e -> assertThat(e.statusCode()).isEqualTo(500));
    }
  }

  @Test
  void aSeededFractionIsTheSameEveryTime() {
    Failures a = Failures.fraction(0.3, 42);
    Failures b = Failures.fraction(0.3, 42);
    int failing = 0;
    for (int n = 1; n <= 1000; n++) {
      assertThat(a.fails(n)).isEqualTo(b.fails(n));
      failing += a.fails(n) ? 1 : 0;
    }
    assertThat(failing).isBetween(250, 350);
    assertThat(Failures.everyNth(3)).hasToString("Failures[every 3rd request]");
  }
}
