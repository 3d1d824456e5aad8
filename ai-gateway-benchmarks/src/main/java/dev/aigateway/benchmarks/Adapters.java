package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.bedrock.BedrockProvider;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import okhttp3.OkHttpClient;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/** The adapters the per-vendor benchmarks run, on a client that answers from memory. */
final class Adapters {
  private Adapters() {}

  /**
   * {@code vendor}'s adapter (openai, anthropic, gemini or bedrock; openai-obfuscated is OpenAI's)
   * on {@code client}.
   */
  static ChatProvider of(String vendor, OkHttpClient client) {
    Secret key = Secret.of("bench-key-00000000");
    return switch (vendor) {
      case "openai", "openai-obfuscated" -> OpenAiProvider.builder()
          .baseUrl("http://bench.invalid/v1").apiKey(key).httpClient(client).build();
      case "anthropic" -> AnthropicProvider.builder().baseUrl("http://bench.invalid")
          .apiKey(key).httpClient(client).build();
      case "gemini" -> GeminiProvider.builder().baseUrl("http://bench.invalid")
          .apiKey(key).httpClient(client).build();
      case "bedrock" -> BedrockProvider.builder().region("us-east-1")
          .endpointOverride("http://bench.invalid")
          .credentialsProvider(StaticCredentialsProvider.create(
              AwsBasicCredentials.create("AKIDBENCH", "bench-secret-000000")))
          .httpClient(client).build();
      default -> throw new IllegalArgumentException("unknown vendor " + vendor);
    };
  }

  /** A request for one of {@code vendor}'s models. */
  static ChatRequest request(String vendor, String prompt) {
    return ChatRequest.of(switch (vendor) {
      case "gemini" -> "gemini-2.5-flash";
      case "bedrock" -> "anthropic.claude-sonnet-4-5-20250929-v1:0";
      case "anthropic" -> "claude-sonnet-4-5";
      default -> "gpt-4o";
    }, prompt);
  }
}
