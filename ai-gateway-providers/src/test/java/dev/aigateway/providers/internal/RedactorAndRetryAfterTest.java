package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Set;
import okhttp3.Headers;
import okhttp3.Request;
import org.junit.jupiter.api.Test;

class RedactorAndRetryAfterTest {
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-11-25T10:00:00Z"), ZoneOffset.UTC);

  private static Redactor redactorFor(String header, String value) {
    return Redactor.forRequest(new Request.Builder().url("http://x.invalid/")
        .header(header, value).header("X-Custom", "custom-secret-1234").build(),
        Set.of("x-custom"));
  }

  @Test
  void credentialHeadersAndBearerTokensAreMasked() {
    Redactor r = redactorFor("Authorization", "Bearer tok-abcdefgh12345");
    assertThat(r.scrub("saw tok-abcdefgh12345 and custom-secret-1234"))
        .isEqualTo("saw [redacted] and [redacted]");
    assertThat(redactorFor("x-goog-api-key", "AIzaSyTESTKEY").scrub("key=AIzaSyTESTKEY"))
        .isEqualTo("key=[redacted]");
  }

  @Test
  void keysVendorsEchoArePartlyMaskedButWordsAreKept() {
    Redactor r = Redactor.none();
    assertThat(r.scrub("Incorrect API key provided: sk-proj-****wxyz. See docs."))
        .isEqualTo("Incorrect API key provided: [redacted] See docs.");
    assertThat(r.scrub("invalid_api_key: Incorrect API key provided"))
        .isEqualTo("invalid_api_key: Incorrect API key provided");
  }

  @Test
  void sanitizeKeepsTheTypeAndDropsALeakingCause() {
    Redactor r = redactorFor("api-key", "azure-key-0123456789");
    AiGatewayException clean = new ProviderUnavailableException("p", 503, "c", "down", null);
    assertThat(r.sanitize(clean)).isSameAs(clean);

    ProviderRateLimitException leaky = new ProviderRateLimitException("p", 429, "rl",
        "limit for azure-key-0123456789", Duration.ofSeconds(3), true,
        new IOException("sent azure-key-0123456789"));
    AiGatewayException safe = r.sanitize(leaky);
    assertThat(safe).isInstanceOf(ProviderRateLimitException.class)
        .hasMessage("limit for [redacted] (cause: java.io.IOException: sent [redacted])")
        .hasNoCause();
    assertThat(((ProviderRateLimitException) safe).retryAfter()).contains(Duration.ofSeconds(3));
    assertThat(safe.retryable()).isTrue();
  }

  @Test
  void retryAfterForms() {
    assertThat(RetryAfter.parse(Headers.of("retry-after-ms", "250.5"), CLOCK))
        .isEqualTo(Duration.ofNanos(250_500_000));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "7"), CLOCK))
        .isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "1.5"), CLOCK))
        .isEqualTo(Duration.ofMillis(1500));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "Wed, 25 Nov 2026 10:01:00 GMT"), CLOCK))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "Wed, 25 Nov 2026 09:00:00 GMT"), CLOCK))
        .as("a date in the past means now").isEqualTo(Duration.ZERO);
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "soon"), CLOCK)).isNull();
    assertThat(RetryAfter.parse(Headers.of("Retry-After", "-3"), CLOCK)).isNull();
    assertThat(RetryAfter.parse(Headers.of("retry-after-ms", "x", "Retry-After", "2"), CLOCK))
        .as("an unreadable retry-after-ms falls back to Retry-After")
        .isEqualTo(Duration.ofSeconds(2));
    assertThat(RetryAfter.parse(Headers.of(), CLOCK)).isNull();
  }
}
