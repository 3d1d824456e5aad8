package dev.aigateway.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiCompatible;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Each adapter names its vendor as the OpenTelemetry GenAI conventions list it
 * ({@code gen_ai.provider.name}), whatever id the application gives it, and its server as
 * {@code scheme://host:port} with nothing secret in it.
 */
class ProviderNamesTest {
  private static final Secret KEY = Secret.of("sk-test-0123456789");

  @Test
  void eachAdapterNamesItsVendorWhateverItsId() {
    Map<ChatProvider, String> expected = new LinkedHashMap<>();
    expected.put(OpenAiProvider.builder().id("fast").apiKey(KEY).build(), "openai");
    expected.put(AnthropicProvider.builder().id("claude").apiKey(KEY).build(), "anthropic");
    expected.put(GeminiProvider.builder().id("google").apiKey(KEY).build(), "gcp.gemini");
    expected.put(AzureOpenAiProvider.builder().id("az")
        .baseUrl("https://my-resource.openai.azure.com").apiKey(KEY).build(), "azure.ai.openai");
    expected.put(OpenAiCompatible.groq().apiKey(KEY).build(), "groq");
    expected.put(OpenAiCompatible.mistral().apiKey(KEY).build(), "mistral_ai");
    expected.put(OpenAiCompatible.deepSeek().apiKey(KEY).build(), "deepseek");
    expected.put(OpenAiCompatible.together().apiKey(KEY).build(), "together");
    expected.put(OpenAiCompatible.ollama().build(), "ollama");
    expected.put(OpenAiCompatible.custom("inhouse", "http://llm.internal:9000/v1").build(),
        "inhouse");
    expected.put(OpenAiProvider.builder().id("x").providerName("x_ai")
        .baseUrl("https://api.x.ai/v1").apiKey(KEY).build(), "x_ai");
    expected.forEach((provider, name) -> {
      assertThat(provider.providerName()).as(provider.id()).isEqualTo(name);
      provider.close();
    });
  }

  @Test
  void theServerIsSchemeHostAndPortOnly() {
    try (OpenAiProvider openai = OpenAiProvider.builder().apiKey(KEY).build();
        OpenAiProvider local = OpenAiCompatible.ollama().build();
        OpenAiProvider withUser = OpenAiProvider.builder()
            .baseUrl("https://user:pass@proxy.example.com:8443/openai/v1")
            .apiKey(KEY).build();
        AnthropicProvider anthropic = AnthropicProvider.builder().apiKey(KEY).build()) {
      assertThat(openai.serverUri()).isEqualTo(URI.create("https://api.openai.com:443"));
      assertThat(local.serverUri()).isEqualTo(URI.create("http://localhost:11434"));
      assertThat(withUser.serverUri()).as("no user info, no path")
          .isEqualTo(URI.create("https://proxy.example.com:8443"));
      assertThat(anthropic.serverUri().getHost()).isEqualTo("api.anthropic.com");
    }
  }
}
