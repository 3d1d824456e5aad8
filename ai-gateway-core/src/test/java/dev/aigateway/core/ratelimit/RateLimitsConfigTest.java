package dev.aigateway.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.spi.Target;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Configuration is validated when built, and every error names the bad field. */
class RateLimitsConfigTest {

  @Test
  void windowsMustBePositive() {
    assertThatThrownBy(() -> ClientLimit.builder().requests(0, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("requests amount")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> ClientLimit.builder().tokens(10, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens period");
    assertThatThrownBy(() -> ClientLimit.builder().tokens(10, null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tokens period");
    assertThatThrownBy(() -> ClientLimit.builder().allowedModels("gpt-4o", " "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("allowedModels[1]");
  }

  @Test
  void clientsAndTheAnonymousIdMustBeNamed() {
    ClientLimit limit = ClientLimit.requests(1, Duration.ofSeconds(1));
    assertThatThrownBy(() -> RateLimits.builder().client(" ", limit))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clientId");
    assertThatThrownBy(() -> RateLimits.builder().client("a", null))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("client 'a'");
    assertThatThrownBy(() -> RateLimits.builder().client("a", limit).client("a", limit))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'a' already");
    assertThatThrownBy(() -> RateLimits.builder().anonymousClient(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("anonymousClient");
    assertThatThrownBy(() -> OnExhausted.waitThenReject(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxWait");
  }

  @Test
  void upstreamLimitsMustNotBeNegative() {
    Target t = new Target("openai", "gpt-4o");
    assertThatThrownBy(() -> UpstreamLimits.builder().target(t, -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("requestsPerMinute of target openai/gpt-4o");
    assertThatThrownBy(() -> UpstreamLimits.builder().provider("openai", 1, -5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokensPerMinute of provider openai");
    assertThatThrownBy(() -> UpstreamLimits.builder().target(t, 1, 1).target(t, 2, 2))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("already");
  }

  @Test
  void aClientWithoutItsOwnLimitGetsTheDefault() {
    ClientLimit def = ClientLimit.requests(5, Duration.ofSeconds(1));
    ClientLimit vip = ClientLimit.requests(50, Duration.ofSeconds(1));
    RateLimits limits = RateLimits.builder().defaultLimit(def).client("vip", vip).build();

    assertThat(limits.limitFor("vip")).isSameAs(vip);
    assertThat(limits.limitFor("other")).isSameAs(def);
    assertThat(RateLimits.builder().build().limitFor("other")).isNull();
    assertThat(vip.toString()).contains("50 requests per 1s");
  }

  @Test
  void aWindowTooFastForTheBucketsIsRefusedWhenBuiltNotAtTheFirstCall() {
    assertThatThrownBy(() -> ClientLimit.builder()
        .tokens(1_000_000_000_000L, Duration.ofMinutes(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("tokens")
        .hasMessageContaining("faster than one per nanosecond");
    assertThat(ClientLimit.builder().tokens(10_000_000_000L, Duration.ofMinutes(1)).build())
        .isNotNull();
  }
}
