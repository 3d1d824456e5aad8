package dev.aigateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.testing.ManualClock;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiConformanceTest;
import dev.aigateway.providers.openai.OpenAiFixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What Azure adds to the OpenAI format: URLs, deployments, token auth, content filtering. */
class AzureOpenAiProviderTest {
  private static final String KEY = "azure-key-0123456789abcdef0123456789";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
  private final MockWebServer server = new MockWebServer();
  private final ManualClock clock = new ManualClock(T0);

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private AzureOpenAiProvider.Builder azure() {
    return AzureOpenAiProvider.builder().baseUrl(server.url("/").toString())
        .clock(clock);
  }

  private RecordedRequest chatOnce(AzureOpenAiProvider provider, String model) throws Exception {
    server.enqueue(Wire.json(200, OpenAiFixtures.TEXT_RESPONSE));
    assertThat(provider.chat(ChatRequest.of(model, "hi"), Wire.FAIL_FAST).text())
        .isEqualTo("Hello there!");
    return server.takeRequest();
  }

  @Test
  void deploymentUrlsMapModelsAndFallBackToTheModelName() throws Exception {
    AzureOpenAiProvider p = azure().apiKey(Secret.of(KEY)).apiVersion("2025-01-01-preview")
        .deployments(Map.of("gpt-4o", "prod 4o")).build();
    RecordedRequest mapped = chatOnce(p, "gpt-4o");
    assertThat(mapped.getUrl().encodedPath())
        .isEqualTo("/openai/deployments/prod%204o/chat/completions");
    assertThat(mapped.getUrl().queryParameter("api-version")).isEqualTo("2025-01-01-preview");
    RecordedRequest unmapped = chatOnce(p, "my-mini");
    assertThat(unmapped.getUrl().encodedPath())
        .isEqualTo("/openai/deployments/my-mini/chat/completions");
    assertThat(Wire.body(unmapped).has("model")).isFalse();
    assertThat(Wire.body(unmapped).has("max_tokens")).isFalse();
  }

  @Test
  void theV1ApiPutsTheDeploymentInTheBodyAndSendsNoApiVersion() throws Exception {
    AzureOpenAiProvider p = azure().apiKey(Secret.of(KEY)).v1Api()
        .deployment("gpt-4o", "prod-4o").build();
    RecordedRequest sent = chatOnce(p, "gpt-4o");
    assertThat(sent.getUrl().encodedPath()).isEqualTo("/openai/v1/chat/completions");
    assertThat(sent.getUrl().querySize()).isZero();
    assertThat(Wire.body(sent).path("model").asText()).isEqualTo("prod-4o");
    assertThat(sent.getHeaders().get("api-key")).isEqualTo(KEY);
  }

  @Test
  void aBaseUrlCopiedWithItsOpenAiPathIsAcceptedAsItIs() {
    for (String suffix : List.of("", "/", "/openai", "/openai/", "/openai/v1", "/openai/v1/")) {
      AzureOpenAiProvider p = AzureOpenAiProvider.builder()
          .baseUrl("https://res.openai.azure.com" + suffix).apiKey(Secret.of(KEY)).build();
      assertThat(p.endpoint("m")).as(suffix).isEqualTo(
          "https://res.openai.azure.com/openai/deployments/m/chat/completions?api-version="
              + AzureOpenAiProvider.DEFAULT_API_VERSION);
    }
  }

  @Test
  void bearerTokensAreCachedAndRefreshedBeforeTheyExpire() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    AzureOpenAiProvider p = azure().tokenSupplier(() -> AccessToken.of(
        "token-" + fetches.incrementAndGet(), clock.instant().plus(Duration.ofHours(1)))).build();

    assertThat(chatOnce(p, "m").getHeaders().get("Authorization")).isEqualTo("Bearer token-1");
    clock.advance(Duration.ofMinutes(50));
    assertThat(chatOnce(p, "m").getHeaders().get("Authorization"))
        .as("still more than 5 minutes left").isEqualTo("Bearer token-1");
    clock.advance(Duration.ofMinutes(6)); // 4 minutes before expiry: inside the margin
    RecordedRequest refreshed = chatOnce(p, "m");
    assertThat(refreshed.getHeaders().get("Authorization")).isEqualTo("Bearer token-2");
    assertThat(refreshed.getHeaders().get("api-key")).isNull();
    assertThat(fetches).hasValue(2);
  }

  @Test
  void aFailingTokenSupplierIsAnAuthenticationErrorAndNothingIsSent() {
    AzureOpenAiProvider p = azure().tokenSupplier(() -> {
      throw new IllegalStateException("no managed identity here");
    }).build();
    Throwable chat = catchThrowable(() -> p.chat(ChatRequest.of("m", "hi"), Wire.FAIL_FAST));
    assertThat(chat).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("token supplier failed").hasMessageContaining("no managed identity");
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isInstanceOf(AuthenticationException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void anExpiredTokenIsNeverSentButAStillValidOneOutlivesAFailedRefresh() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    AzureOpenAiProvider p = azure().tokenSupplier(() -> {
      if (calls.incrementAndGet() == 1) {
        return AccessToken.of("first", T0.plus(Duration.ofMinutes(10)));
      }
      throw new RuntimeException("identity endpoint down");
    }).build();
    assertThat(chatOnce(p, "m").getHeaders().get("Authorization")).isEqualTo("Bearer first");
    clock.advance(Duration.ofMinutes(7)); // inside the margin, refresh fails, token still valid
    assertThat(chatOnce(p, "m").getHeaders().get("Authorization")).isEqualTo("Bearer first");
    clock.advance(Duration.ofMinutes(4)); // expired
    assertThat(catchThrowable(() -> p.chat(ChatRequest.of("m", "hi"), Wire.FAIL_FAST)))
        .isInstanceOf(AuthenticationException.class);
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void contentFilteringIsMappedForAnswersAndPrompts() {
    AzureOpenAiProvider p = azure().apiKey(Secret.of(KEY)).build();
    server.enqueue(Wire.json(200, """
        {"id":"c","object":"chat.completion","model":"gpt-4o-2024-08-06",
         "prompt_filter_results":[{"prompt_index":0,"content_filter_results":{}}],
         "choices":[{"index":0,"finish_reason":"content_filter",
           "message":{"role":"assistant","content":"Partial"},
           "content_filter_results":{"violence":{"filtered":true,"severity":"medium"}}}],
         "usage":{"prompt_tokens":5,"completion_tokens":1,"total_tokens":6}}"""));
    ChatResponse cut = p.chat(ChatRequest.of("gpt-4o", "hi"), Wire.FAIL_FAST);
    assertThat(cut.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(cut.text()).isEqualTo("Partial");

    server.enqueue(Wire.json(400, """
        {"error":{"message":"The response was filtered due to the prompt triggering Azure
         OpenAI's content management policy.","type":null,"param":"prompt",
         "code":"content_filter","status":400}}""".replace("\n", "")));
    Throwable rejected =
        catchThrowable(() -> p.chat(ChatRequest.of("gpt-4o", "hi"), Wire.FAIL_FAST));
    assertThat(rejected).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("content management policy");
    assertThat(((ProviderException) rejected).errorCode()).isEqualTo("content_filter");
    assertThat(((ProviderException) rejected).retryable()).isFalse();
  }

  @Test
  void azureStreamsOpenWithAPromptFilterChunkThatCarriesNoChoices() {
    AzureOpenAiProvider p = azure().apiKey(Secret.of(KEY)).build();
    server.enqueue(Wire.sse(Wire.dataEvents(
        "{\"choices\":[],\"created\":0,\"id\":\"\",\"model\":\"\",\"object\":\"\","
            + "\"prompt_filter_results\":[{\"prompt_index\":0,\"content_filter_results\":"
            + "{\"hate\":{\"filtered\":false,\"severity\":\"safe\"}}}]}",
        "{\"choices\":[{\"content_filter_results\":{},\"delta\":{\"content\":\"Bon\","
            + "\"role\":\"assistant\"},\"finish_reason\":null,\"index\":0}],\"created\":1,"
            + "\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"object\":\"chat.completion.chunk\"}",
        "{\"choices\":[{\"content_filter_results\":{\"violence\":{\"filtered\":true,"
            + "\"severity\":\"medium\"}},\"delta\":{},\"finish_reason\":\"content_filter\","
            + "\"index\":0}],\"created\":1,\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\","
            + "\"object\":\"chat.completion.chunk\"}",
        "{\"choices\":[],\"id\":\"c1\",\"model\":\"gpt-4o-2024-08-06\",\"usage\":"
            + "{\"prompt_tokens\":7,\"completion_tokens\":1,\"total_tokens\":8}}",
        "[DONE]")));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of("gpt-4o", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    ChatResponse folded = acc.toResponse();
    assertThat(folded.text()).isEqualTo("Bon");
    assertThat(folded.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(folded.usage().inputTokens()).isEqualTo(7);
    assertThat(folded.model()).isEqualTo("gpt-4o-2024-08-06");
    // the prompt filter chunk's empty id is not the response's id: the first non-empty one is
    assertThat(folded.id()).isEqualTo("c1");
    assertThat(sub.items()).allSatisfy(c -> assertThat(c.id()).isEqualTo("c1"));
  }

  @Test
  void theBuilderNamesWhatIsWrong() {
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().apiKey(Secret.of(KEY)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseUrl");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().baseUrl("https://r.openai.azure.com")
        .build()).hasMessageContaining("apiKey").hasMessageContaining("tokenSupplier");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().baseUrl("https://r.openai.azure.com")
        .apiKey(Secret.of(KEY)).tokenSupplier(() -> null).build())
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().apiVersion(" "))
        .hasMessageContaining("apiVersion");
    assertThatThrownBy(() -> AzureOpenAiProvider.builder().deployment("gpt-4o", "a/b"))
        .hasMessageContaining("deployment for gpt-4o");
  }

  @Test
  void neitherTheKeyNorATokenShowsInToString() {
    AzureOpenAiProvider keyed = azure().apiKey(Secret.of(KEY)).build();
    assertThat(keyed.toString()).doesNotContain(KEY).contains("openai/deployments");
    AccessToken token =
        AccessToken.of("secret-token-xyz", T0);
    assertThat(token.toString()).doesNotContain("secret-token-xyz");
    AzureOpenAiProvider tokened = azure().tokenSupplier(() -> token).build();
    assertThat(tokened.toString()).doesNotContain("secret-token-xyz").contains("token supplier");
  }
}
