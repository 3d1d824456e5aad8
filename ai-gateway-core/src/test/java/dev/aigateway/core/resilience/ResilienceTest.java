package dev.aigateway.core.resilience;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.AllTargetsFailedException.FailedAttempt;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retries, failover, circuit breakers, deadlines and the attempt listener, each for chat() and for
 * stream(). Time is a fake clock that the retry sleeper advances, so nothing here waits.
 */
class ResilienceTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final Scripted openai = new Scripted("openai");
  private final Scripted anthropic = new Scripted("anthropic");
  private final ManualTiming time = new ManualTiming();
  private final List<String> events = new CopyOnWriteArrayList<>();

  private static ProviderUnavailableException down() {
    return new ProviderUnavailableException("openai", 503, "server_error", "openai: HTTP 503", null);
  }

  private static ProviderRateLimitException limited(Duration retryAfter) {
    return new ProviderRateLimitException("openai", 429, "rate_limit_exceeded",
        "openai: HTTP 429", retryAfter, true, null);
  }

  private AiGateway gateway(Consumer<Resilience.Builder> settings) {
    return gateway(settings, Timeouts.none());
  }

  private AiGateway gateway(Consumer<Resilience.Builder> settings, Timeouts timeouts) {
    Resilience.Builder r = Resilience.builder();
    settings.accept(r);
    Resilience resilience = r.build();
    return AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude-sonnet-4-5").build())
        .resilience(resilience).timeouts(timeouts).timing(time.timing())
        .eventListener(new Recorder(events, resilience.classifier()))
        .build();
  }

  private static Timeouts total(Duration d) {
    return Timeouts.builder().total(d).build();
  }

  private AiGateway gateway() {
    return gateway(r -> {});
  }

  /** The answer, or the failure, of one call of the route "support". */
  private static Outcome call(AiGateway gateway, ChatRequest request, boolean stream) {
    if (!stream) {
      try {
        return new Outcome(gateway.chat(request), null, "");
      } catch (RuntimeException e) {
        return new Outcome(null, e, "");
      }
    }
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    StringBuilder text = new StringBuilder();
    sub.items().forEach(c -> text.append(c.textDelta()));
    return sub.error() == null ? new Outcome(acc.toResponse(), null, text.toString())
        : new Outcome(null, sub.error(), text.toString());
  }

  private static Outcome call(AiGateway gateway, boolean stream) {
    return call(gateway, ChatRequest.of("support", "hi"), stream);
  }

  record Outcome(ChatResponse response, Throwable error, String streamedText) {}

  // ---------------------------------------------------------------- retries

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void retryableFailuresAreRetriedTwiceWithBackoffAndJitterThenFailOver(boolean stream) {
    openai.failing(3, down());
    Outcome out = call(gateway(), stream);
    assertThat(out.error()).isNull();
    assertThat(out.response().provider()).isEqualTo("anthropic");
    assertThat(out.response().model()).isEqualTo("claude-sonnet-4-5");
    assertThat(out.response().attempts())
        .as("a folded stream reports its attempts too, from its first chunk").isEqualTo(4);
    assertThat(openai.calls()).isEqualTo(3);
    assertThat(anthropic.calls()).isEqualTo(1);
    assertThat(time.sleeps).hasSize(2);
    assertThat(time.sleeps.get(0)).as("0.5 s ± 25 %")
        .isBetween(Duration.ofMillis(375), Duration.ofMillis(625));
    assertThat(time.sleeps.get(1)).as("doubled: 1 s ± 25 %")
        .isBetween(Duration.ofMillis(750), Duration.ofMillis(1250));
    assertThat(events).containsExactly(
        "attempt openai/gpt-4o #1", "failure openai/gpt-4o #1 RETRY",
        "retry openai/gpt-4o #2 after " + time.sleeps.get(0).toMillis() + "ms",
        "attempt openai/gpt-4o #2", "failure openai/gpt-4o #2 RETRY",
        "retry openai/gpt-4o #3 after " + time.sleeps.get(1).toMillis() + "ms",
        "attempt openai/gpt-4o #3", "failure openai/gpt-4o #3 RETRY",
        "failover openai/gpt-4o -> anthropic/claude-sonnet-4-5",
        "attempt anthropic/claude-sonnet-4-5 #4", "success anthropic/claude-sonnet-4-5 #4");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theBackoffIsCappedAtItsMaximum(boolean stream) {
    openai.failing(6, down());
    call(gateway(r -> r.maxRetries(5).jitter(0).circuitBreaker(false)), stream);
    assertThat(time.sleeps).containsExactly(Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(8));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void retryAfterReplacesTheBackoff(boolean stream) {
    openai.failing(limited(Duration.ofSeconds(3)));
    Outcome out = call(gateway(), stream);
    assertThat(out.response().provider()).isEqualTo("openai");
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(3));
    assertThat(anthropic.calls()).isZero();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRateLimitWithoutRetryAfterUsesTheBackoff(boolean stream) {
    openai.failing(limited(null));
    call(gateway(r -> r.jitter(0)), stream);
    assertThat(time.sleeps).containsExactly(Duration.ofMillis(500));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRetryAfterBeyondTheCapFailsOverAtOnceAndCoolsTheTargetThatLong(boolean stream) {
    AiGateway gateway = gateway();
    openai.failing(limited(Duration.ofSeconds(120)));
    Outcome first = call(gateway, stream);
    assertThat(first.response().provider()).isEqualTo("anthropic");
    assertThat(time.sleeps).as("a 120 s wait is not waited out").isEmpty();
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o"))).isEqualTo(CircuitState.OPEN);

    time.advance(Duration.ofSeconds(119));
    Outcome second = call(gateway, stream);
    assertThat(second.response().provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).as("skipped without a call while cooling").isEqualTo(1);
    assertThat(events).contains("skipped openai/gpt-4o circuit_open");

    time.advance(Duration.ofSeconds(2));
    Outcome third = call(gateway, stream);
    assertThat(third.response().provider()).as("probed after the Retry-After").isEqualTo("openai");
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o")))
        .isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aWaitLongerThanTheRemainingDeadlineFailsOverInstead(boolean stream) {
    openai.failing(limited(Duration.ofSeconds(10)));
    Outcome out = call(gateway(), ChatRequest.builder().model("support").user("hi")
        .timeout(Duration.ofSeconds(5)).build(), stream);
    assertThat(out.response().provider()).isEqualTo("anthropic");
    assertThat(time.sleeps).isEmpty();
    assertThat(anthropic.contexts.get(0).timeout()).as("the fallback gets what is left")
        .isLessThanOrEqualTo(Duration.ofSeconds(5));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void everyTargetHasItsOwnRetryBudgetAndAllFailuresAreListedInOrder(boolean stream) {
    openai.failing(3, down());
    anthropic.failing(3, new ProviderUnavailableException("anthropic", 529, "overloaded_error",
        "anthropic: HTTP 529", null));
    Outcome out = call(gateway(), stream);
    assertThat(out.error()).isInstanceOf(AllTargetsFailedException.class)
        .hasMessageContaining("route 'support'").hasMessageContaining("6 attempt(s)");
    List<FailedAttempt> attempts = ((AllTargetsFailedException) out.error()).attempts();
    assertThat(attempts).extracting(FailedAttempt::provider).containsExactly(
        "openai", "openai", "openai", "anthropic", "anthropic", "anthropic");
    assertThat(attempts).extracting(a -> ((ProviderException) a.error()).statusCode())
        .containsExactly(503, 503, 503, 529, 529, 529);
    assertThat(((AiGatewayException) out.error()).retryable()).isTrue();
    assertThat(time.sleeps).hasSize(4);
  }

  // ---------------------------------------------------------------- classification

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aWrongRequestIsNeitherRetriedNorSentElsewhere(boolean stream) {
    InvalidRequestException bad = new InvalidRequestException("openai", 400,
        "invalid_request_error", "openai: HTTP 400 bad field", null);
    openai.failing(bad);
    Outcome out = call(gateway(), stream);
    assertThat(out.error()).isSameAs(bad);
    assertThat(openai.calls()).isEqualTo(1);
    assertThat(anthropic.calls()).isZero();
    for (int status : new int[] {404, 413, 422}) {
      openai.failing(new InvalidRequestException("openai", status, null, "no", null));
      assertThat(call(gateway(), stream).error()).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(openai.calls()).isEqualTo(4);
    assertThat(anthropic.calls()).isZero();
    assertThat(time.sleeps).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void authenticationAndContextLengthFailOverWithoutRetrying(boolean stream) {
    openai.failing(new AuthenticationException("openai", 401, "invalid_api_key", "bad key", null));
    assertThat(call(gateway(), stream).response().provider()).isEqualTo("anthropic");
    openai.failing(new ContextLengthExceededException("openai", 400, "context_length_exceeded",
        "too long", null));
    assertThat(call(gateway(), stream).response().provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).isEqualTo(2);
    assertThat(time.sleeps).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theClassificationCanBeChanged(boolean stream) {
    openai.failing(new InvalidRequestException("openai", 400, null, "picky model", null));
    Outcome out = call(gateway(r -> r.classifier(e -> e instanceof InvalidRequestException
        ? FailureAction.FAILOVER : FailureClassifier.DEFAULT.classify(e))), stream);
    assertThat(out.response().provider()).isEqualTo("anthropic");

    openai.failing(down());
    Outcome stop = call(gateway(r -> r.classifier(e -> FailureAction.FAIL)), stream);
    assertThat(stop.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(anthropic.calls()).isEqualTo(1);
  }

  // ---------------------------------------------------------------- classification and the breaker

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aBadKeyOrAnOverlongPromptNeverOpensTheVendorsBreaker(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0).failureThreshold(1));
    openai.failing(
        new AuthenticationException("openai", 401, "invalid_api_key", "bad key", null),
        new ContextLengthExceededException("openai", 400, "context_length_exceeded", "too long",
            null),
        new AuthenticationException("openai", 403, null, "forbidden", null));
    for (int i = 0; i < 3; i++) {
      assertThat(call(gateway, stream).response().provider()).isEqualTo("anthropic");
    }
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o")))
        .as("with a threshold of 1, any counted failure would have opened it")
        .isEqualTo(CircuitState.CLOSED);
    assertThat(openai.calls()).as("never skipped").isEqualTo(3);
    openai.failing(down());
    call(gateway, stream);
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o")))
        .as("while a 503 does count").isEqualTo(CircuitState.OPEN);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSingleProviderGatewayWithABadKeyThrowsAuthenticationException(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(openai).timing(time.timing()).build();
    AuthenticationException bad =
        new AuthenticationException("openai", 401, "invalid_api_key", "openai: bad key", null);
    openai.failing(bad);
    Throwable error = call(gateway, ChatRequest.of("gpt-4o", "hi"), stream).error();
    assertThat(error).as("catch (AuthenticationException e) works").isSameAs(bad);
    assertThat(openai.calls()).as("not retried").isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSingleCandidateThatExhaustsItsRetriesThrowsItsLastOwnFailure(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(openai).timing(time.timing()).build();
    openai.failing(3, down());
    Throwable error = call(gateway, ChatRequest.of("gpt-4o", "hi"), stream).error();
    assertThat(error).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((ProviderException) error).statusCode()).isEqualTo(503);
    assertThat(openai.calls()).isEqualTo(3);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void severalCandidatesFailWithAMessageThatSaysPerAttemptWhatHappened(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(1).failureThreshold(2));
    openai.failing(2, down());
    anthropic.failing(new AuthenticationException("anthropic", 401, null, "anthropic: bad key",
        null));
    Throwable error = call(gateway, stream).error();
    assertThat(error).isInstanceOf(AllTargetsFailedException.class)
        .hasMessageContaining("openai/gpt-4o attempt 1 failed: ProviderUnavailableException")
        .hasMessageContaining(
            "openai/gpt-4o attempt 2 failed and opened its circuit breaker: ProviderUnavailable")
        .hasMessageContaining("anthropic/claude-sonnet-4-5 attempt 3 failed: Authentication");
    anthropic.failing(new AuthenticationException("anthropic", 401, null, "anthropic: bad key",
        null));
    error = call(gateway, stream).error();
    assertThat(error).hasMessageContaining("openai/gpt-4o skipped: ProviderUnavailableException:"
        + " openai/gpt-4o: skipped, its circuit breaker is open");
  }

  // ---------------------------------------------------------------- circuit breaker

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theCircuitOpensAfterFiveFailuresSkipsThenProbesAfterTheCooldown(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0));
    Target target = new Target("openai", "gpt-4o");
    openai.failing(5, down());
    for (int i = 0; i < 5; i++) {
      assertThat(call(gateway, stream).response().provider()).isEqualTo("anthropic");
    }
    assertThat(gateway.circuitState(target)).isEqualTo(CircuitState.OPEN);
    assertThat(events).contains("circuit openai/gpt-4o CLOSED -> OPEN");

    Outcome skipped = call(gateway, stream);
    assertThat(skipped.response().provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).as("an open target is skipped without a call").isEqualTo(5);

    time.advance(Duration.ofSeconds(30));
    openai.failing(down()); // the probe fails: open again for another cooldown
    assertThat(call(gateway, stream).response().provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).isEqualTo(6);
    assertThat(events).contains("circuit openai/gpt-4o OPEN -> HALF_OPEN",
        "circuit openai/gpt-4o HALF_OPEN -> OPEN");
    time.advance(Duration.ofSeconds(29));
    call(gateway, stream);
    assertThat(openai.calls()).isEqualTo(6);

    time.advance(Duration.ofSeconds(1));
    assertThat(call(gateway, stream).response().provider()).as("the probe succeeds")
        .isEqualTo("openai");
    assertThat(gateway.circuitState(target)).isEqualTo(CircuitState.CLOSED);
    assertThat(events).contains("circuit openai/gpt-4o HALF_OPEN -> CLOSED");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aTargetWhoseCircuitOpensIsNotRetriedButFailedOverAtOnce(boolean stream) {
    openai.failing(3, down());
    Outcome out = call(gateway(r -> r.failureThreshold(2)), stream);
    assertThat(out.response().provider()).isEqualTo("anthropic");
    assertThat(openai.calls()).isEqualTo(2);
    assertThat(time.sleeps).as("no wait for a retry that would be skipped").hasSize(1);
    assertThat(events).containsSubsequence("failure openai/gpt-4o #2 RETRY",
        "circuit openai/gpt-4o CLOSED -> OPEN", "failover openai/gpt-4o -> anthropic/claude-sonnet-4-5");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void whenEveryTargetIsOpenTheCallFailsFastSayingWhy(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0).failureThreshold(1));
    openai.failing(down());
    anthropic.failing(new ProviderUnavailableException("anthropic", 529, null, "overloaded",
        null));
    assertThat(call(gateway, stream).error()).isInstanceOf(AllTargetsFailedException.class);
    Outcome fast = call(gateway, stream);
    assertThat(openai.calls() + anthropic.calls()).as("no call was sent").isEqualTo(2);
    assertThat(fast.error()).isInstanceOf(AllTargetsFailedException.class)
        .hasMessageContaining("openai/gpt-4o: skipped, its circuit breaker is open for another 30 s")
        .hasMessageContaining("anthropic/claude-sonnet-4-5: skipped");
    assertThat(((AllTargetsFailedException) fast.error()).attempts())
        .extracting(a -> ((ProviderException) a.error()).errorCode())
        .containsExactly("circuit_open", "circuit_open");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFailureRateOverAWindowOpensTheCircuit(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0).failureRate(50, 4, Duration.ofMinutes(1)));
    openai.answering().failing(down()).answering().failing(down());
    for (int i = 0; i < 4; i++) {
      call(gateway, stream);
    }
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o"))).isEqualTo(CircuitState.OPEN);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void wrongRequestsDoNotCountAgainstTheVendor(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0).failureThreshold(2));
    openai.failing(3, new InvalidRequestException("openai", 400, null, "bad", null));
    for (int i = 0; i < 3; i++) {
      assertThat(call(gateway, stream).error()).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o")))
        .isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void breakersCanBeTurnedOff(boolean stream) {
    AiGateway gateway = gateway(r -> r.maxRetries(0).circuitBreaker(false));
    openai.failing(10, down());
    for (int i = 0; i < 10; i++) {
      call(gateway, stream);
    }
    assertThat(openai.calls()).isEqualTo(10);
  }

  // ---------------------------------------------------------------- deadline

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theDeadlineCoversRetriesAndFallbacksTogether(boolean stream) {
    openai.failing(3, down());
    anthropic.failing(down());
    Outcome out = call(gateway(r -> r.jitter(0), total(Duration.ofMillis(1600))), stream);
    // 0.5 s + 1 s of backoff leave 0.1 s: the fallback gets it, fails, and its retry of 0.5 s
    // would outlast the deadline.
    assertThat(out.error()).isInstanceOf(AllTargetsFailedException.class);
    assertThat(anthropic.contexts.get(0).timeout()).isEqualTo(Duration.ofMillis(100));
    assertThat(openai.contexts.get(0).timeout()).isEqualTo(Duration.ofMillis(1600));
    assertThat(openai.contexts.get(1).timeout()).isEqualTo(Duration.ofMillis(1100));
    assertThat(openai.requests.get(0).timeout()).as("the request itself is not rewritten")
        .isNull();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aPassedDeadlineEndsTheCallWithATimeout(boolean stream) {
    openai.failing(3, down());
    Outcome out = call(gateway(r -> r.jitter(0).backoff(Duration.ofSeconds(2),
        Duration.ofSeconds(2)), total(Duration.ofSeconds(3))), stream);
    if (out.error() != null) {
      throw new AssertionError("unexpected failure", out.error());
    }
    // attempt 1 at 0 s, retry after 2 s, attempt 2 at 2 s; its retry would end at 4 s > 3 s:
    // fail over to anthropic with 1 s left, which answers.
    assertThat(out.error()).isNull();
    assertThat(out.response().provider()).isEqualTo("anthropic");
    time.sleeps.clear();
    openai.failing(3, down());
    anthropic.failing(3, down());
    Outcome late = call(gateway(r -> r.jitter(0).backoff(Duration.ofSeconds(2),
        Duration.ofSeconds(2)), total(Duration.ofSeconds(2))), stream);
    assertThat(late.error()).isInstanceOf(AllTargetsFailedException.class);
    time.advance(Duration.ofSeconds(5));
    ChatRequest expired = ChatRequest.builder().model("support").user("hi")
        .timeout(Duration.ofNanos(1)).build();
    time.sleeps.clear();
    Outcome none = call(gateway(r -> r.jitter(0)), expired, stream);
    assertThat(none.error()).satisfiesAnyOf(
        e -> assertThat(e).isInstanceOf(GatewayTimeoutException.class),
        e -> assertThat(e).isInstanceOf(AllTargetsFailedException.class));
  }

  // ---------------------------------------------------------------- streams after the first chunk

  @org.junit.jupiter.api.Test
  void aStreamThatBreaksAfterItsFirstChunkEndsWithThePartialTextAndIsNotRetried() {
    openai.breakingMidStream(down());
    Outcome out = call(gateway(), true);
    assertThat(out.streamedText()).isEqualTo("w0 w1 ");
    assertThat(out.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((AiGatewayException) out.error()).partialText()).contains("w0 w1 ");
    assertThat(openai.calls()).isEqualTo(1);
    assertThat(anthropic.calls()).isZero();
  }

  @org.junit.jupiter.api.Test
  void aFailureAfterTheFirstChunkCountsAgainstTheTarget() {
    AiGateway gateway = gateway(r -> r.failureThreshold(2));
    openai.breakingMidStream(down()).breakingMidStream(down());
    call(gateway, true);
    call(gateway, true);
    assertThat(gateway.circuitState(new Target("openai", "gpt-4o"))).isEqualTo(CircuitState.OPEN);
  }

  // ---------------------------------------------------------------- listener

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aThrowingListenerDoesNotBreakTheCall(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(openai).timing(time.timing())
        .eventListener(new GatewayEventListener() {
          @Override
          public void attemptStart(CallInfo call, Target target, int attempt) {
            throw new IllegalStateException("listener bug");
          }
        }).build();
    openai.failing(down());
    assertThat(call(gateway, ChatRequest.of("gpt-4o", "hi"), stream).response().provider())
        .isEqualTo("openai");
  }

  /**
   * Writes each resilience event as one line: attempts, their outcome (a failure with the
   * classifier's verdict), retries, failovers, skips and circuit changes.
   */
  static final class Recorder implements GatewayEventListener {
    private final List<String> events;
    private final FailureClassifier classifier;

    Recorder(List<String> events, FailureClassifier classifier) {
      this.events = events;
      this.classifier = classifier;
    }

    @Override
    public void attemptStart(CallInfo call, Target target, int attempt) {
      events.add("attempt " + target + " #" + attempt);
    }

    @Override
    public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
        Duration duration, int httpStatus, Throwable failure) {
      switch (outcome) {
        case SUCCESS -> events.add("success " + target + " #" + attempt);
        case FAILURE -> events.add("failure " + target + " #" + attempt + " "
            + classifier.classify(failure));
        case CANCELLED -> events.add("cancelled " + target + " #" + attempt);
      }
    }

    @Override
    public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
      events.add("retry " + target + " #" + nextAttempt + " after " + delay.toMillis() + "ms");
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {
      events.add("skipped " + target + " " + ((ProviderException) detail).errorCode());
    }

    @Override
    public void circuitStateChange(CallInfo call, Target target, CircuitState from,
        CircuitState to) {
      events.add("circuit " + target + " " + from + " -> " + to);
    }
  }

  static List<String> copy(List<String> l) {
    return new ArrayList<>(l);
  }
}
