package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static dev.aigateway.providers.openai.OpenAiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Errors from the status and OpenAI's error body onto the gateway's exceptions, checked for
 * chat() and for stream() (where they arrive before the first event).
 */
class OpenAiErrorMappingTest {
  private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

  private final MockWebServer server = new MockWebServer();
  private OpenAiProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = provider(server).clock(Clock.fixed(NOW, ZoneOffset.UTC)).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Throwable fail(MockResponse response, boolean stream) {
    server.enqueue(response);
    return failure(provider, stream);
  }

  static Throwable failure(OpenAiProvider provider, boolean stream) {
    return failure(provider, stream, Wire.FAIL_FAST);
  }

  static Throwable failure(OpenAiProvider provider, boolean stream, AttemptContext attempt) {
    ChatRequest request = ChatRequest.of("gpt-4o", "hi");
    if (!stream) {
      return catchThrowable(() -> provider.chat(request, attempt));
    }
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(request, attempt).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(10));
    assertThat(sub.items()).isEmpty();
    assertThat(sub.violations()).isEmpty();
    return sub.error();
  }

  private static String error(String type, String code, String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"" + type
        + "\",\"param\":null,\"code\":" + (code == null ? "null" : "\"" + code + "\"") + "}}";
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void badRequestAndContextLength(boolean stream) {
    Throwable bad = fail(json(400, error("invalid_request_error", null, "Unrecognized request argument")), stream);
    assertThat(bad).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("HTTP 400").hasMessageContaining("Unrecognized request argument");
    assertThat(((ProviderException) bad).errorCode()).isEqualTo("invalid_request_error");
    assertThat(((ProviderException) bad).retryable()).isFalse();

    Throwable ctx = fail(json(400, error("invalid_request_error", "context_length_exceeded",
        "This model's maximum context length is 128000 tokens.")), stream);
    assertThat(ctx).isInstanceOf(ContextLengthExceededException.class);
    assertThat(((ProviderException) ctx).errorCode()).isEqualTo("context_length_exceeded");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void authenticationAndPermission(boolean stream) {
    assertThat(fail(json(401, error("invalid_request_error", "invalid_api_key", "Incorrect API key provided")), stream))
        .isInstanceOf(AuthenticationException.class);
    assertThat(fail(json(403, error("invalid_request_error", "unsupported_country_region_territory", "Country not supported")), stream))
        .isInstanceOf(AuthenticationException.class)
        .satisfies(e -> assertThat(((ProviderException) e).statusCode()).isEqualTo(403));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void notFoundTooLargeAndUnprocessableAreInvalidRequests(boolean stream) {
    for (int status : new int[] {404, 413, 422}) {
      Throwable t = fail(json(status, error("invalid_request_error", "model_not_found", "nope")), stream);
      assertThat(t).as("status %d", status).isExactlyInstanceOf(InvalidRequestException.class);
      assertThat(((ProviderException) t).statusCode()).isEqualTo(status);
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void rateLimitsCarryRetryAfterFromEachHeaderForm(boolean stream) {
    ProviderRateLimitException ms = (ProviderRateLimitException) fail(new MockResponse.Builder()
        .code(429).setHeader("retry-after-ms", "1500").setHeader("Retry-After", "9")
        .setHeader("Content-Type", "application/json")
        .body(error("requests", "rate_limit_exceeded", "Rate limit reached")).build(), stream);
    assertThat(ms.retryAfter()).contains(Duration.ofMillis(1500));
    assertThat(ms.retryable()).isTrue();
    assertThat(ms.errorCode()).isEqualTo("rate_limit_exceeded");

    ProviderRateLimitException seconds = (ProviderRateLimitException) fail(new MockResponse.Builder()
        .code(429).setHeader("Retry-After", "20").body("").build(), stream);
    assertThat(seconds.retryAfter()).contains(Duration.ofSeconds(20));

    ProviderRateLimitException date = (ProviderRateLimitException) fail(new MockResponse.Builder()
        .code(429).setHeader("Retry-After", "Wed, 25 Nov 2026 10:00:30 GMT").body("").build(), stream);
    assertThat(date.retryAfter()).contains(Duration.ofSeconds(30));

    ProviderRateLimitException none = (ProviderRateLimitException) fail(json(429,
        error("tokens", "rate_limit_exceeded", "slow down")), stream);
    assertThat(none.retryAfter()).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void exhaustedQuotaIsARateLimitThatWaitingCannotFix(boolean stream) {
    Throwable t = fail(json(429, error("insufficient_quota", "insufficient_quota",
        "You exceeded your current quota")), stream);
    assertThat(t).isInstanceOf(ProviderRateLimitException.class);
    assertThat(((AiGatewayException) t).retryable()).isFalse();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void serverErrorsTimeoutsAndConflictsAreRetryable(boolean stream) {
    for (int status : new int[] {500, 502, 503, 504, 408}) {
      Throwable t = fail(json(status, error("server_error", null, "The server had an error")), stream);
      assertThat(t).as("status %d", status).isInstanceOf(ProviderUnavailableException.class);
      assertThat(((ProviderException) t).statusCode()).isEqualTo(status);
    }
    Throwable conflict = fail(json(409, error("conflict", null, "try again")), stream);
    assertThat(((AiGatewayException) conflict).retryable()).isTrue();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anHtmlErrorPageStillGivesATypedErrorWithItsStatus(boolean stream) {
    Throwable t = fail(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html")
        .body("<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center>"
            + "</body></html>").build(), stream);
    assertThat(t).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("HTTP 502").hasMessageContaining("text/html")
        .hasMessageContaining("502 Bad Gateway");
    assertThat(((ProviderException) t).errorCode()).isNull();
    Throwable empty = fail(new MockResponse.Builder().code(503).body("").build(), stream);
    assertThat(empty).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("empty body");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aPageNotFoundNamesTheUrlThatWasCalled(boolean stream) {
    // a base URL without its /v1: the server's own 404 page, not a vendor error
    Throwable t = fail(new MockResponse.Builder().code(404).setHeader("Content-Type", "text/html")
        .body("<html><head><title>404 Not Found</title></head><body>nginx</body></html>")
        .build(), stream);
    assertThat(t).isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("HTTP 404").hasMessageContaining("404 Not Found")
        .hasMessageContaining("POST http://" + server.getHostName() + ":" + server.getPort()
            + "/v1/chat/completions does not exist")
        .hasMessageContaining("check the base URL");
    // the vendor's own 404 (a model it does not know) is left as the vendor said it
    Throwable model = fail(json(404, error("invalid_request_error", "model_not_found",
        "The model does not exist")), stream);
    assertThat(model).hasMessageContaining("model_not_found")
        .hasMessageNotContaining("check the base URL");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void topLevelErrorBodiesOfCompatibleServersAreRead(boolean stream) {
    Throwable t = fail(json(422, "{\"object\":\"error\",\"message\":\"Extra inputs are not"
        + " permitted\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}"), stream);
    assertThat(t).isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("Extra inputs are not permitted");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void redirectsAreNotFollowedSoTheKeyCannotTravel(boolean stream) {
    Throwable t = fail(new MockResponse.Builder().code(307)
        .setHeader("Location", "https://evil.example/v1/chat/completions").body("").build(), stream);
    assertThat(t).isExactlyInstanceOf(ProviderException.class)
        .hasMessageContaining("redirect").hasMessageContaining("evil.example");
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRefusedConnectionIsUnavailability(boolean stream) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    OpenAiProvider dead = OpenAiProvider.builder().baseUrl("http://127.0.0.1:" + port + "/v1")
        .apiKey(Secret.of("sk-x-000000")).build();
    Throwable t = failure(dead, stream);
    assertThat(t).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("cannot connect");
    assertThat(((ProviderException) t).statusCode()).isZero();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSilentServerTripsTheAttemptsIdleTimeout(boolean stream) {
    server.enqueue(new MockResponse.Builder().headersDelay(3, java.util.concurrent.TimeUnit.SECONDS)
        .body("{}").build());
    Throwable t = failure(provider, stream,
        AttemptContext.of(null, null, null, Duration.ofMillis(200), 1));
    assertThat(t).isInstanceOf(GatewayTimeoutException.class);
    assertThat(((GatewayTimeoutException) t).phase())
        .isEqualTo(GatewayTimeoutException.Phase.FIRST_CHUNK);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theRequestTimeoutBoundsTheWholeExchange(boolean stream) {
    server.enqueue(new MockResponse.Builder().headersDelay(3, java.util.concurrent.TimeUnit.SECONDS)
        .body("{}").build());
    ChatRequest request = ChatRequest.builder().model("m").user("hi")
        .timeout(Duration.ofMillis(200)).build();
    Throwable t;
    if (!stream) {
      t = catchThrowable(() -> provider.chat(request, Wire.FAIL_FAST));
    } else {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      provider.stream(request).subscribe(sub);
      sub.awaitTerminal(Duration.ofSeconds(10));
      t = sub.error();
    }
    assertThat(t).isInstanceOf(GatewayTimeoutException.class);
    assertThat(((GatewayTimeoutException) t).phase())
        .isEqualTo(GatewayTimeoutException.Phase.DEADLINE);
    assertThat(((AiGatewayException) t).retryable()).isFalse();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anUnreadableKeyIsAnAuthenticationErrorAndNothingIsSent(boolean stream) {
    OpenAiProvider noKey = provider(server)
        .apiKey(Secret.env("AI_GATEWAY_SURELY_UNSET_VARIABLE")).build();
    Throwable t = failure(noKey, stream);
    assertThat(t).isInstanceOf(AuthenticationException.class)
        .hasMessageContaining("AI_GATEWAY_SURELY_UNSET_VARIABLE");
    assertThat(((ProviderException) t).statusCode()).isZero();
    assertThat(server.getRequestCount()).isZero();
  }
}
