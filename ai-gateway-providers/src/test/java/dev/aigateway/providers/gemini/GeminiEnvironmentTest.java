package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.MODEL;
import static dev.aigateway.providers.gemini.GeminiFixtures.TEXT_RESPONSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.conformance.Wire;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini's builder reads GOOGLE_API_KEY, else GEMINI_API_KEY (Google's SDKs' order), and
 * GOOGLE_GEMINI_BASE_URL, when it is given no key or base URL; what it is given wins; no
 * credential at all fails at build() naming both variables. The environment is a map here.
 */
class GeminiEnvironmentTest {
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordedRequest send(GeminiProvider p) throws Exception {
    server.enqueue(Wire.json(200, TEXT_RESPONSE));
    assertThat(p.chat(ChatRequest.of(MODEL, "hi")).text()).isNotEmpty();
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void geminiApiKeyAndTheBaseUrlFromTheEnvironmentReachTheWire() throws Exception {
    GeminiProvider p = GeminiProvider.builder().environment(Map.of(
        "GEMINI_API_KEY", "AIza-gemini-env-0000",
        "GOOGLE_GEMINI_BASE_URL", server.url("/").toString())::get).build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(r.getHeaders().get("x-goog-api-key")).isEqualTo("AIza-gemini-env-0000");
    assertThat(r.getUrl().toString()).doesNotContain("AIza");
    assertThat(p.toString()).doesNotContain("AIza-gemini-env-0000");
  }

  @Test
  void whenBothAreSetGoogleApiKeyWinsAsInGooglesSdks() throws Exception {
    GeminiProvider p = GeminiProvider.fromEnv(Map.of(
        "GEMINI_API_KEY", "AIza-gemini-env-0000", "GOOGLE_API_KEY", "AIza-google-env-0000",
        "GOOGLE_GEMINI_BASE_URL", server.url("/").toString())::get);
    assertThat(send(p).getHeaders().get("x-goog-api-key")).isEqualTo("AIza-google-env-0000");
  }

  @Test
  void anExplicitKeyAndBaseUrlWinOverTheEnvironment() throws Exception {
    GeminiProvider p = GeminiProvider.builder().environment(Map.of(
        "GOOGLE_API_KEY", "AIza-google-env-0000",
        "GOOGLE_GEMINI_BASE_URL", "http://elsewhere.invalid")::get)
        .baseUrl(server.url("/mine").toString()).apiKey(Secret.of("AIza-explicit-0000")).build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).startsWith("/mine/v1beta/");
    assertThat(r.getHeaders().get("x-goog-api-key")).isEqualTo("AIza-explicit-0000");
  }

  @Test
  void withoutACredentialBuildFailsNamingBothVariables() {
    assertThatThrownBy(() -> GeminiProvider.builder().environment(Map.of("GEMINI_API_KEY", "")::get)
        .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("GOOGLE_API_KEY or GEMINI_API_KEY")
        .hasMessageContaining("GeminiProvider.builder().apiKey(Secret)");
    assertThatThrownBy(() -> GeminiProvider.fromEnv(name -> null))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("GEMINI_API_KEY");
  }
}
