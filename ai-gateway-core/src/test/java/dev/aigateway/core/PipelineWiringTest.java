package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The built-in stages as the gateway's builder installs them, in the documented order (README, the pipeline): the
 * application's interceptors, the per-client rate limit, the cache, routing, resilience.
 */
class PipelineWiringTest {
  private final FakeProvider provider = new FakeProvider("fake")
      .onChat(r -> ChatResponse.builder().provider("fake").model(r.model()).text("answer")
          .finishReason(FinishReason.STOP).usage(Usage.of(5, 5)).build())
      .onStream(r -> ChunkPublisher.of(List.of(
          ChatChunk.text("fake", r.model(), "ans"),
          ChatChunk.of(null, "fake", r.model(), "wer", null, FinishReason.STOP,
              Usage.of(5, 5)))));

  private int calls(boolean stream) {
    return stream ? provider.streamRequests().size() : provider.chatRequests().size();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theCacheOnTheBuilderAnswersTheSecondIdenticalRequest(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(provider)
        .cache(ResponseCache.defaults()).build();
    ChatResponse first = GatewayCalls.call(gateway, ChatRequest.of("m", "hi"), stream);
    ChatResponse second = GatewayCalls.call(gateway, ChatRequest.of("m", "hi"), stream);
    assertThat(first.text()).isEqualTo(second.text()).isEqualTo("answer");
    assertThat(calls(stream)).isEqualTo(1);
    if (!stream) {
      assertThat(second.fromCache()).isTrue();
      assertThat(second.attempts()).isZero();
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRouteTurnsCachingOnOrOffWhateverTheGatewaysDefault(boolean stream) {
    AiGateway off = AiGateway.builder().provider(provider)
        .route(Route.builder("cached").target("fake", "m").cache(true).build()).build();
    GatewayCalls.call(off, ChatRequest.of("cached", "hi"), stream);
    GatewayCalls.call(off, ChatRequest.of("cached", "hi"), stream);
    GatewayCalls.call(off, ChatRequest.of("m", "hi"), stream);
    GatewayCalls.call(off, ChatRequest.of("m", "hi"), stream);
    assertThat(calls(stream)).as("the route's answers cached, the bare model's not").isEqualTo(3);

    AiGateway on = AiGateway.builder().provider(provider).cache(ResponseCache.defaults())
        .route(Route.builder("fresh").target("fake", "m").cache(false).build()).build();
    GatewayCalls.call(on, ChatRequest.of("fresh", "hi"), stream);
    GatewayCalls.call(on, ChatRequest.of("fresh", "hi"), stream);
    assertThat(calls(stream)).isEqualTo(5);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theRateLimitSitsBeforeTheCacheSoHitsCountAsRequests(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(provider)
        .rateLimits(RateLimits.builder()
            .defaultLimit(ClientLimit.builder().requests(2, Duration.ofMinutes(1)).build())
            .build())
        .cache(ResponseCache.defaults()).build();
    ChatRequest request = ChatRequest.builder().model("m").user("hi").clientId("c1").build();
    GatewayCalls.call(gateway, request, stream);
    GatewayCalls.call(gateway, request, stream); // a hit, still a request
    Throwable third = catchThrowable(() -> GatewayCalls.call(gateway, request, stream));
    assertThat(third).isInstanceOf(RateLimitExceededException.class);
    assertThat(((RateLimitExceededException) third).retryAfter()).isPresent();
    assertThat(calls(stream)).isEqualTo(1);
    assertThat(gateway.interceptors()).extracting(i -> i.getClass().getSimpleName())
        .containsExactly("RateLimitStage", "CacheStage", "RoutingStage", "FailoverStage",
            "ProviderStage");
  }
}
