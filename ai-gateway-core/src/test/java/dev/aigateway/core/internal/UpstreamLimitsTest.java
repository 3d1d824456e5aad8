package dev.aigateway.core.internal;

import static dev.aigateway.core.internal.Calls.call;
import static dev.aigateway.core.internal.Calls.calls;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.ratelimit.UpstreamLimits;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.internal.Calls.Outcome;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A target whose vendor budget is empty is skipped for the fallback, never earning a 429. */
class UpstreamLimitsTest {
  private static final Target PRIMARY = new Target("openai", "gpt-4o");
  private final ManualTime time = new ManualTime();
  private final FakeProvider openai = Calls.provider("openai", Usage.of(5, 3));
  private final FakeProvider anthropic = Calls.provider("anthropic", Usage.of(5, 3));

  private UpstreamGate gate;

  /** A gateway whose gate the test can inspect (the one upstreamLimits(...) would build). */
  private AiGateway gateway(UpstreamLimits upstream) {
    gate = new UpstreamGate(upstream, RateLimitStage.meter(time.ticker()));
    return AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude-haiku-4-5").build())
        .targetGate(gate).timing(time.timing()).build();
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "stream={0}")
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void theBuilderInstallsUpstreamLimitsOnTheGatewaysTicker(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude-haiku-4-5").build())
        .upstreamLimits(limits().target(PRIMARY, 1, 0).build()).timing(time.timing()).build();
    assertThat(call(gateway, ask(1), stream).response().provider()).isEqualTo("openai");
    assertThat(call(gateway, ask(1), stream).response().provider())
        .as("the minute's one request is used: skipped").isEqualTo("anthropic");
    time.advance(java.time.Duration.ofMinutes(1));
    assertThat(call(gateway, ask(1), stream).response().provider()).isEqualTo("openai");
  }

  private UpstreamLimits.Builder limits() {
    return UpstreamLimits.builder().tokenCounter(Calls.FIXED);
  }

  private static ChatRequest ask(int tokens) {
    return ChatRequest.builder().model("support").user("hi")
        .metadata("tokens", Integer.toString(tokens)).build();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anEmptyRequestBudgetSendsTheCallToTheFallback(boolean stream) {
    AiGateway gateway = gateway(limits().target(PRIMARY, 2, 0).build());

    for (int i = 0; i < 2; i++) {
      assertThat(call(gateway, ask(1), stream).response().provider()).isEqualTo("openai");
    }
    Outcome third = call(gateway, ask(1), stream);

    assertThat(third.response().provider()).isEqualTo("anthropic");
    assertThat(calls(openai)).isEqualTo(2);
    assertThat(calls(anthropic)).isEqualTo(1);

    time.advance(Duration.ofSeconds(30)); // 2 a minute: one every 30 s
    assertThat(call(gateway, ask(1), stream).response().provider()).isEqualTo("openai");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void whenEveryTargetIsOverItsLimitTheFailureSaysWhy(boolean stream) {
    AiGateway gateway = gateway(limits().target(PRIMARY, 1, 0).provider("anthropic", 1, 0)
        .build());
    assertThat(call(gateway, ask(1), stream).ok()).isTrue();
    assertThat(call(gateway, ask(1), stream).ok()).isTrue();

    Outcome none = call(gateway, ask(1), stream);

    assertThat(none.error()).isInstanceOf(AllTargetsFailedException.class);
    AllTargetsFailedException e = (AllTargetsFailedException) none.error();
    assertThat(e.attempts()).hasSize(2).allSatisfy(a -> {
      assertThat(a.error()).isInstanceOf(ProviderRateLimitException.class);
      ProviderRateLimitException r = (ProviderRateLimitException) a.error();
      assertThat(r.errorCode()).isEqualTo(UpstreamLimits.ERROR_CODE);
      assertThat(r.retryAfter()).hasValue(Duration.ofMinutes(1));
    });
    assertThat(e.getMessage()).contains("1 requests per 1min");
    assertThat(calls(openai) + calls(anthropic)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void tokensPerMinuteAreReconciledWithTheUsage(boolean stream) {
    UpstreamLimits upstream = limits().target(PRIMARY, 0, 100).build();
    AiGateway gateway = gateway(upstream);

    // Estimated 50, used 8: the rest is refunded when the attempt ends.
    assertThat(call(gateway, ask(50), stream).response().provider()).isEqualTo("openai");
    assertThat(gate.quotaOf(PRIMARY).availableTokens()).isEqualTo(92);
    // 93 does not fit what is left: the fallback serves it.
    assertThat(call(gateway, ask(93), stream).response().provider()).isEqualTo("anthropic");
    assertThat(call(gateway, ask(92), stream).response().provider()).isEqualTo("openai");
    assertThat(calls(openai)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aProviderLimitAndATargetLimitAreTakenTogetherOrNotAtAll(boolean stream) {
    UpstreamLimits upstream = limits().target(PRIMARY, 5, 0).provider("openai", 0, 10).build();
    AiGateway gateway = gateway(upstream);

    // The provider's tokens refuse it: the target's request is given back.
    assertThat(call(gateway, ask(11), stream).response().provider()).isEqualTo("anthropic");

    assertThat(gate.quotaOf(PRIMARY).availableRequests()).isEqualTo(5);
  }
}
