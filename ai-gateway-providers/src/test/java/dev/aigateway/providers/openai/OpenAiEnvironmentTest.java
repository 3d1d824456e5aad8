package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OpenAI's builder and the presets read their vendor's variables when they are given no key or
 * base URL, what they are given wins, and a missing key fails at build() naming the variable.
 * The environment is a map here, never the machine's.
 */
class OpenAiEnvironmentTest {
  private static final String ENV_KEY = "sk-from-env-0123456789abcdefghij";
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private static Function<String, String> env(Map<String, String> variables) {
    return variables::get;
  }

  private RecordedRequest send(OpenAiProvider p) throws Exception {
    server.enqueue(json(200, TEXT_RESPONSE));
    assertThat(p.chat(ChatRequest.of("gpt-4o", "hi")).text()).isNotEmpty();
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void theKeyAndBaseUrlFromTheEnvironmentReachTheWire() throws Exception {
    OpenAiProvider p = OpenAiProvider.builder().environment(env(Map.of(
        "OPENAI_API_KEY", ENV_KEY, "OPENAI_BASE_URL", server.url("/v1").toString()))).build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + ENV_KEY);
    assertThat(p.toString()).doesNotContain(ENV_KEY);
  }

  @Test
  void fromEnvReadsTheSameVariables() throws Exception {
    OpenAiProvider p = OpenAiProvider.fromEnv(env(Map.of(
        "OPENAI_API_KEY", " " + ENV_KEY + "\n", "OPENAI_BASE_URL", server.url("/v1").toString())));
    assertThat(send(p).getHeaders().get("Authorization")).isEqualTo("Bearer " + ENV_KEY);
  }

  @Test
  void anExplicitKeyAndBaseUrlWinOverTheEnvironment() throws Exception {
    OpenAiProvider p = OpenAiProvider.builder()
        .environment(env(Map.of("OPENAI_API_KEY", ENV_KEY,
            "OPENAI_BASE_URL", "http://elsewhere.invalid/v1")))
        .baseUrl(server.url("/mine/v1").toString()).apiKey(Secret.of("sk-explicit-000000"))
        .build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/mine/v1/chat/completions");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer sk-explicit-000000");
  }

  @Test
  void withoutAKeyForOpenAiBuildFailsNamingTheVariableAndTheMethod() {
    assertThatThrownBy(() -> OpenAiProvider.builder().environment(env(Map.of())).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("OPENAI_API_KEY")
        .hasMessageContaining("apiKey(Secret)");
    assertThatThrownBy(() -> OpenAiProvider.builder().environment(env(Map.of("OPENAI_API_KEY", " ")))
        .baseUrl("https://api.openai.com/v1").build())
        .as("a blank variable is no key, and OpenAI's URL given explicitly still needs one")
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("OPENAI_API_KEY");
    assertThatThrownBy(() -> OpenAiProvider.fromEnv(env(Map.of(
        "OPENAI_BASE_URL", server.url("/v1").toString()))))
        .as("fromEnv() needs the key whatever the base URL")
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("OPENAI_API_KEY");
  }

  @Test
  void aLocalServerSetInCodeNeedsNoKeyAndIsNeverSentOpenAisKey() throws Exception {
    OpenAiProvider p = OpenAiProvider.builder()
        .environment(env(Map.of("OPENAI_API_KEY", ENV_KEY)))
        .baseUrl(server.url("/v1").toString()).build();
    assertThat(send(p).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void aBaseUrlFromTheEnvironmentToAnotherServerNeedsNoKey() throws Exception {
    OpenAiProvider p = OpenAiProvider.builder()
        .environment(env(Map.of("OPENAI_BASE_URL", server.url("/v1").toString()))).build();
    assertThat(send(p).getHeaders().get("Authorization")).isNull();
  }

  @Test
  void aHostedPresetReadsItsOwnVariableAndNeverOpenAis() throws Exception {
    OpenAiProvider groq = OpenAiCompatible.groq().baseUrl(server.url("/openai/v1").toString())
        .environment(env(Map.of("GROQ_API_KEY", "gsk-from-env-0000", "OPENAI_API_KEY", ENV_KEY)))
        .build();
    assertThat(send(groq).getHeaders().get("Authorization")).isEqualTo("Bearer gsk-from-env-0000");

    Map<String, String> onlyOpenAi = Map.of("OPENAI_API_KEY", ENV_KEY,
        "OPENAI_BASE_URL", server.url("/v1").toString());
    for (var preset : Map.of("MISTRAL_API_KEY", OpenAiCompatible.mistral(),
        "GROQ_API_KEY", OpenAiCompatible.groq(), "DEEPSEEK_API_KEY", OpenAiCompatible.deepSeek(),
        "TOGETHER_API_KEY", OpenAiCompatible.together(),
        "OPENROUTER_API_KEY", OpenAiCompatible.openRouter()).entrySet()) {
      assertThatThrownBy(() -> preset.getValue().environment(env(onlyOpenAi)).build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(preset.getKey())
          .hasMessageNotContaining("OPENAI_API_KEY")
          .hasMessageNotContaining(ENV_KEY);
    }
  }

  @Test
  void aPresetKeepsItsBaseUrlWhateverOpenAiBaseUrlSays() {
    OpenAiProvider mistral = OpenAiCompatible.mistral()
        .environment(env(Map.of("MISTRAL_API_KEY", "m-key-0000",
            "OPENAI_BASE_URL", "http://elsewhere.invalid/v1")))
        .build();
    assertThat(mistral.endpoint()).isEqualTo("https://api.mistral.ai/v1/chat/completions");
  }

  @Test
  void localServersAndCustomUrlsNeedNoKeyAndReadNone() throws Exception {
    Map<String, String> all = Map.of("OPENAI_API_KEY", ENV_KEY, "GROQ_API_KEY", "gsk-0000");
    for (OpenAiProvider.Builder b : new OpenAiProvider.Builder[] {OpenAiCompatible.ollama(),
        OpenAiCompatible.vllm(), OpenAiCompatible.custom("local", "http://localhost:1/v1")}) {
      OpenAiProvider p = b.environment(env(all)).baseUrl(server.url("/v1").toString()).build();
      assertThat(send(p).getHeaders().get("Authorization")).as(p.id()).isNull();
    }
  }

  @Test
  void aSecretHeaderIsACredentialOfItsOwn() throws Exception {
    OpenAiProvider p = OpenAiProvider.builder().environment(env(Map.of()))
        .header("Authorization", Secret.of("Bearer proxy-token-0000")).build();
    assertThat(p.endpoint()).isEqualTo("https://api.openai.com/v1/chat/completions");
  }
}
