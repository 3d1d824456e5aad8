package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.AttributeKey;
import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The chain's behaviour, each case run for chat() and for stream() from one helper, as the
 * interceptor SPI promises one interceptor serves both.
 */
class InterceptorChainTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final AttributeKey<String> TENANT = AttributeKey.of("tenant", String.class);

  private final FakeProvider provider = new FakeProvider("fake");

  private static ChatResponse call(AiGateway gateway, ChatRequest request, boolean stream) {
    return GatewayCalls.call(gateway, request, stream);
  }

  private List<ChatRequest> received(boolean stream) {
    return stream ? provider.streamRequests() : provider.chatRequests();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void interceptorsRunInOrderOutsideRoutingAndSeeTheRequestedModel(boolean stream) {
    List<String> log = new CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(provider)
        .interceptor(chain -> {
          log.add("first sees " + chain.request().model() + " streaming=" + chain.isStreaming());
          return chain.proceed(chain.request());
        })
        .interceptor(chain -> {
          log.add("second");
          assertThat(chain.call().target()).as("no attempt yet: routing runs below").isNull();
          assertThat(chain.call().request().model()).isEqualTo("fake/model-x");
          return chain.proceed(chain.request());
        })
        .build();
    call(gateway, ChatRequest.of("fake/model-x", "hi"), stream);
    assertThat(log).containsExactly("first sees fake/model-x streaming=" + stream, "second");
    assertThat(gateway.interceptors()).hasSize(6);
    assertThat(gateway.interceptors().get(2).toString()).startsWith("CacheStage");
    assertThat(gateway.interceptors().get(3).toString()).isEqualTo("RoutingStage");
    assertThat(gateway.interceptors().get(4).toString()).startsWith("FailoverStage");
    assertThat(gateway.interceptors().get(5).toString()).isEqualTo("ProviderStage");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aChangedRequestAndItsAttributesReachTheProvider(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(provider)
        .interceptor(chain -> chain.proceed(chain.request().toBuilder()
            .system("added by interceptor").build().withAttribute(TENANT, "acme")))
        .build();
    call(gateway, ChatRequest.of("m", "hi"), stream);
    ChatRequest got = received(stream).get(0);
    assertThat(got.messages()).extracting(m -> m.text()).containsExactly("hi", "added by interceptor");
    assertThat(got.attribute(TENANT)).isEqualTo("acme");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anInterceptorCanShortCircuit(boolean stream) {
    ChatResponse canned = ChatResponse.builder().provider("cache").model("m").text("cached!")
        .finishReason(FinishReason.STOP).attempts(0).fromCache(true).build();
    AiGateway gateway = AiGateway.builder().provider(provider)
        .interceptor(chain -> ChatResult.of(canned)).build();
    ChatResponse r = call(gateway, ChatRequest.of("m", "hi"), stream);
    assertThat(r.text()).isEqualTo("cached!");
    assertThat(provider.chatRequests()).isEmpty();
    assertThat(provider.streamRequests()).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anInterceptorCanProceedAgainAfterAFailureBeforeTheFirstChunk(boolean stream) {
    AtomicInteger calls = new AtomicInteger();
    ProviderUnavailableException down = new ProviderUnavailableException("fake", 503, null, "down", null);
    provider.onChat(r -> {
      if (calls.incrementAndGet() == 1) {
        throw down;
      }
      return ChatResponse.builder().provider("fake").model(r.model()).text("second time")
          .finishReason(FinishReason.STOP).build();
    });
    provider.onStream(r -> calls.incrementAndGet() == 1
        ? ChunkPublisher.failingAfter(List.of(), down)
        : ChunkPublisher.of(List.of(ChatChunk.of(null, "fake", r.model(), "second time", null,
            FinishReason.STOP, null))));
    List<Throwable> seen = new CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(provider)
        .resilience(Resilience.builder().maxRetries(0).build()) // this interceptor retries
        .interceptor(chain -> {
          try {
            return chain.proceed(chain.request());
          } catch (ProviderUnavailableException e) {
            seen.add(e); // one candidate: the vendor's own typed failure
            return chain.proceed(chain.request());
          }
        }).build();
    assertThat(call(gateway, ChatRequest.of("m", "hi"), stream).text()).isEqualTo("second time");
    assertThat(seen).containsExactly(down);
    assertThat(calls.get()).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anInterceptorReturningNullIsNamed(boolean stream) {
    ChatInterceptor broken = new ChatInterceptor() {
      @Override
      public ChatResult intercept(Chain chain) {
        return null;
      }
    };
    AiGateway gateway = AiGateway.builder().provider(provider).interceptor(broken).build();
    assertThatThrownBy(() -> call(gateway, ChatRequest.of("m", "hi"), stream))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining(broken.getClass().getName()).hasMessageContaining("returned null");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aStreamTheInterceptorDropsIsDiscardedSoItsConnectionCloses(boolean stream) {
    List<ChunkPublisher> sources = new CopyOnWriteArrayList<>();
    provider.onStream(r -> {
      ChunkPublisher p = ChunkPublisher.of(ChunkPublisher.words("fake", r.model(), 3));
      sources.add(p);
      return p;
    });
    AiGateway gateway = AiGateway.builder().provider(provider)
        .interceptor(chain -> {
          chain.proceed(chain.request()); // obtained, then dropped
          return chain.proceed(chain.request());
        }).build();
    ChatResponse r = call(gateway, ChatRequest.of("m", "hi"), stream);
    assertThat(r.text()).isNotEmpty();
    if (stream) {
      assertThat(sources).hasSize(2);
      assertThat(sources.get(0).cancelled.getCount()).as("dropped stream cancelled").isZero();
      assertThat(sources.get(1).cancelled.getCount()).as("used stream left alone").isOne();
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anInterceptorThrowingAfterProceedHasItsStreamDiscarded(boolean stream) {
    List<ChunkPublisher> sources = new CopyOnWriteArrayList<>();
    provider.onStream(r -> {
      ChunkPublisher p = ChunkPublisher.of(ChunkPublisher.words("fake", r.model(), 3));
      sources.add(p);
      return p;
    });
    IllegalStateException veto = new IllegalStateException("vetoed");
    AiGateway gateway = AiGateway.builder().provider(provider)
        .interceptor(chain -> {
          chain.proceed(chain.request());
          throw veto;
        }).build();
    assertThatThrownBy(() -> call(gateway, ChatRequest.of("m", "hi"), stream)).isSameAs(veto);
    if (stream) {
      assertThat(sources.get(0).cancelled.getCount()).isZero();
    }
  }
}
