package dev.aigateway.core.observation;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.within;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.tck.TestObservationRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The observation and the metrics of each kind of call, with their exact names, units and tags:
 * a {@link TestObservationRegistry} holds every observation, a {@link SimpleMeterRegistry}
 * every meter. Time is fake: durations are what the fake vendors advanced it by.
 */
class GatewayObservationTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final ManualTiming time = new ManualTiming();
  private final TestObservationRegistry observations = TestObservationRegistry.create();
  // Every observation started, in order (the test registry keeps them, but not in public).
  private final List<Observation.Context> started =
      new java.util.concurrent.CopyOnWriteArrayList<>();

  {
    observations.observationConfig().observationHandler(
        new io.micrometer.observation.ObservationHandler<Observation.Context>() {
          @Override
          public void onStart(Observation.Context context) {
            started.add(context);
          }

          @Override
          public boolean supportsContext(Observation.Context context) {
            return true;
          }
        });
  }
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Vendor openai = new Vendor("openai", "openai", "https://api.openai.com:443");
  private final Vendor claude = new Vendor("claude", "anthropic", "https://api.anthropic.com");

  private AiGateway.Builder builder(Observability settings) {
    return AiGateway.builder().provider(openai).provider(claude)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("claude", "claude-sonnet-4-5").streamRestarts(true).build())
        .resilience(Resilience.builder().maxRetries(0).jitter(0).build())
        .timing(time.timing())
        .observationRegistry(observations).meterRegistry(meters).observability(settings);
  }

  private AiGateway.Builder builder() {
    return builder(Observability.builder().captureContent(false).latestExperimental(false)
        .prices(PriceTable.builder().asOf("2025-10-01").price("gpt-4o", 2.5, 1.25, 10)
            .price("claude-sonnet-4-5", 3, 0.3, 15).build())
        .build());
  }

  private static ProviderUnavailableException down(String who) {
    return new ProviderUnavailableException(who, 503, null, who + ": HTTP 503", null);
  }

  /** Answers after 300 ms of fake time: 12 input tokens of which 4 cached, 5 output. */
  private void answers(Vendor v) {
    v.fake.onChat(r -> {
      time.advance(Duration.ofMillis(300));
      return ChatResponse.builder().id("resp-1").provider(v.id()).model(r.model() + "-2024")
          .text("fine").finishReason(FinishReason.STOP).usage(Usage.of(12, 5, 4, 0)).build();
    });
    v.fake.onStream(r -> ChunkPublisher.of(ChunkPublisher.words(v.id(), r.model() + "-2024", 4)));
  }

  private ChatResponse call(AiGateway gateway, ChatRequest request, boolean stream) {
    if (!stream) {
      return gateway.chat(request);
    }
    TestSubscriber<ChatChunk> s = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(s);
    s.awaitTerminal(WAIT);
    if (s.error() != null) {
      throw (RuntimeException) s.error();
    }
    assertThat(s.violations()).isEmpty();
    return null;
  }

  private Timer timer(String name, String... tags) {
    return meters.get(name).tags(tags).timer();
  }

  private Counter counter(String name, String... tags) {
    return meters.get(name).tags(tags).counter();
  }

  private List<Observation.Context> named(String name) {
    return started.stream().filter(c -> name.equals(c.getName())).collect(Collectors.toList());
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSuccessIsOneCallObservationWithOneAttemptAndItsMetrics(boolean stream) {
    answers(openai);
    AiGateway gateway = builder().build();
    call(gateway, ChatRequest.builder().model("support").user("hi").temperature(0.2)
        .maxTokens(100).topP(0.9).build(), stream);

    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(GenAi.CALL_OBSERVATION, 1)
        .hasNumberOfObservationsWithNameEqualTo(GenAi.ATTEMPT_OBSERVATION, 1)
        .hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasContextualNameEqualTo("chat support")
        .hasBeenStarted().hasBeenStopped()
        .hasLowCardinalityKeyValue("gen_ai.operation.name", "chat")
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "openai")
        .hasLowCardinalityKeyValue("gen_ai.request.model", "support")
        .hasLowCardinalityKeyValue("gen_ai.response.model", "gpt-4o-2024")
        .hasLowCardinalityKeyValue("server.address", "api.openai.com")
        .hasLowCardinalityKeyValue("server.port", "443")
        .hasLowCardinalityKeyValue("ai_gateway.route", "support")
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "success")
        .hasLowCardinalityKeyValue("ai_gateway.cache", "none")
        .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
        .doesNotHaveLowCardinalityKeyValueWithKey("ai_gateway.client")
        .hasHighCardinalityKeyValue("gen_ai.request.temperature", "0.2")
        .hasHighCardinalityKeyValue("gen_ai.request.max_tokens", "100")
        .hasHighCardinalityKeyValue("gen_ai.request.top_p", "0.9")
        .hasHighCardinalityKeyValue("gen_ai.response.finish_reasons", "[stop]")
        .hasHighCardinalityKeyValue("ai_gateway.attempts", "1")
        .doesNotHaveHighCardinalityKeyValueWithKey("gen_ai.input.messages");
    Observation.Context callContext = named(GenAi.CALL_OBSERVATION).get(0);
    if (stream) {
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.request.stream").getValue())
          .isEqualTo("true");
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.usage.input_tokens").getValue())
          .isEqualTo("3");
    } else {
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.request.stream"))
          .as("set if and only if the request streams").isNull();
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.response.id").getValue())
          .isEqualTo("resp-1");
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.usage.input_tokens").getValue())
          .as("cache reads included").isEqualTo("12");
      assertThat(callContext.getHighCardinalityKeyValue("gen_ai.usage.output_tokens").getValue())
          .isEqualTo("5");
      assertThat(callContext
          .getHighCardinalityKeyValue("gen_ai.usage.cache_read.input_tokens").getValue())
          .isEqualTo("4");
    }
    assertThat(observations).hasObservationWithNameEqualTo(GenAi.ATTEMPT_OBSERVATION).that()
        .hasContextualNameEqualTo("chat gpt-4o")
        .hasParentObservationContextMatching(c -> c == callContext)
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "openai")
        .hasLowCardinalityKeyValue("gen_ai.request.model", "gpt-4o")
        .hasLowCardinalityKeyValue("ai_gateway.target", "openai/gpt-4o")
        .hasHighCardinalityKeyValue("ai_gateway.attempt.kind", "initial")
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "success")
        .hasHighCardinalityKeyValue("ai_gateway.attempt.number", "1")
        .hasBeenStopped();

    String[] callTags = {"gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
        "gen_ai.request.model", "support", "gen_ai.response.model", "gpt-4o-2024",
        "server.address", "api.openai.com", "server.port", "443"};
    Timer duration = timer("gen_ai.client.operation.duration", callTags);
    assertThat(duration.count()).isEqualTo(1);
    assertThat(duration.getId().getTags()).extracting(t -> t.getKey()).contains(
        "ai_gateway.route", "ai_gateway.outcome", "ai_gateway.cache")
        .doesNotContain("error.type");
    assertThat(java.util.Arrays.stream(duration.takeSnapshot().histogramCounts())
        .map(b -> b.bucket(TimeUnit.SECONDS)).collect(Collectors.toList()))
        .as("the conventions' buckets, in seconds").containsExactly(0.01, 0.02, 0.04, 0.08,
            0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92);
    DistributionSummary input = meters.get("gen_ai.client.token.usage").tags(callTags)
        .tag("gen_ai.token.type", "input").summary();
    DistributionSummary output = meters.get("gen_ai.client.token.usage").tags(callTags)
        .tag("gen_ai.token.type", "output").summary();
    assertThat(input.getId().getBaseUnit()).as("no Prometheus suffix").isNull();
    assertThat(input.getId().getDescription()).contains("{token}");
    assertThat(input.takeSnapshot().histogramCounts()).hasSize(14);
    assertThat(input.takeSnapshot().histogramCounts()[13].bucket()).isEqualTo(67108864d);
    assertThat(timer("ai_gateway.attempt.duration", "ai_gateway.target", "openai/gpt-4o",
        "gen_ai.provider.name", "openai", "ai_gateway.outcome", "success").count()).isEqualTo(1);
    assertThat(meters.get("ai_gateway.calls.in_flight").tag("ai_gateway.streaming",
        Boolean.toString(stream)).gauge().value()).isZero();
    double cost = counter("ai_gateway.cost", "gen_ai.provider.name", "openai",
        "gen_ai.response.model", "gpt-4o-2024", "ai_gateway.currency", "USD").count();
    if (stream) {
      // usage 3 in, 4 out; the dated model priced as gpt-4o
      assertThat(input.totalAmount()).isEqualTo(3);
      assertThat(output.totalAmount()).isEqualTo(4);
      assertThat(cost).isCloseTo((3 * 2.5 + 4 * 10) / 1e6, within(1e-12));
      assertThat(timer("gen_ai.client.operation.time_to_first_chunk", callTags).count())
          .isEqualTo(1);
      assertThat(timer("gen_ai.client.operation.time_per_output_chunk", "gen_ai.request.model",
          "support", "gen_ai.provider.name", "openai").count())
          .as("one per chunk after the first").isEqualTo(3);
    } else {
      assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(300);
      assertThat(input.totalAmount()).isEqualTo(12);
      assertThat(output.totalAmount()).isEqualTo(5);
      assertThat(cost).as("8 fresh, 4 cached, 5 out")
          .isCloseTo((8 * 2.5 + 4 * 1.25 + 5 * 10) / 1e6, within(1e-12));
      assertThat(meters.find("gen_ai.client.operation.time_to_first_chunk").meters())
          .as("streams only").isEmpty();
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCacheHitHasItsObservationButNoAttemptAndNoTokens(boolean stream) {
    answers(openai);
    AiGateway gateway = builder().cache(ResponseCache.defaults()).build();
    call(gateway, ChatRequest.of("support", "hi"), stream);
    call(gateway, ChatRequest.of("support", "hi"), stream);

    List<Observation.Context> calls = named(GenAi.CALL_OBSERVATION);
    assertThat(calls).hasSize(2);
    assertThat(calls.get(1).getLowCardinalityKeyValue("ai_gateway.cache").getValue())
        .isEqualTo("hit");
    assertThat(calls.get(1).getLowCardinalityKeyValue("gen_ai.provider.name").getValue())
        .as("the cached answer's vendor").isEqualTo("openai");
    assertThat(calls.get(0).getLowCardinalityKeyValue("ai_gateway.cache").getValue())
        .isEqualTo("miss");
    assertThat(named(GenAi.ATTEMPT_OBSERVATION)).as("the hit made none").hasSize(1);
    assertThat(counter("ai_gateway.cache.lookups", "ai_gateway.cache", "hit").count())
        .isEqualTo(1);
    assertThat(counter("ai_gateway.cache.lookups", "ai_gateway.cache", "miss").count())
        .isEqualTo(1);
    assertThat(meters.get("gen_ai.client.token.usage").tag("gen_ai.token.type", "input")
        .summary().count()).as("a hit spends no tokens").isEqualTo(1);
    assertThat(meters.get("gen_ai.client.operation.duration").timers().stream()
        .mapToLong(Timer::count).sum()).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aThrottledCallIsObservedWithItsErrorTypeAndDecision(boolean stream) {
    answers(openai);
    AiGateway gateway = builder(Observability.builder().clientTags(ClientTags.only(Set.of("acme")))
        .captureContent(false).latestExperimental(false).build())
        .rateLimits(RateLimits.builder()
            .defaultLimit(ClientLimit.requests(1, Duration.ofMinutes(1))).build()).build();
    ChatRequest request = ChatRequest.builder().model("support").user("hi").clientId("acme")
        .build();
    call(gateway, request, stream);
    Throwable refused = catchThrowable(() -> call(gateway, request, stream));
    assertThat(refused).isInstanceOf(RateLimitExceededException.class);

    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(GenAi.CALL_OBSERVATION, 2);
    Observation.Context throttled = named(GenAi.CALL_OBSERVATION).get(1);
    assertThat(throttled.getLowCardinalityKeyValue("error.type").getValue())
        .isEqualTo("rate_limited");
    assertThat(throttled.getLowCardinalityKeyValue("ai_gateway.outcome").getValue())
        .isEqualTo("error");
    assertThat(throttled.getLowCardinalityKeyValue("ai_gateway.client").getValue())
        .isEqualTo("acme");
    assertThat(throttled.getLowCardinalityKeyValue("gen_ai.provider.name"))
        .as("no vendor was asked").isNull();
    assertThat(throttled.getError()).isSameAs(refused);
    assertThat(counter("ai_gateway.rate_limit.decisions", "ai_gateway.rate_limit.outcome",
        "rejected", "ai_gateway.client", "acme").count()).isEqualTo(1);
    assertThat(counter("ai_gateway.rate_limit.decisions", "ai_gateway.rate_limit.outcome",
        "admitted", "ai_gateway.client", "acme").count()).isEqualTo(1);
    assertThat(timer("gen_ai.client.operation.duration", "error.type", "rate_limited",
        "ai_gateway.client", "acme").count()).isEqualTo(1);
  }

  @Test
  void clientIdsOutsideTheAllowedSetAreOtherAndNoneWhenAbsent() {
    answers(openai);
    AiGateway gateway = builder(Observability.builder().clientTags(ClientTags.only(Set.of("acme")))
        .build()).build();
    gateway.chat(ChatRequest.builder().model("support").user("hi").clientId("tenant-8812")
        .build());
    gateway.chat(ChatRequest.of("support", "hi"));
    assertThat(meters.get("gen_ai.client.operation.duration").tag("ai_gateway.client", "_OTHER")
        .timer().count()).isEqualTo(1);
    assertThat(meters.get("gen_ai.client.operation.duration").tag("ai_gateway.client", "none")
        .timer().count()).isEqualTo(1);
    assertThat(meters.getMeters()).flatExtracting(m -> m.getId().getTags())
        .noneMatch(t -> t.getValue().contains("tenant-8812"));
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRetryIsASecondAttemptOfItsOwnKindAndIsCounted(boolean stream) {
    AtomicInteger n = new AtomicInteger();
    openai.fake.onChat(r -> {
      if (n.getAndIncrement() == 0) {
        throw down("openai");
      }
      return ChatResponse.builder().provider("openai").model("gpt-4o").text("ok")
          .finishReason(FinishReason.STOP).usage(Usage.of(1, 1)).build();
    });
    openai.fake.onStream(r -> n.getAndIncrement() == 0
        ? ChunkPublisher.failingAfter(List.of(), down("openai"))
        : ChunkPublisher.of(ChunkPublisher.words("openai", "gpt-4o", 2)));
    AiGateway gateway = builder().resilience(Resilience.builder().maxRetries(1).jitter(0)
        .build()).build();
    call(gateway, ChatRequest.of("support", "hi"), stream);

    List<Observation.Context> attempts = named(GenAi.ATTEMPT_OBSERVATION);
    assertThat(attempts).hasSize(2);
    assertThat(attempts.get(0).getLowCardinalityKeyValue("ai_gateway.outcome").getValue())
        .isEqualTo("error");
    assertThat(attempts.get(0).getLowCardinalityKeyValue("error.type").getValue())
        .isEqualTo("provider_unavailable");
    assertThat(attempts.get(0).getHighCardinalityKeyValue("http.response.status_code")
        .getValue()).isEqualTo("503");
    assertThat(attempts.get(0).getError()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(attempts.get(1).getHighCardinalityKeyValue("ai_gateway.attempt.kind").getValue())
        .isEqualTo("retry");
    assertThat(attempts.get(1).getLowCardinalityKeyValue("ai_gateway.outcome").getValue())
        .isEqualTo("success");
    assertThat(counter("ai_gateway.retries", "ai_gateway.target", "openai/gpt-4o",
        "error.type", "provider_unavailable").count()).isEqualTo(1);
    assertThat(named(GenAi.CALL_OBSERVATION).get(0)
        .getHighCardinalityKeyValue("ai_gateway.attempts").getValue()).isEqualTo("2");
    assertThat(observations).hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasEvent("ai_gateway.retry");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFailoverNamesBothTargetsAndTheCallIsTheVendorThatAnswered(boolean stream) {
    openai.fake.onChat(r -> {
      throw down("openai");
    });
    openai.fake.onStream(r -> ChunkPublisher.failingAfter(List.of(), down("openai")));
    answers(claude);
    AiGateway gateway = builder().build();
    call(gateway, ChatRequest.of("support", "hi"), stream);

    assertThat(observations).hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "anthropic")
        .hasLowCardinalityKeyValue("server.address", "api.anthropic.com")
        .hasLowCardinalityKeyValue("server.port", "443")
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "success")
        .hasEvent("ai_gateway.failover");
    List<Observation.Context> attempts = named(GenAi.ATTEMPT_OBSERVATION);
    assertThat(attempts).extracting(Observation.Context::getContextualName)
        .containsExactly("chat gpt-4o", "chat claude-sonnet-4-5");
    assertThat(attempts).extracting(c -> c.getHighCardinalityKeyValue("ai_gateway.attempt.kind")
        .getValue()).containsExactly("initial", "failover");
    assertThat(attempts).extracting(c -> c.getLowCardinalityKeyValue("gen_ai.provider.name")
        .getValue()).containsExactly("openai", "anthropic");
    assertThat(counter("ai_gateway.failovers", "ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.target.to", "claude/claude-sonnet-4-5", "error.type",
        "provider_unavailable").count()).isEqualTo(1);
    assertThat(timer("ai_gateway.attempt.duration", "ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.outcome", "error", "error.type", "provider_unavailable").count())
        .isEqualTo(1);
    assertThat(timer("gen_ai.client.operation.duration", "gen_ai.provider.name", "anthropic")
        .count()).isEqualTo(1);
  }

  @Test
  void aStreamRescuedMidWayIsOneSuccessfulCallWithARescueAttempt() {
    List<ChatChunk> two = ChunkPublisher.words("openai", "gpt-4o", 5).subList(0, 2);
    openai.fake.onStream(r -> ChunkPublisher.failingAfter(two, new ProviderUnavailableException(
        "openai", 0, "stream_truncated", "openai: cut", null)));
    answers(claude);
    AiGateway gateway = builder().build();
    TestSubscriber<ChatChunk> s = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("support", "hi")).subscribe(s);
    s.awaitTerminal(WAIT);
    assertThat(s.isCompleted()).isTrue();

    assertThat(observations).hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "success")
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "anthropic")
        .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
        .hasEvent("ai_gateway.stream_rescue");
    List<Observation.Context> attempts = named(GenAi.ATTEMPT_OBSERVATION);
    assertThat(attempts).extracting(c -> c.getHighCardinalityKeyValue("ai_gateway.attempt.kind")
        .getValue() + " " + c.getLowCardinalityKeyValue("ai_gateway.outcome").getValue())
        .containsExactly("initial error", "rescue success");
    assertThat(counter("ai_gateway.stream.rescues", "ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.target.to", "claude/claude-sonnet-4-5", "ai_gateway.rescue.kind", "restart",
        "error.type", "provider_unavailable").count()).isEqualTo(1);
    assertThat(meters.find("ai_gateway.failovers").counters())
        .as("a rescue is not also counted as a failover").isEmpty();
    assertThat(timer("gen_ai.client.operation.time_to_first_chunk", "gen_ai.provider.name",
        "openai").count()).as("the first chunk came from OpenAI").isEqualTo(1);
    assertThat(meters.find("gen_ai.client.operation.time_to_first_chunk")
        .tag("gen_ai.provider.name", "anthropic").timers()).isEmpty();
    assertThat(meters.get("gen_ai.client.operation.time_per_output_chunk")
        .tag("gen_ai.provider.name", "anthropic").timers())
        .as("the rescuer's gaps carry its own model, never the failed vendor's")
        .anyMatch(t -> "claude-sonnet-4-5-2024".equals(t.getId().getTag("gen_ai.response.model")))
        .noneMatch(t -> t.getId().getTag("gen_ai.response.model").startsWith("gpt-4o"));
  }

  @Test
  void aStreamThatFailsMidWayEndsItsObservationWithTheError() {
    List<ChatChunk> two = ChunkPublisher.words("openai", "gpt-4o", 5).subList(0, 2);
    ProviderUnavailableException cut = new ProviderUnavailableException("openai", 0,
        "stream_truncated", "openai: cut", null);
    openai.fake.onStream(r -> ChunkPublisher.failingAfter(two, cut));
    AiGateway gateway = AiGateway.builder().provider(openai)
        .route(Route.builder("support").target("openai", "gpt-4o").build())
        .resilience(Resilience.builder().maxRetries(0).build()).timing(time.timing())
        .observationRegistry(observations).meterRegistry(meters).build();
    TestSubscriber<ChatChunk> s = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("support", "hi")).subscribe(s);
    s.awaitTerminal(WAIT);
    assertThat(s.error()).isInstanceOf(ProviderUnavailableException.class);

    assertThat(observations).hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "error")
        .hasLowCardinalityKeyValue("error.type", "provider_unavailable")
        .hasBeenStopped();
    assertThat(named(GenAi.CALL_OBSERVATION).get(0).getError())
        .isInstanceOf(ProviderUnavailableException.class);
    assertThat(timer("gen_ai.client.operation.duration", "error.type", "provider_unavailable",
        "ai_gateway.outcome", "error").count()).isEqualTo(1);
    assertThat(timer("gen_ai.client.operation.time_to_first_chunk").count())
        .as("its first chunk did come").isEqualTo(1);
  }

  @Test
  void aCancelledStreamIsCancelledNotAnError() {
    openai.fake.onStream(r -> ChunkPublisher.of(ChunkPublisher.words("openai", "gpt-4o", 10)));
    AiGateway gateway = builder().build();
    TestSubscriber<ChatChunk> s = TestSubscriber.requesting(1);
    gateway.stream(ChatRequest.of("support", "hi")).subscribe(s);
    s.awaitItems(1, WAIT);
    s.cancel();

    assertThat(observations).hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "cancelled")
        .doesNotHaveLowCardinalityKeyValueWithKey("error.type")
        .doesNotHaveError()
        .hasBeenStopped();
    assertThat(observations).hasObservationWithNameEqualTo(GenAi.ATTEMPT_OBSERVATION).that()
        .hasLowCardinalityKeyValue("ai_gateway.outcome", "cancelled").hasBeenStopped();
    assertThat(timer("gen_ai.client.operation.duration", "ai_gateway.outcome", "cancelled")
        .count()).isEqualTo(1);
    assertThat(meters.get("ai_gateway.calls.in_flight").tag("ai_gateway.streaming", "true")
        .gauge().value()).isZero();
  }

  @Test
  void theCircuitGaugeShowsEachTargetsState() {
    openai.fake.onChat(r -> {
      throw down("openai");
    });
    answers(claude);
    AiGateway gateway = builder().resilience(Resilience.builder().maxRetries(0)
        .failureThreshold(2).cooldown(Duration.ofMinutes(1)).build()).build();
    for (int i = 0; i < 3; i++) {
      gateway.chat(ChatRequest.of("support", "hi"));
    }
    assertThat(meters.get("ai_gateway.circuit.state").tags("ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.circuit.state", "open").gauge().value()).isEqualTo(1);
    assertThat(meters.get("ai_gateway.circuit.state").tags("ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.circuit.state", "closed").gauge().value()).isZero();
    assertThat(meters.get("ai_gateway.circuit.state").tags("ai_gateway.target",
        "claude/claude-sonnet-4-5", "ai_gateway.circuit.state", "closed").gauge().value())
        .isEqualTo(1);
    assertThat(counter("ai_gateway.targets.skipped", "ai_gateway.target", "openai/gpt-4o",
        "ai_gateway.skip.reason", "circuit_open").count()).isEqualTo(1);
  }

  @Test
  void contentIsCapturedOnlyWhenAskedAsTheConventionsJson() {
    answers(openai);
    builder().build().chat(ChatRequest.builder().model("support").system("Be brief.")
        .user("Say \"hi\"").build());
    assertThat(named(GenAi.CALL_OBSERVATION).get(0)
        .getHighCardinalityKeyValue(GenAi.INPUT_MESSAGES)).isNull();

    observations.clear();
    started.clear();
    builder(Observability.builder().captureContent(true).build()).build()
        .chat(ChatRequest.builder().model("support").system("Be brief.").user("Say \"hi\"")
            .build());
    Observation.Context c = named(GenAi.CALL_OBSERVATION).get(0);
    assertThat(c.getHighCardinalityKeyValue("gen_ai.system_instructions").getValue())
        .isEqualTo("[{\"type\":\"text\",\"content\":\"Be brief.\"}]");
    assertThat(c.getHighCardinalityKeyValue("gen_ai.input.messages").getValue())
        .isEqualTo("[{\"role\":\"user\",\"parts\":[{\"type\":\"text\",\"content\":"
            + "\"Say \\\"hi\\\"\"}]}]");
    assertThat(c.getHighCardinalityKeyValue("gen_ai.output.messages").getValue())
        .isEqualTo("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
            + "\"fine\"}],\"finish_reason\":\"stop\"}]");
  }

  @Test
  void aStreamsCapturedOutputIsTheTextItDelivered() {
    answers(openai);
    call(builder(Observability.builder().captureContent(true).build()).build(),
        ChatRequest.of("support", "hi"), true);
    assertThat(named(GenAi.CALL_OBSERVATION).get(0)
        .getHighCardinalityKeyValue("gen_ai.output.messages").getValue())
        .isEqualTo("[{\"role\":\"assistant\",\"parts\":[{\"type\":\"text\",\"content\":"
            + "\"w0 w1 w2 w3 \"}],\"finish_reason\":\"stop\"}]");
  }

  @Test
  void theLatestExperimentalNamesReplaceV141sWhenOptedIn() {
    answers(openai);
    AiGateway gateway = builder(Observability.builder().latestExperimental(true).build())
        .build();
    gateway.chat(ChatRequest.of("support", "hi"));
    call(gateway, ChatRequest.of("support", "hi"), true);

    assertThat(meters.find("gen_ai.client.operation.duration").meters()).isEmpty();
    assertThat(meters.find("gen_ai.client.token.usage").meters()).isEmpty();
    assertThat(meters.find("gen_ai.client.operation.time_to_first_chunk").meters()).isEmpty();
    assertThat(meters.get("gen_ai.client.inference.duration").timers().stream()
        .mapToLong(Timer::count).sum()).isEqualTo(2);
    assertThat(meters.get("gen_ai.client.inference.time_to_first_chunk").timer().count())
        .isEqualTo(1);
    assertThat(meters.get("gen_ai.client.inference.time_per_output_chunk").timer().count())
        .isEqualTo(3);
    Counter in = meters.get("gen_ai.client.inference.usage.input_tokens")
        .tags("gen_ai.token.modality", "text", "gen_ai.response.model", "gpt-4o-2024")
        .counter();
    assertThat(in.count()).isEqualTo(12 + 3);
    assertThat(in.getId().getDescription()).contains("{token}");
    assertThat(meters.get("gen_ai.client.inference.usage.cache_read.input_tokens").counter()
        .count()).isEqualTo(4);
    assertThat(meters.get("gen_ai.client.inference.operation.input_tokens").summaries().stream()
        .mapToLong(DistributionSummary::count).sum()).isEqualTo(2);
  }

  @Test
  void eitherRegistryAloneWorks() {
    answers(openai);
    AiGateway onlyObservations = AiGateway.builder().provider(openai).timing(time.timing())
        .observationRegistry(observations).build();
    onlyObservations.chat(ChatRequest.of("gpt-4o", "hi"));
    assertThat(observations).hasNumberOfObservationsWithNameEqualTo(GenAi.CALL_OBSERVATION, 1)
        .hasObservationWithNameEqualTo(GenAi.CALL_OBSERVATION).that()
        .hasContextualNameEqualTo("chat gpt-4o");
    assertThat(meters.getMeters()).isEmpty();

    SimpleMeterRegistry alone = new SimpleMeterRegistry();
    TestObservationRegistry untouched = TestObservationRegistry.create();
    AiGateway onlyMeters = AiGateway.builder().provider(openai).timing(time.timing())
        .meterRegistry(alone).build();
    onlyMeters.chat(ChatRequest.of("gpt-4o", "hi"));
    assertThat(alone.get("gen_ai.client.operation.duration").tag("gen_ai.request.model",
        "gpt-4o").timer().count()).isEqualTo(1);
    assertThat(untouched).doesNotHaveAnyObservation();
  }

  @Test
  void aConventionCanAddAndRenameTags() {
    answers(openai);
    GatewayObservationConvention custom = new DefaultGatewayObservationConvention() {
      @Override
      public String getName() {
        return "llm.calls";
      }

      @Override
      public io.micrometer.common.KeyValues getLowCardinalityKeyValues(
          GatewayObservationContext context) {
        return super.getLowCardinalityKeyValues(context).and("tier",
            context.call().clientId() == null ? "free" : "paid");
      }
    };
    builder(Observability.builder().convention(custom).build()).build()
        .chat(ChatRequest.of("support", "hi"));
    assertThat(observations).hasObservationWithNameEqualTo("llm.calls").that()
        .hasLowCardinalityKeyValue("tier", "free")
        .hasLowCardinalityKeyValue("gen_ai.provider.name", "openai");
  }

  @Test
  void theMetersNeverCarryMoreThanTheirDocumentedTags() {
    answers(openai);
    AiGateway gateway = builder().build();
    for (int i = 0; i < 3; i++) {
      gateway.chat(ChatRequest.of("support", "question " + i));
    }
    List<String> keys = new ArrayList<>();
    for (Meter m : meters.getMeters()) {
      m.getId().getTags().forEach(t -> keys.add(t.getKey()));
    }
    assertThat(keys).doesNotContain("gen_ai.response.id", "gen_ai.usage.input_tokens",
        "gen_ai.input.messages", "ai_gateway.attempt.number");
    assertThat(meters.get("gen_ai.client.operation.duration").timers()).as("one series")
        .hasSize(1);
  }
}
