package dev.aigateway.test;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.time.Duration;
import java.util.concurrent.Flow;

/** The real adapters of ai-gateway-providers, each pointed at a fake vendor. */
final class Adapters {
  /** How long a test waits for something that will happen. */
  static final Duration WAIT = Duration.ofSeconds(10);
  /** An attempt whose socket idle timeout is short, for stalls and silence: real time. */
  static final AttemptContext SHORT_IDLE =
      AttemptContext.of(null, null, null, Duration.ofMillis(200), 1);

  private Adapters() {}

  /** A key per vendor, in that vendor's style; fake ones. */
  static String key(Vendor vendor) {
    return switch (vendor) {
      case OPENAI -> "sk-proj-FAKEKEY0123456789";
      case AZURE -> "azure-FAKEKEY0123456789";
      case ANTHROPIC -> "sk-ant-api03-FAKEKEY0123456789";
      case GEMINI -> "AIzaFAKEKEY0123456789";
    };
  }

  /** The model each test asks for; Azure's is mapped to a deployment. */
  static String model(Vendor vendor) {
    return switch (vendor) {
      case OPENAI -> "gpt-4o-mini";
      case AZURE -> "gpt-4o";
      case ANTHROPIC -> "claude-sonnet-4-5";
      case GEMINI -> "gemini-2.5-flash";
    };
  }

  /** The model each vendor reports back when the reply does not say. */
  static String reportedModel(Vendor vendor) {
    return vendor == Vendor.AZURE ? "prod-gpt4o" : model(vendor);
  }

  /** {@code vendor}'s real adapter, on {@code fake}. */
  static ChatProvider provider(Vendor vendor, FakeVendor fake) {
    Secret key = Secret.of(key(vendor));
    String url = fake.baseUrl(vendor);
    return switch (vendor) {
      case OPENAI -> OpenAiProvider.builder().baseUrl(url).apiKey(key).build();
      case AZURE -> AzureOpenAiProvider.builder().baseUrl(url).apiKey(key)
          .deployment("gpt-4o", "prod-gpt4o").build();
      case ANTHROPIC -> AnthropicProvider.builder().baseUrl(url).apiKey(key).build();
      case GEMINI -> GeminiProvider.builder().baseUrl(url).apiKey(key).build();
    };
  }

  /** A request for {@code vendor}'s model with a system prompt and {@code question}. */
  static ChatRequest ask(Vendor vendor, String question) {
    return ChatRequest.builder().model(model(vendor)).system("Be brief.").user(question).build();
  }

  /** Subscribes with unbounded demand and waits for the end. */
  static TestSubscriber<ChatChunk> streamAll(Flow.Publisher<ChatChunk> stream) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    stream.subscribe(sub);
    return sub.awaitTerminal(WAIT);
  }
}
