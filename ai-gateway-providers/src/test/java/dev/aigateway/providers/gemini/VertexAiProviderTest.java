package dev.aigateway.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.testing.ManualClock;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Vertex AI's URLs, bearer tokens and settings; the wire format is Gemini's, in its own tests. */
class VertexAiProviderTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private static final String TOKEN = "ya29.vertex-token-0123456789abcdef";
  private static final Function<String, String> NO_VARIABLES = name -> null;
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

  /** A builder that reads no environment variable: the tests do not depend on the machine's. */
  private static VertexAiProvider.Builder builder() {
    return VertexAiProvider.builder().environment(NO_VARIABLES);
  }

  private TokenSupplier fixedToken() {
    return () -> AccessToken.of(TOKEN, clock.instant().plus(Duration.ofHours(1)));
  }

  private VertexAiProvider.Builder vertex() {
    return builder().baseUrl(server.url("/").toString()).project("acme-prod")
        .tokenSupplier(fixedToken()).clock(clock);
  }

  private RecordedRequest chatOnce(VertexAiProvider provider, String model) throws Exception {
    server.enqueue(Wire.json(200, GeminiFixtures.TEXT_RESPONSE));
    ChatResponse answer = provider.chat(ChatRequest.of(model, "hi"), Wire.FAIL_FAST);
    assertThat(answer.text()).isEqualTo("Hello there!");
    assertThat(answer.provider()).isEqualTo("vertex");
    return server.takeRequest();
  }

  @Test
  void theGlobalLocationAndARegionHaveTheirOwnHosts() {
    TokenSupplier tokens = fixedToken();
    VertexAiProvider global = builder().project("acme-prod")
        .tokenSupplier(tokens).build();
    assertThat(global.endpoint("gemini-2.5-flash", false)).isEqualTo(
        "https://aiplatform.googleapis.com/v1/projects/acme-prod/locations/global/publishers/"
            + "google/models/gemini-2.5-flash:generateContent");
    VertexAiProvider regional = builder().project("acme-prod")
        .location("europe-west4").apiVersion("v1beta1").tokenSupplier(tokens).build();
    assertThat(regional.endpoint("gemini-2.5-pro", true)).isEqualTo(
        "https://europe-west4-aiplatform.googleapis.com/v1beta1/projects/acme-prod/locations/"
            + "europe-west4/publishers/google/models/gemini-2.5-pro:streamGenerateContent?alt=sse");
    assertThat(regional.serverUri())
        .hasToString("https://europe-west4-aiplatform.googleapis.com:443");
    assertThat(regional.providerName()).isEqualTo("gcp.vertex_ai");
    assertThat(regional.id()).isEqualTo("vertex");
  }

  @Test
  void aModelIsANameAPublisherPathOrAResourceOfTheProject() {
    VertexAiProvider p = builder().project("acme-prod").location("us-central1")
        .tokenSupplier(fixedToken()).build();
    String base = "https://us-central1-aiplatform.googleapis.com/v1/projects/acme-prod/locations/"
        + "us-central1/";
    assertThat(p.endpoint("models/gemini-2.5-flash", false))
        .isEqualTo(base + "publishers/google/models/gemini-2.5-flash:generateContent");
    assertThat(p.endpoint("publishers/google/models/gemini-2.0-flash-001", false))
        .isEqualTo(base + "publishers/google/models/gemini-2.0-flash-001:generateContent");
    assertThat(p.endpoint("projects/acme-prod/locations/us-central1/endpoints/4711", false))
        .isEqualTo(base + "endpoints/4711:generateContent");
    for (String bad : List.of("", " ", "gemini/2.5", "projects/other/locations/x/endpoints/1",
        "publishers/google/gemini", "gemini?x=1", "gemini:generateContent")) {
      assertThatThrownBy(() -> p.endpoint(bad, false)).as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("is not a Vertex AI model");
    }
    assertThatThrownBy(() -> p.endpoint("publishers/anthropic/models/claude-sonnet-4-5@20250929",
        false)).as("Claude speaks Anthropic's format, not generateContent")
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("publisher 'anthropic'")
        .hasMessageContaining("AnthropicVertexProvider");
  }

  @Test
  void aTwoTurnToolLoopSendsTheCallsWithTheirSignatureAndIdsBackToVertex() throws Exception {
    VertexAiProvider p = vertex().location("us-central1").build();
    server.enqueue(Wire.json(200, GeminiReasoningTest.TOOL_TURN));
    ChatResponse first = p.chat(GeminiReasoningTest.firstTurn(), Wire.FAIL_FAST);
    assertThat(first.toolCalls()).hasSize(2);
    server.takeRequest();
    server.enqueue(Wire.json(200, GeminiFixtures.TEXT_RESPONSE));
    p.chat(GeminiReasoningTest.secondTurn(first), Wire.FAIL_FAST);
    RecordedRequest second = server.takeRequest();
    assertThat(second.getUrl().encodedPath()).endsWith(
        "/publishers/google/models/gemini-3-pro-preview:generateContent");
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(Wire.body(second).get("contents"))
        .isEqualTo(Wire.tree(GeminiReasoningTest.SECOND_TURN_CONTENTS));
  }

  @Test
  void everyRequestCarriesTheBearerTokenAndTheQuotaProject() throws Exception {
    VertexAiProvider p = vertex().location("us-east5").quotaProject("billing-proj").build();
    RecordedRequest sent = chatOnce(p, "gemini-2.5-flash");
    assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/projects/acme-prod/locations/us-east5/"
        + "publishers/google/models/gemini-2.5-flash:generateContent");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(sent.getHeaders().get("x-goog-user-project")).isEqualTo("billing-proj");
    assertThat(sent.getHeaders().get("x-goog-api-key")).isNull();
    assertThat(Wire.body(sent).path("contents").get(0).path("parts").get(0).path("text").asText())
        .isEqualTo("hi");
  }

  @Test
  void aStreamIsGeminisStreamOnVertexsPath() throws Exception {
    VertexAiProvider p = vertex().build();
    server.enqueue(Wire.sse(Wire.dataEvents(GeminiFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of("gemini-2.5-flash", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isNull();
    StreamAccumulator folded = new StreamAccumulator();
    sub.items().forEach(folded::accept);
    assertThat(folded.toResponse().text()).isNotEmpty();
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getUrl().encodedPath()).endsWith(
        "/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(sent.getUrl().query()).isEqualTo("alt=sse");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
  }

  @Test
  void tokensAreKeptAndRefreshedWithinTheMarginOfTheirExpiry() throws Exception {
    AtomicInteger fetches = new AtomicInteger();
    VertexAiProvider p = vertex().tokenRefreshMargin(Duration.ofMinutes(10))
        .tokenSupplier(() -> AccessToken.of("tok-" + fetches.incrementAndGet(),
            clock.instant().plus(Duration.ofHours(1)))).build();
    assertThat(chatOnce(p, "gemini-2.5-flash").getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-1");
    clock.advance(Duration.ofMinutes(49));
    assertThat(chatOnce(p, "gemini-2.5-flash").getHeaders().get("Authorization"))
        .as("11 minutes left, outside the margin").isEqualTo("Bearer tok-1");
    clock.advance(Duration.ofMinutes(2));
    assertThat(chatOnce(p, "gemini-2.5-flash").getHeaders().get("Authorization"))
        .isEqualTo("Bearer tok-2");
    assertThat(fetches).hasValue(2);
  }

  @Test
  void noValidTokenIsAnAuthenticationErrorAndNothingIsSent() {
    VertexAiProvider p = vertex().tokenSupplier(() -> {
      throw new java.io.IOException("metadata server unreachable");
    }).build();
    Throwable chat = catchThrowable(() -> p.chat(ChatRequest.of("gemini-2.5-flash", "hi"),
        Wire.FAIL_FAST));
    assertThat(chat).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("token supplier failed")
        .hasMessageContaining("metadata server unreachable");
    assertThat(((AuthenticationException) chat).errorCode()).isEqualTo("token_unavailable");
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of("gemini-2.5-flash", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isInstanceOf(AuthenticationException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void vertexErrorsAreGoogleRpcErrors() {
    VertexAiProvider p = vertex().build();
    server.enqueue(new MockResponse.Builder().code(429)
        .setHeader("Content-Type", "application/json; charset=UTF-8")
        .body(GeminiFixtures.error(429, "RESOURCE_EXHAUSTED",
            "Quota exceeded for aiplatform.googleapis.com/generate_content_requests_per_minute",
            GeminiFixtures.RETRY_INFO_13S)).build());
    Throwable e = catchThrowable(() -> p.chat(ChatRequest.of("gemini-2.5-flash", "hi"),
        Wire.FAIL_FAST));
    assertThat(e).isInstanceOf(ProviderRateLimitException.class)
        .hasMessageContaining("Quota exceeded");
    assertThat(((ProviderRateLimitException) e).retryAfter()).contains(Duration.ofSeconds(13));
  }

  @Test
  void badSettingsFailAtBuildNamingTheSetting() {
    assertThatThrownBy(() -> builder().tokenSupplier(fixedToken()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project(");
    assertThatThrownBy(() -> builder().project("p").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenSupplier(");
    assertThatThrownBy(() -> builder().project("my project"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("project must be a single path segment");
    assertThatThrownBy(() -> builder().location("us/central1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location");
    assertThatThrownBy(() -> builder().tokenRefreshMargin(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenRefreshMargin");
  }

  @Test
  void theTokenIsInNoToStringOrError() {
    VertexAiProvider p = vertex().build();
    assertThat(p.toString()).doesNotContain(TOKEN).contains("acme-prod").contains("global");
    server.enqueue(Wire.json(401, GeminiFixtures.error(401, "UNAUTHENTICATED",
        "Request had invalid authentication credentials.", null)));
    Throwable e = catchThrowable(() -> p.chat(ChatRequest.of("gemini-2.5-flash", "hi"),
        Wire.FAIL_FAST));
    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.toString()).doesNotContain(TOKEN);
    assertThat(AccessToken.of(TOKEN, T0).toString()).doesNotContain(TOKEN);
  }

  @Test
  void theProjectAndLocationComeFromGoogleCloudsVariablesWhenNotGiven() {
    java.util.Map<String, String> env = Map.of("GOOGLE_CLOUD_PROJECT", "env-project",
        "GOOGLE_CLOUD_LOCATION", "asia-northeast1");
    VertexAiProvider fromEnv = VertexAiProvider.builder().environment(env::get)
        .tokenSupplier(fixedToken()).build();
    assertThat(fromEnv.endpoint("gemini-2.5-flash", false)).isEqualTo(
        "https://asia-northeast1-aiplatform.googleapis.com/v1/projects/env-project/locations/"
            + "asia-northeast1/publishers/google/models/gemini-2.5-flash:generateContent");
    VertexAiProvider given = VertexAiProvider.builder().environment(env::get)
        .project("given").location("global").tokenSupplier(fixedToken()).build();
    assertThat(given.endpoint("gemini-2.5-flash", false)).as("what the builder is given wins")
        .isEqualTo("https://aiplatform.googleapis.com/v1/projects/given/locations/global/"
            + "publishers/google/models/gemini-2.5-flash:generateContent");
    assertThatThrownBy(() -> builder().tokenSupplier(fixedToken()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("GOOGLE_CLOUD_PROJECT");
    assertThatThrownBy(() -> VertexAiProvider.builder()
        .environment(Map.of("GOOGLE_CLOUD_PROJECT", "a b")::get)
        .tokenSupplier(fixedToken()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("GOOGLE_CLOUD_PROJECT must be a single path segment");
  }
}
