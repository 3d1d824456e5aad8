package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.body;
import static dev.aigateway.providers.openai.OpenAiFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;

class OpenAiCompatibleTest {

  @Test
  void presetsCarryTheVendorsDocumentedBaseUrlAndId() {
    assertPreset(OpenAiCompatible.mistral(), "mistral", "https://api.mistral.ai/v1/chat/completions");
    assertPreset(OpenAiCompatible.groq(), "groq", "https://api.groq.com/openai/v1/chat/completions");
    assertPreset(OpenAiCompatible.deepSeek(), "deepseek", "https://api.deepseek.com/chat/completions");
    assertPreset(OpenAiCompatible.together(), "together", "https://api.together.xyz/v1/chat/completions");
    assertPreset(OpenAiCompatible.openRouter(), "openrouter", "https://openrouter.ai/api/v1/chat/completions");
    assertPreset(OpenAiCompatible.ollama(), "ollama", "http://localhost:11434/v1/chat/completions");
    assertPreset(OpenAiCompatible.vllm(), "vllm", "http://localhost:8000/v1/chat/completions");
    assertPreset(OpenAiProvider.builder(), "openai", "https://api.openai.com/v1/chat/completions");
  }

  private static void assertPreset(OpenAiProvider.Builder builder, String id, String endpoint) {
    OpenAiProvider p = builder.apiKey(Secret.of("k-000000")).build();
    assertThat(p.id()).isEqualTo(id);
    assertThat(p.endpoint()).isEqualTo(endpoint);
  }

  @Test
  void mistralGetsItsOwnFieldNamesAndNoStreamOptions() throws Exception {
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      server.enqueue(sse(OpenAiFixtures.TEXT_STREAM));
      OpenAiProvider mistral = OpenAiCompatible.mistral().baseUrl(server.url("/v1").toString())
          .apiKey(Secret.of("mistral-key-0000")).build();
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      mistral.stream(ChatRequest.builder().model("mistral-small-latest").user("hi")
          .maxTokens(50).seed(7L).build()).subscribe(sub);
      sub.awaitTerminal(Duration.ofSeconds(5));
      RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
      assertThat(body(r).has("stream_options")).isFalse();
      assertThat(body(r).get("max_tokens").asInt()).isEqualTo(50);
      assertThat(body(r).get("random_seed").asInt()).isEqualTo(7);
      assertThat(body(r).has("seed")).isFalse();
      assertThat(sub.isCompleted()).isTrue();
    }
  }
}
