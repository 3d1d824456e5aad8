package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Anthropic's builder reads ANTHROPIC_API_KEY and ANTHROPIC_BASE_URL when it is given neither,
 * what it is given wins, and no credential at all fails at build() naming the variable. The
 * environment is a map here, never the machine's.
 */
class AnthropicEnvironmentTest {
  private static final String ENV_KEY = "sk-ant-from-env-0123456789abcdef";
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordedRequest send(AnthropicProvider p) throws Exception {
    server.enqueue(json(200, TEXT_RESPONSE));
    assertThat(p.chat(ChatRequest.of("claude-haiku-4-5", "hi")).text()).isNotEmpty();
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void theKeyAndBaseUrlFromTheEnvironmentReachTheWire() throws Exception {
    AnthropicProvider p = AnthropicProvider.builder().environment(Map.of(
        "ANTHROPIC_API_KEY", ENV_KEY, "ANTHROPIC_BASE_URL", server.url("/").toString())::get)
        .build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/messages");
    assertThat(r.getHeaders().get("x-api-key")).isEqualTo(ENV_KEY);
    assertThat(p.toString()).doesNotContain(ENV_KEY);
  }

  @Test
  void fromEnvReadsTheSameVariables() throws Exception {
    AnthropicProvider p = AnthropicProvider.fromEnv(Map.of(
        "ANTHROPIC_API_KEY", ENV_KEY, "ANTHROPIC_BASE_URL", server.url("/").toString())::get);
    assertThat(send(p).getHeaders().get("x-api-key")).isEqualTo(ENV_KEY);
  }

  @Test
  void anExplicitKeyAndBaseUrlWinOverTheEnvironment() throws Exception {
    AnthropicProvider p = AnthropicProvider.builder().environment(Map.of(
        "ANTHROPIC_API_KEY", ENV_KEY, "ANTHROPIC_BASE_URL", "http://elsewhere.invalid")::get)
        .baseUrl(server.url("/mine").toString()).apiKey(Secret.of("sk-ant-explicit-0000")).build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/mine/v1/messages");
    assertThat(r.getHeaders().get("x-api-key")).isEqualTo("sk-ant-explicit-0000");
  }

  @Test
  void withoutACredentialBuildFailsNamingTheVariableAndTheMethod() {
    assertThatThrownBy(() -> AnthropicProvider.builder().environment(name -> null)
        .baseUrl(server.url("/").toString()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("ANTHROPIC_API_KEY")
        .hasMessageContaining("AnthropicProvider.builder().apiKey(Secret)");
    assertThatThrownBy(() -> AnthropicProvider.fromEnv(name -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("ANTHROPIC_API_KEY");
  }

  @Test
  void aProxysSecretHeaderIsACredentialAndNoKeyIsSent() throws Exception {
    AnthropicProvider p = AnthropicProvider.builder().environment(name -> null)
        .baseUrl(server.url("/").toString())
        .header("Authorization", Secret.of("Bearer proxy-token-0000")).build();
    RecordedRequest r = send(p);
    assertThat(r.getHeaders().get("x-api-key")).isNull();
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer proxy-token-0000");
  }

  @Test
  void aBaseUrlInTheEnvironmentThatIsNoUrlIsNamed() {
    assertThatThrownBy(() -> AnthropicProvider.builder().apiKey(Secret.of("k-0000"))
        .environment(Map.of("ANTHROPIC_BASE_URL", "not a url")::get).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ANTHROPIC_BASE_URL");
  }
}
