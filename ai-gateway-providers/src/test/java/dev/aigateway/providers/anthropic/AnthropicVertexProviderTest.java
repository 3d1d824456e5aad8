package dev.aigateway.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
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
import java.util.function.Function;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Claude on Vertex AI: Vertex's URLs, bearer tokens and settings around Anthropic's Messages
 * format (which has its own tests), the body's {@code anthropic_version} in place of the model,
 * and both shapes of error.
 */
class AnthropicVertexProviderTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");
  private static final String TOKEN = "ya29.claude-on-vertex-0123456789abcdef";
  private static final String MODEL = "claude-sonnet-4-5@20250929";
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
  private static AnthropicVertexProvider.Builder builder() {
    return AnthropicVertexProvider.builder().environment(NO_VARIABLES);
  }

  private TokenSupplier fixedToken() {
    return () -> AccessToken.of(TOKEN, clock.instant().plus(Duration.ofHours(1)));
  }

  private AnthropicVertexProvider.Builder vertex() {
    return builder().baseUrl(server.url("/").toString()).project("acme-prod")
        .location("us-east5").tokenSupplier(fixedToken()).clock(clock);
  }

  @Test
  void theGlobalLocationAndARegionHaveTheirOwnHostsAndClaudesPaths() {
    AnthropicVertexProvider global = builder().project("acme-prod").tokenSupplier(fixedToken())
        .build();
    assertThat(global.endpoint(MODEL, false)).isEqualTo("https://aiplatform.googleapis.com/v1/"
        + "projects/acme-prod/locations/global/publishers/anthropic/models/" + MODEL
        + ":rawPredict");
    AnthropicVertexProvider regional = builder().project("acme-prod").location("europe-west1")
        .tokenSupplier(fixedToken()).build();
    assertThat(regional.endpoint(MODEL, true)).as("no alt=sse: streamRawPredict answers in SSE")
        .isEqualTo("https://europe-west1-aiplatform.googleapis.com/v1/projects/acme-prod/"
            + "locations/europe-west1/publishers/anthropic/models/" + MODEL + ":streamRawPredict");
    assertThat(regional.serverUri())
        .hasToString("https://europe-west1-aiplatform.googleapis.com:443");
    assertThat(regional.providerName()).isEqualTo("gcp.vertex_ai");
    assertThat(regional.id()).isEqualTo("vertex-anthropic");
  }

  @Test
  void aModelIsAnIdAPublisherPathOrAResourceOfTheProject() {
    AnthropicVertexProvider p = builder().project("acme-prod").location("us-east5")
        .tokenSupplier(fixedToken()).build();
    String base = "https://us-east5-aiplatform.googleapis.com/v1/projects/acme-prod/locations/"
        + "us-east5/";
    assertThat(p.endpoint("publishers/anthropic/models/claude-opus-4-1@20250805", false))
        .isEqualTo(base + "publishers/anthropic/models/claude-opus-4-1@20250805:rawPredict");
    assertThat(p.endpoint("models/claude-haiku-4-5@20251001", false))
        .isEqualTo(base + "publishers/anthropic/models/claude-haiku-4-5@20251001:rawPredict");
    String resource = "projects/acme-prod/locations/us-east5/publishers/anthropic/models/" + MODEL;
    assertThat(p.endpoint(resource, false)).isEqualTo(base.substring(0, base.indexOf("/v1/") + 4)
        + resource + ":rawPredict");
    for (String bad : List.of("", " ", "claude/4", "claude@", "claude@a@b",
        "projects/other/locations/us-east5/publishers/anthropic/models/claude",
        "publishers/anthropic/claude", "claude?x=1", "claude:rawPredict")) {
      assertThatThrownBy(() -> p.endpoint(bad, false)).as(bad)
          .isInstanceOf(InvalidRequestException.class)
          .hasMessageContaining("is not a Vertex AI model");
    }
    assertThatThrownBy(() -> p.endpoint("publishers/google/models/gemini-2.5-flash", false))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("publisher 'google'")
        .hasMessageContaining("VertexAiProvider");
  }

  @Test
  void theBodyCarriesAnthropicVersionInsteadOfTheModelAndTheHeadersTheToken() throws Exception {
    AnthropicVertexProvider p = vertex().quotaProject("billing-proj")
        .beta("context-1m-2025-08-07").build();
    server.enqueue(Wire.json(200, AnthropicFixtures.TEXT_RESPONSE));
    ChatResponse answer = p.chat(ChatRequest.builder().model(MODEL).system("Be brief.")
        .user("hi").maxTokens(300).build(), Wire.FAIL_FAST);
    assertThat(answer.provider()).isEqualTo("vertex-anthropic");
    assertThat(answer.text()).isNotEmpty();
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getUrl().encodedPath()).isEqualTo("/v1/projects/acme-prod/locations/us-east5/"
        + "publishers/anthropic/models/" + MODEL + ":rawPredict");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(sent.getHeaders().get("x-goog-user-project")).isEqualTo("billing-proj");
    assertThat(sent.getHeaders().get("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
    assertThat(sent.getHeaders().get("anthropic-version")).isNull();
    assertThat(sent.getHeaders().get("x-api-key")).isNull();
    assertThat(Wire.body(sent)).isEqualTo(Wire.tree("""
        {"anthropic_version":"vertex-2023-10-16","max_tokens":300,"system":"Be brief.",
         "messages":[{"role":"user","content":"hi"}]}"""));
  }

  @Test
  void extraReplacesTheVersionInOnePlaceAndVersionSetsIt() throws Exception {
    AnthropicVertexProvider p = vertex().version("vertex-2099-01-01").build();
    server.enqueue(Wire.json(200, AnthropicFixtures.TEXT_RESPONSE));
    p.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST);
    assertThat(Wire.body(server.takeRequest()).path("anthropic_version").asText())
        .isEqualTo("vertex-2099-01-01");
    server.enqueue(Wire.json(200, AnthropicFixtures.TEXT_RESPONSE));
    p.chat(ChatRequest.builder().model(MODEL).user("hi")
        .extra("anthropic_version", "vertex-from-extra").build(), Wire.FAIL_FAST);
    String body = server.takeRequest().getBody().utf8();
    assertThat(body).containsOnlyOnce("anthropic_version")
        .contains("\"anthropic_version\":\"vertex-from-extra\"");
  }

  @Test
  void aStreamIsAnthropicsStreamOnStreamRawPredict() throws Exception {
    AnthropicVertexProvider p = vertex().build();
    server.enqueue(Wire.sse(AnthropicFixtures.TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of(MODEL, "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isNull();
    StreamAccumulator folded = new StreamAccumulator();
    sub.items().forEach(folded::accept);
    assertThat(folded.toResponse().text()).isNotEmpty();
    assertThat(folded.toResponse().usage().totalTokens()).isPositive();
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getUrl().encodedPath()).endsWith(
        "/publishers/anthropic/models/" + MODEL + ":streamRawPredict");
    assertThat(sent.getUrl().query()).isNull();
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    JsonNode body = Wire.body(sent);
    assertThat(body.path("stream").asBoolean()).isTrue();
    assertThat(body.has("model")).isFalse();
  }

  @Test
  void aTwoTurnToolLoopSendsTheSignedThinkingBackToVertex() throws Exception {
    AnthropicVertexProvider p = vertex().build();
    server.enqueue(Wire.json(200, AnthropicReasoningTest.TOOL_TURN));
    ChatRequest firstTurn = AnthropicReasoningTest.firstTurn().toBuilder().model(MODEL).build();
    ChatResponse first = p.chat(firstTurn, Wire.FAIL_FAST);
    assertThat(first.toolCalls()).hasSize(1);
    assertThat(first.message().parts()).filteredOn(ContentPart.Reasoning.class::isInstance)
        .hasSize(2);
    server.takeRequest();
    server.enqueue(Wire.json(200, AnthropicFixtures.TEXT_RESPONSE));
    p.chat(AnthropicReasoningTest.secondTurn(first).toBuilder().model(MODEL).build(),
        Wire.FAIL_FAST);
    RecordedRequest second = server.takeRequest();
    assertThat(second.getUrl().encodedPath()).endsWith(
        "/publishers/anthropic/models/" + MODEL + ":rawPredict");
    assertThat(second.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    JsonNode body = Wire.body(second);
    assertThat(body.get("messages"))
        .isEqualTo(Wire.tree(AnthropicReasoningTest.SECOND_TURN_MESSAGES));
    assertThat(body.has("model")).isFalse();
  }

  @Test
  void noValidTokenIsAnAuthenticationErrorAndNothingIsSent() {
    AnthropicVertexProvider p = vertex().tokenSupplier(() -> {
      throw new java.io.IOException("metadata server unreachable");
    }).build();
    Throwable chat = catchThrowable(() -> p.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST));
    assertThat(chat).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("metadata server unreachable");
    assertThat(((AuthenticationException) chat).errorCode()).isEqualTo("token_unavailable");
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of(MODEL, "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isInstanceOf(AuthenticationException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void thePlatformsQuotaErrorIsARateLimitWithGooglesRetryDelay() {
    AnthropicVertexProvider p = vertex().build();
    server.enqueue(Wire.json(429, AnthropicVertexConformanceTest.googleError(429,
        "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com/"
            + "online_prediction_tokens_per_minute_per_base_model with base model: "
            + "anthropic-claude-sonnet-4-5.",
        "[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"21s\"}]")));
    Throwable e = catchThrowable(() -> p.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST));
    assertThat(e).isInstanceOf(ProviderRateLimitException.class)
        .hasMessageContaining("Quota exceeded");
    ProviderRateLimitException limited = (ProviderRateLimitException) e;
    assertThat(limited.errorCode()).isEqualTo("RESOURCE_EXHAUSTED");
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(21));
  }

  @Test
  void theTokenIsInNoToStringOrError() {
    AnthropicVertexProvider p = vertex().build();
    assertThat(p.toString()).doesNotContain(TOKEN).contains("acme-prod").contains("us-east5");
    server.enqueue(Wire.json(401, AnthropicVertexConformanceTest.googleError(401,
        "UNAUTHENTICATED", "Request had invalid authentication credentials. Expected OAuth 2"
            + " access token.", null)));
    Throwable e = catchThrowable(() -> p.chat(ChatRequest.of(MODEL, "hi"), Wire.FAIL_FAST));
    assertThat(e).isInstanceOf(AuthenticationException.class);
    assertThat(e.toString()).doesNotContain(TOKEN);
  }

  @Test
  void theProjectAndLocationComeFromGoogleCloudsVariablesWhenNotGiven() {
    Map<String, String> env = Map.of("GOOGLE_CLOUD_PROJECT", "env-project",
        "GOOGLE_CLOUD_LOCATION", "us-east5");
    AnthropicVertexProvider fromEnv = AnthropicVertexProvider.builder().environment(env::get)
        .tokenSupplier(fixedToken()).build();
    assertThat(fromEnv.endpoint(MODEL, false)).isEqualTo("https://us-east5-aiplatform."
        + "googleapis.com/v1/projects/env-project/locations/us-east5/publishers/anthropic/models/"
        + MODEL + ":rawPredict");
    AnthropicVertexProvider given = AnthropicVertexProvider.builder().environment(env::get)
        .project("given").location("global").tokenSupplier(fixedToken()).build();
    assertThat(given.endpoint(MODEL, false)).as("what the builder is given wins")
        .startsWith("https://aiplatform.googleapis.com/v1/projects/given/locations/global/");
  }

  @Test
  void badSettingsFailAtBuildNamingTheSetting() {
    assertThatThrownBy(() -> builder().tokenSupplier(fixedToken()).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("project(")
        .hasMessageContaining("GOOGLE_CLOUD_PROJECT");
    assertThatThrownBy(() -> builder().project("p").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokenSupplier(");
    assertThatThrownBy(() -> builder().location("us/east5"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("location");
    assertThatThrownBy(() -> builder().version(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> builder().beta("a,b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("','");
    assertThatThrownBy(() -> builder().defaultMaxTokens(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultMaxTokens");
  }
}
