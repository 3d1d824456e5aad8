package dev.aigateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiFixtures;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Azure's builder reads AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY and OPENAI_API_VERSION (as
 * OpenAI's SDK does for Azure) for what it is not given; a token supplier is a credential, so the
 * environment's key is then not read; no credential at all fails at build() naming the variable.
 */
class AzureOpenAiEnvironmentTest {
  private static final String ENV_KEY = "azure-env-key-0123456789abcdef";
  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordedRequest send(AzureOpenAiProvider p) throws Exception {
    server.enqueue(Wire.json(200, OpenAiFixtures.TEXT_RESPONSE));
    assertThat(p.chat(ChatRequest.of("gpt-4o", "hi")).text()).isNotEmpty();
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void endpointKeyAndApiVersionFromTheEnvironmentReachTheWire() throws Exception {
    AzureOpenAiProvider p = AzureOpenAiProvider.builder().environment(Map.of(
        "AZURE_OPENAI_ENDPOINT", server.url("/").toString(), "AZURE_OPENAI_API_KEY", ENV_KEY,
        "OPENAI_API_VERSION", "2025-04-01-preview")::get).build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().encodedPath()).isEqualTo("/openai/deployments/gpt-4o/chat/completions");
    assertThat(r.getUrl().queryParameter("api-version")).isEqualTo("2025-04-01-preview");
    assertThat(r.getHeaders().get("api-key")).isEqualTo(ENV_KEY);
    assertThat(p.toString()).doesNotContain(ENV_KEY);
  }

  @Test
  void fromEnvReadsTheSameVariablesWithTheDefaultApiVersion() throws Exception {
    AzureOpenAiProvider p = AzureOpenAiProvider.fromEnv(Map.of(
        "AZURE_OPENAI_ENDPOINT", server.url("/").toString(), "AZURE_OPENAI_API_KEY", ENV_KEY)::get);
    RecordedRequest r = send(p);
    assertThat(r.getUrl().queryParameter("api-version"))
        .isEqualTo(AzureOpenAiProvider.DEFAULT_API_VERSION);
    assertThat(r.getHeaders().get("api-key")).isEqualTo(ENV_KEY);
  }

  @Test
  void whatTheBuilderIsGivenWinsOverTheEnvironment() throws Exception {
    AzureOpenAiProvider p = AzureOpenAiProvider.builder().environment(Map.of(
        "AZURE_OPENAI_ENDPOINT", "http://elsewhere.invalid", "AZURE_OPENAI_API_KEY", ENV_KEY,
        "OPENAI_API_VERSION", "2025-04-01-preview")::get)
        .baseUrl(server.url("/").toString()).apiKey(Secret.of("azure-explicit-0000"))
        .apiVersion("2024-06-01").build();
    RecordedRequest r = send(p);
    assertThat(r.getUrl().queryParameter("api-version")).isEqualTo("2024-06-01");
    assertThat(r.getHeaders().get("api-key")).isEqualTo("azure-explicit-0000");
  }

  @Test
  void aTokenSupplierIsTheCredentialAndTheEnvironmentsKeyIsNotSent() throws Exception {
    AzureOpenAiProvider p = AzureOpenAiProvider.builder().environment(Map.of(
        "AZURE_OPENAI_API_KEY", ENV_KEY)::get).baseUrl(server.url("/").toString())
        .tokenSupplier(() -> AccessToken.of("entra-token-0000",
            Instant.now().plusSeconds(3600)))
        .build();
    RecordedRequest r = send(p);
    assertThat(r.getHeaders().get("api-key")).isNull();
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer entra-token-0000");
  }

  @Test
  void withoutACredentialOrAnEndpointBuildFailsNamingTheVariable() {
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().environment(name -> null)
        .baseUrl(server.url("/").toString()).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AZURE_OPENAI_API_KEY")
        .hasMessageContaining("apiKey(Secret)").hasMessageContaining("tokenSupplier");
    assertThatThrownBy(() -> AzureOpenAiProvider.fromEnv(Map.of(
        "AZURE_OPENAI_API_KEY", ENV_KEY)::get))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("AZURE_OPENAI_ENDPOINT")
        .hasMessageNotContaining(ENV_KEY);
  }
}
