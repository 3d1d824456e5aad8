package dev.aigateway.core.internal;

import static dev.aigateway.core.internal.Calls.FIXED;
import static dev.aigateway.core.internal.Calls.call;
import static dev.aigateway.core.internal.Calls.calls;
import static dev.aigateway.core.internal.Calls.request;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AccessDeniedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.internal.Calls.Outcome;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.OnExhausted;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.ratelimit.TokenCounter;
import dev.aigateway.core.ratelimit.UpstreamLimits;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The per-client rate limit through a gateway, each behaviour for chat() and for stream(). Time
 * is a {@link ManualTime}: buckets refill only when a test advances it or a wait "sleeps".
 */
class RateLimitStageTest {
  private final ManualTime time = new ManualTime();
  private final FakeProvider openai = Calls.provider("openai", Usage.of(5, 3));
  private RateLimitStage limiter;

  private AiGateway gateway(Consumer<RateLimits.Builder> config, ChatInterceptor... below) {
    return gateway(config, time.timing(), below);
  }

  private AiGateway gateway(
      Consumer<RateLimits.Builder> config, Timing timing, ChatInterceptor... below) {
    RateLimits.Builder b = RateLimits.builder().tokenCounter(FIXED);
    config.accept(b);
    limiter = new RateLimitStage(b.build(), timing.ticker());
    AiGateway.Builder g = AiGateway.builder().provider(openai).interceptor(limiter).timing(timing);
    for (ChatInterceptor i : below) {
      g.interceptor(i);
    }
    return g.build();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void rejectsAtOnceWithoutCallingTheVendor(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(
        ClientLimit.requests(2, Duration.ofMinutes(1))));

    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    Outcome third = call(gateway, request("app", 1), stream);

    assertThat(third.error()).isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("client 'app'").hasMessageContaining("2 requests per 1min");
    RateLimitExceededException e = (RateLimitExceededException) third.error();
    assertThat(e.clientId()).isEqualTo("app");
    assertThat(e.retryable()).isTrue();
    // Greedy refill: 2 a minute is one every 30 s.
    assertThat(e.retryAfter()).hasValue(Duration.ofSeconds(30));
    assertThat(calls(openai)).isEqualTo(2);

    time.advance(Duration.ofSeconds(30));
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    assertThat(calls(openai)).isEqualTo(3);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aNoisyClientIsThrottledWhileAQuietOneIsNot(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(
        ClientLimit.requests(3, Duration.ofMinutes(1))));

    int noisyServed = 0;
    for (int i = 0; i < 10; i++) {
      if (call(gateway, request("noisy", 1), stream).ok()) {
        noisyServed++;
      }
    }
    Outcome quiet = call(gateway, request("quiet", 1), stream);

    assertThat(noisyServed).isEqualTo(3);
    assertThat(quiet.ok()).isTrue();
    assertThat(calls(openai)).isEqualTo(4);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void requestsWithoutClientIdAreChargedToTheAnonymousClient(boolean stream) {
    AiGateway gateway = gateway(b -> b.anonymousClient("nobody")
        .client("nobody", ClientLimit.requests(1, Duration.ofMinutes(1))));
    ChatRequest anonymous = ChatRequest.of("gpt-4o", "hi");

    assertThat(call(gateway, anonymous, stream).ok()).isTrue();
    Outcome second = call(gateway, anonymous, stream);

    assertThat(second.error()).isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("client 'nobody'");
    assertThat(((RateLimitExceededException) second.error()).clientId()).isNull();
    // A client with no limit and no default is not limited.
    assertThat(call(gateway, request("someone", 1), stream).ok()).isTrue();
    assertThat(call(gateway, request("someone", 1), stream).ok()).isTrue();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aDisallowedModelIsDeniedNamingClientAndModel(boolean stream) {
    AiGateway gateway = gateway(b -> b.client("intern",
        ClientLimit.builder().allowedModels("gpt-4o-mini", "cheap").build()));

    Outcome denied = call(gateway, ChatRequest.builder().model("gpt-4o").user("hi")
        .clientId("intern").build(), stream);
    Outcome allowed = call(gateway, ChatRequest.builder().model("gpt-4o-mini").user("hi")
        .clientId("intern").build(), stream);

    assertThat(denied.error()).isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("'intern'").hasMessageContaining("'gpt-4o'");
    AccessDeniedException e = (AccessDeniedException) denied.error();
    assertThat(e.clientId()).isEqualTo("intern");
    assertThat(e.model()).isEqualTo("gpt-4o");
    assertThat(e.retryable()).isFalse();
    assertThat(allowed.ok()).isTrue();
    assertThat(calls(openai)).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCallRefusedByOneWindowUsesNoneOfTheOthers(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .requests(2, Duration.ofSeconds(1)).requests(3, Duration.ofMinutes(1)).build()));

    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    // Refused by the second window; the minute window keeps its last request.
    assertThat(call(gateway, request("app", 1), stream).error())
        .hasMessageContaining("2 requests per 1s");
    time.advance(Duration.ofSeconds(1));
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    Outcome minute = call(gateway, request("app", 1), stream);

    assertThat(minute.error()).hasMessageContaining("3 requests per 1min");
    assertThat(calls(openai)).isEqualTo(3);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCallRefusedForTokensGivesItsRequestBack(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .requests(5, Duration.ofMinutes(1)).tokens(100, Duration.ofMinutes(1)).build()));

    assertThat(call(gateway, request("app", 60), stream).ok()).isTrue(); // reconciled to 8
    Outcome big = call(gateway, request("app", 95), stream);
    assertThat(big.error()).isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("100 tokens per 1min");
    int served = 0;
    for (int i = 0; i < 6; i++) {
      if (call(gateway, request("app", 1), stream).ok()) {
        served++;
      }
    }

    assertThat(served).isEqualTo(4); // 5 requests in all: the refused one took none
    assertThat(calls(openai)).isEqualTo(5);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCallLargerThanTheWindowIsRejectedWithoutRetryAfter(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .tokens(100, Duration.ofMinutes(1)).build()));

    Outcome huge = call(gateway, request("app", 101), stream);

    assertThat(huge.error()).isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("101 tokens").hasMessageContaining("100 tokens per 1min");
    assertThat(((RateLimitExceededException) huge.error()).retryAfter()).isEmpty();
    assertThat(calls(openai)).isZero();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theEstimateIsReconciledWithTheRealUsage(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .tokens(100, Duration.ofMinutes(1)).build()));

    // Estimated 10 input + 20 maxTokens = 30; used 5 + 3 = 8: 22 refunded.
    ChatRequest withMax = request("app", 10).toBuilder().maxTokens(20).build();
    assertThat(call(gateway, withMax, stream).ok()).isTrue();
    assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(92);
    // Estimated 1, used 8: 7 more charged.
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(84);
    // What is left is what the next calls may use.
    assertThat(call(gateway, request("app", 85), stream).error())
        .isInstanceOf(RateLimitExceededException.class);
    assertThat(call(gateway, request("app", 84), stream).ok()).isTrue();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void usageOverTheEstimateIsChargedIntoDebt(boolean stream) {
    FakeProvider verbose = Calls.provider("openai", Usage.of(50, 100));
    AiGateway gateway = AiGateway.builder().provider(verbose)
        .interceptor(limiter = new RateLimitStage(RateLimits.builder()
            .tokenCounter(FIXED).defaultLimit(ClientLimit.builder()
                .tokens(100, Duration.ofMinutes(1)).build()).build(), time.ticker()))
        .timing(time.timing())
        .build();

    assertThat(call(gateway, request("app", 10), stream).ok()).isTrue();

    assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(-50);
    Outcome next = call(gateway, request("app", 1), stream);
    assertThat(next.error()).isInstanceOf(RateLimitExceededException.class);
    // 51 tokens at 100 a minute: 30.6 s.
    assertThat(((RateLimitExceededException) next.error()).retryAfter())
        .hasValue(Duration.ofMillis(30_600));
  }

  @Test
  void aStreamIsChargedAsItsUsageArrives() {
    openai.onStream(r -> ChunkPublisher.of(List.of(
        ChatChunk.text("openai", r.model(), "a"),
        ChatChunk.of("r", "openai", r.model(), "b", null,
            dev.aigateway.api.FinishReason.STOP, Usage.of(30, 10)))));
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .tokens(100, Duration.ofMinutes(1)).build()));

    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway.stream(request("app", 5)).subscribe(sub);
    sub.awaitItems(1, Calls.WAIT);
    long beforeUsage = limiter.quotaOf("app").availableTokens();
    sub.request(1);
    sub.awaitTerminal(Calls.WAIT);

    assertThat(beforeUsage).isEqualTo(95);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(60);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void cacheHitsCountAsRequestsButNotAsTokens(boolean stream) {
    ChatInterceptor cache = chain -> {
      ((RealCall) chain.call()).cache(
          dev.aigateway.api.spi.GatewayEventListener.CacheOutcome.HIT);
      ChatResponse cached = ChatResponse.builder().id("c").provider("openai").model("gpt-4o")
          .text("cached").finishReason(dev.aigateway.api.FinishReason.STOP)
          .usage(Usage.of(40, 40)).fromCache(true).attempts(0).build();
      return chain.isStreaming()
          ? ChatResult.ofStream(ChunkPublisher.of(List.of(
              ChatChunk.text("openai", "gpt-4o", "cached"),
              ChatChunk.of("c", "openai", "gpt-4o", "", null,
                  dev.aigateway.api.FinishReason.STOP, Usage.of(40, 40)))))
          : ChatResult.of(cached);
    };
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .requests(3, Duration.ofMinutes(1)).tokens(100, Duration.ofMinutes(1)).build()), cache);

    for (int i = 0; i < 3; i++) {
      Outcome hit = call(gateway, request("app", 60), stream);
      assertThat(hit.ok()).as("hit %d: %s", i, hit.error()).isTrue();
      assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(100);
    }
    Outcome fourth = call(gateway, request("app", 1), stream);

    assertThat(fourth.error()).isInstanceOf(RateLimitExceededException.class)
        .hasMessageContaining("3 requests per 1min");
    assertThat(calls(openai)).isZero();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCallThatFailedBeforeAnAnswerHasItsTokensRefunded(boolean stream) {
    openai.onChat(r -> {
      throw new InvalidRequestException("openai", 400, "bad", "openai: HTTP 400", null);
    });
    openai.onStream(r -> {
      throw new InvalidRequestException("openai", 400, "bad", "openai: HTTP 400", null);
    });
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.builder()
        .requests(5, Duration.ofMinutes(1)).tokens(100, Duration.ofMinutes(1)).build()));

    assertThat(call(gateway, request("app", 70), stream).error())
        .isInstanceOf(InvalidRequestException.class);

    assertThat(limiter.quotaOf("app").availableTokens()).isEqualTo(100);
    assertThat(limiter.quotaOf("app").availableRequests()).isEqualTo(4);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void waitingModeWaitsForTheRefillThenProceeds(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.requests(1, Duration.ofSeconds(2)))
        .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(5))));

    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    Outcome waited = call(gateway, request("app", 1), stream);

    assertThat(waited.ok()).isTrue();
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(2));
    assertThat(calls(openai)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void waitingModeRejectsAtOnceWhenTheRefillIsTooFarOff(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.requests(1, Duration.ofSeconds(2)))
        .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(1))));

    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    Outcome refused = call(gateway, request("app", 1), stream);

    assertThat(refused.error()).isInstanceOf(RateLimitExceededException.class);
    assertThat(((RateLimitExceededException) refused.error()).retryAfter())
        .hasValue(Duration.ofSeconds(2));
    assertThat(time.sleeps).isEmpty();
    assertThat(calls(openai)).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void waitThenProceedWaitsItsMaximumThenGoesIntoDebt(boolean stream) {
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.requests(1, Duration.ofSeconds(10)))
        .onExhausted(OnExhausted.waitThenProceed(Duration.ofSeconds(1))));

    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    Outcome forced = call(gateway, request("app", 1), stream);

    assertThat(forced.ok()).isTrue();
    assertThat(time.sleeps).containsExactly(Duration.ofSeconds(1));
    assertThat(calls(openai)).isEqualTo(2);
    // One second refilled 0.1 of a request, the forced call took 1: the budget is in debt.
    assertThat(limiter.quotaOf("app").availableRequests()).isEqualTo(-1);
  }

  @Test
  void aStreamCancelledWhileWaitingEndsTheWaitAndNeverCallsTheVendor() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    Timing.Sleeper blocking = d -> {
      sleeping.countDown();
      try {
        new CountDownLatch(1).await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted.countDown();
        throw e;
      }
    };
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.requests(1, Duration.ofSeconds(2)))
        .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(5))),
        time.timing().toBuilder().sleeper(blocking).build());
    assertThat(call(gateway, request("app", 1), true).ok()).isTrue();

    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request("app", 1)).subscribe(sub);
    assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
    sub.cancel();

    assertThat(interrupted.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(calls(openai)).isEqualTo(1);
    assertThat(sub.items()).isEmpty();
  }

  @Test
  void aChatAsyncCancelledWhileWaitingFailsWithCancellation() throws Exception {
    CountDownLatch sleeping = new CountDownLatch(1);
    Timing.Sleeper blocking = d -> {
      sleeping.countDown();
      new CountDownLatch(1).await(10, TimeUnit.SECONDS);
    };
    AiGateway gateway = gateway(b -> b.defaultLimit(ClientLimit.requests(1, Duration.ofSeconds(2)))
        .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(5))),
        time.timing().toBuilder().sleeper(blocking).build());
    assertThat(call(gateway, request("app", 1), false).ok()).isTrue();

    var future = gateway.chatAsync(request("app", 1));
    assertThat(sleeping.await(10, TimeUnit.SECONDS)).isTrue();
    future.cancel(true);

    assertThat(future).isCancelled();
    assertThat(calls(openai)).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aBackendFailureFailsTheCallClosedWithoutCallingTheVendorWhenSoSet(boolean stream) {
    InMemoryProxyManager store = new InMemoryProxyManager(RateLimitStage.meter(time.ticker()));
    AiGateway gateway = gateway(b -> b.backend(store)
        .onBackendFailure(dev.aigateway.core.ratelimit.BackendFailure.FAIL_CLOSED)
        .defaultLimit(ClientLimit.builder()
            .requests(5, Duration.ofMinutes(1)).tokens(100, Duration.ofMinutes(1)).build()));
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    assertThat(store.states).containsOnlyKeys(
        "ai-gateway:client:requests:app", "ai-gateway:client:tokens:app");

    store.down = true;
    Outcome failed = call(gateway, request("app", 1), stream);

    assertThat(failed.error())
        .isExactlyInstanceOf(dev.aigateway.api.RateLimitStoreUnavailableException.class)
        .hasMessageContaining("rate-limit store is unavailable")
        .hasMessageContaining("client 'app'").hasRootCauseMessage("store down");
    assertThat(((dev.aigateway.api.AiGatewayException) failed.error()).retryable()).isTrue();
    assertThat(calls(openai)).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aBackendFailureAdmitsTheCallUncheckedByDefaultAndChecksAgainWhenItIsBack(
      boolean stream) {
    InMemoryProxyManager store = new InMemoryProxyManager(RateLimitStage.meter(time.ticker()));
    AiGateway gateway = gateway(b -> b.backend(store).defaultLimit(ClientLimit.builder()
        .requests(2, Duration.ofMinutes(1)).build()));
    assertThat(call(gateway, request("app", 1), stream).ok()).isTrue();
    store.down = true;
    assertThat(call(gateway, request("app", 1), stream).ok()).as("unchecked").isTrue();
    assertThat(call(gateway, request("app", 1), stream).ok()).as("unchecked").isTrue();
    assertThat(calls(openai)).isEqualTo(3);
    store.down = false;
    assertThat(call(gateway, request("app", 1), stream).ok()).as("the second of 2").isTrue();
    assertThat(call(gateway, request("app", 1), stream).error())
        .as("checked again: over the limit").isInstanceOf(
            dev.aigateway.api.RateLimitExceededException.class);
  }
}
