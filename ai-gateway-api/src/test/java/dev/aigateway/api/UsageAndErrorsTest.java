package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class UsageAndErrorsTest {

  @Test
  void usageValidatesAndAdds() {
    assertThat(Usage.of(3, 4).totalTokens()).isEqualTo(7);
    assertThat(Usage.of(3, 4, 1, 2).plus(Usage.of(1, 1)))
        .isEqualTo(new Usage(4, 5, 9, 1, 2));
    assertThatThrownBy(() -> Usage.of(-1, 0)).hasMessageContaining("inputTokens");
    assertThat(Usage.of(Integer.MAX_VALUE, 0).plus(Usage.of(1, 0)).inputTokens())
        .isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void retryabilityFollowsTheHierarchy() {
    assertThat(new ProviderUnavailableException("p", 503, null, "m", null).retryable()).isTrue();
    assertThat(new AuthenticationException("p", 401, null, "m", null).retryable()).isFalse();
    assertThat(new InvalidRequestException("p", 400, null, "m", null).retryable()).isFalse();
    assertThat(new ContextLengthExceededException("p", 400, null, "m", null))
        .isInstanceOf(InvalidRequestException.class);
    assertThat(new MalformedResponseException("p", 200, "m", null))
        .isInstanceOf(ProviderUnavailableException.class)
        .extracting(ProviderException::errorCode).isEqualTo("malformed_response");
    assertThat(new GatewayTimeoutException("p", GatewayTimeoutException.Phase.IDLE, "m", null)
        .retryable()).isTrue();
    assertThat(new GatewayTimeoutException("p", GatewayTimeoutException.Phase.DEADLINE, "m",
        null).retryable()).isFalse();
    ProviderRateLimitException limited = new ProviderRateLimitException(
        "p", 429, "rate_limit_exceeded", "m", Duration.ofSeconds(2), true, null);
    assertThat(limited.retryAfter()).contains(Duration.ofSeconds(2));
    assertThat(new RateLimitExceededException("c", "m", null).retryAfter()).isEmpty();
  }

  @Test
  void partialTextIsSetOnce() {
    AiGatewayException e = new ProviderUnavailableException("p", 0, null, "cut", null);
    assertThat(e.partialText()).isEmpty();
    e.initPartialText("Hello wor");
    e.initPartialText("ignored");
    assertThat(e.partialText()).contains("Hello wor");
  }

  @Test
  void allTargetsFailedListsAttemptsAndIsRetryableWhenAnyWas() {
    AiGatewayException auth = new AuthenticationException("a", 401, null, "bad key", null);
    AiGatewayException down = new ProviderUnavailableException("b", 503, null, "down", null);
    AllTargetsFailedException e = new AllTargetsFailedException("all failed", List.of(
        new AllTargetsFailedException.FailedAttempt("a", "m1", auth),
        new AllTargetsFailedException.FailedAttempt("b", "m2", down)));
    assertThat(e.attempts()).extracting(AllTargetsFailedException.FailedAttempt::provider)
        .containsExactly("a", "b");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getCause()).isSameAs(down);
  }
}
