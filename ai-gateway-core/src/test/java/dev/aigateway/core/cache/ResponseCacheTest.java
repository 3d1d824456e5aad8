package dev.aigateway.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.CacheMode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import java.util.concurrent.CopyOnWriteArrayList;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The response cache through a gateway, configured as a user configures it, on fake time. Each
 * behaviour runs for chat() and for stream().
 */
class ResponseCacheTest {
  static final Duration WAIT = Duration.ofSeconds(5);

  private final ManualTiming clock = new ManualTiming();
  private final FakeProvider provider = new FakeProvider("fake")
      .onStream(r -> ChunkPublisher.of(ChunkPublisher.words("fake", r.model(), 3)));

  private final List<String> lookups = new CopyOnWriteArrayList<>();

  private AiGateway gateway(ResponseCache config) {
    return builder(config).build();
  }

  private AiGateway.Builder builder(ResponseCache config) {
    return AiGateway.builder().provider(provider).cache(config).timing(clock.timing())
        .eventListener(new GatewayEventListener() {
          @Override
          public void cacheLookup(CallInfo call, CacheOutcome outcome) {
            lookups.add(outcome.name());
          }
        });
  }

  /** Runs {@code request} as a chat or as a stream; a stream's chunks are folded. */
  static ChatResponse call(AiGateway gateway, ChatRequest request, boolean stream) {
    if (!stream) {
      return gateway.chat(request);
    }
    List<ChatChunk> chunks = streamChunks(gateway, request);
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }

  static List<ChatChunk> streamChunks(AiGateway gateway, ChatRequest request) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    if (sub.error() != null) {
      throw Flows.propagate(sub.error());
    }
    return sub.items();
  }

  private int calls(boolean stream) {
    return stream ? provider.streamRequests().size() : provider.chatRequests().size();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRepeatedRequestIsAnsweredFromTheCache(boolean stream) {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "What is 2+2?");
    ChatResponse first = call(gateway, request, stream);
    ChatResponse second = call(gateway, request.toBuilder().clientId("other").build(), stream);
    assertThat(calls(stream)).isEqualTo(1);
    assertThat(second.text()).isEqualTo(first.text());
    assertThat(second.usage()).isEqualTo(first.usage());
    assertThat(second.finishReason()).isEqualTo(first.finishReason());
    assertThat(first.fromCache()).isFalse();
  }

  @Test
  void aChatHitSaysItCameFromTheCacheWithNoAttempts() {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    ChatResponse first = gateway.chat(request);
    ChatResponse hit = gateway.chat(request);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(hit.fromCache()).isTrue();
    assertThat(hit.attempts()).isZero();
    assertThat(hit.usage()).isEqualTo(Usage.of(5, 3));
    assertThat(hit.id()).isEqualTo(first.id());
    assertThat(hit.provider()).isEqualTo("fake");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theCallRecordsWhatTheCacheSaidAndAFoldedReplayReportsItAsChatDoes(boolean stream) {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    ChatResponse miss = call(gateway, request, stream);
    ChatResponse hit = call(gateway, request, stream);
    call(gateway, request.toBuilder().cacheMode(CacheMode.BYPASS).build(), stream);
    call(gateway, request.toBuilder().cacheMode(CacheMode.REFRESH).build(), stream);
    assertThat(lookups).containsExactly("MISS", "HIT", "BYPASS", "REFRESH");
    assertThat(miss.fromCache()).isFalse();
    assertThat(miss.attempts()).isEqualTo(1);
    assertThat(hit.fromCache()).as("the same for chat and a folded stream").isTrue();
    assertThat(hit.attempts()).isZero();
  }

  @Test
  void aStreamHitReplaysTheChunksInOrderAtTheSubscribersDemand() {
    provider.onStream(r -> ChunkPublisher.of(ChunkPublisher.words("fake", r.model(), 5)));
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    List<ChatChunk> original = streamChunks(gateway, request);

    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(2);
    gateway.stream(request).subscribe(sub);
    sub.awaitItems(2, WAIT);
    assertThat(sub.items()).hasSize(2);
    assertThat(sub.isCompleted()).isFalse();
    sub.request(10);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("w0 ", "w1 ", "w2 ", "w3 ", "w4 ")
        .isEqualTo(original.stream().map(ChatChunk::textDelta).toList());
    assertThat(sub.items().get(4).finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(sub.items().get(0).attempts()).isZero();
    assertThat(provider.streamRequests()).hasSize(1);
  }

  @Test
  void chatIsServedFromACachedStreamAndAStreamFromACachedChat() {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest streamed = ChatRequest.of("m", "streamed first");
    List<ChatChunk> chunks = streamChunks(gateway, streamed);
    ChatResponse folded = gateway.chat(streamed);
    assertThat(folded.text()).isEqualTo("w0 w1 w2 ");
    assertThat(folded.fromCache()).isTrue();
    assertThat(folded.attempts()).isZero();
    assertThat(folded.usage()).isEqualTo(chunks.get(2).usage());

    ChatRequest chatted = ChatRequest.of("m", "chatted first");
    ChatResponse answer = gateway.chat(chatted);
    List<ChatChunk> replay = streamChunks(gateway, chatted);
    assertThat(replay).hasSize(1); // a stored chat answer streams as one chunk
    assertThat(replay.get(0).textDelta()).isEqualTo(answer.text());
    assertThat(replay.get(0).usage()).isEqualTo(answer.usage());
    assertThat(provider.streamRequests()).hasSize(1);
    assertThat(provider.chatRequests()).hasSize(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void bypassNeitherReadsNorWrites(boolean stream) {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    ChatRequest bypass = request.toBuilder().cacheMode(CacheMode.BYPASS).build();
    call(gateway, bypass, stream);
    call(gateway, request, stream); // not stored by the bypass call
    call(gateway, bypass, stream); // stored now, but not read
    assertThat(calls(stream)).isEqualTo(3);
    call(gateway, request, stream);
    assertThat(calls(stream)).isEqualTo(3);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void refreshSkipsTheReadAndStoresTheFreshAnswer(boolean stream) {
    AtomicInteger n = new AtomicInteger();
    provider.onChat(r -> ChatResponse.builder().provider("fake").model("m")
        .text("answer " + n.incrementAndGet()).finishReason(FinishReason.STOP).build());
    provider.onStream(r -> ChunkPublisher.of(List.of(ChatChunk.of(null, "fake", "m",
        "answer " + n.incrementAndGet(), null, FinishReason.STOP, null))));
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    assertThat(call(gateway, request, stream).text()).isEqualTo("answer 1");
    ChatRequest refresh = request.toBuilder().cacheMode(CacheMode.REFRESH).build();
    assertThat(call(gateway, refresh, stream).text()).isEqualTo("answer 2");
    assertThat(call(gateway, request, stream).text()).isEqualTo("answer 2");
    assertThat(calls(stream)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theRoutesOwnSettingWinsOverTheDefault(boolean stream) {
    Route onRoute = Route.builder("on").target("fake", "m").cache(true).build();
    Route offRoute = Route.builder("off").target("fake", "m").cache(false).build();
    AiGateway off = builder(ResponseCache.disabled()).route(onRoute).route(offRoute).build();
    for (int i = 0; i < 2; i++) {
      call(off, ChatRequest.of("on", "hi"), stream);
      call(off, ChatRequest.of("plain", "hi"), stream);
    }
    assertThat(calls(stream)).isEqualTo(3); // "on" once, "plain" twice

    AiGateway on = builder(ResponseCache.defaults()).route(onRoute).route(offRoute).build();
    for (int i = 0; i < 2; i++) {
      call(on, ChatRequest.of("off", "hi"), stream);
      call(on, ChatRequest.of("plain", "hi"), stream);
    }
    assertThat(calls(stream)).isEqualTo(3 + 3); // "off" twice, "plain" once
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void errorsAreNotCached(boolean stream) {
    AtomicInteger n = new AtomicInteger();
    InvalidRequestException bad = new InvalidRequestException("fake", 400, "x", "bad", null);
    provider.onChat(r -> {
      if (n.incrementAndGet() == 1) {
        throw bad;
      }
      return ChatResponse.builder().provider("fake").model("m").text("ok")
          .finishReason(FinishReason.STOP).build();
    });
    provider.onStream(r -> {
      if (n.incrementAndGet() == 1) {
        throw bad;
      }
      return ChunkPublisher.of(ChunkPublisher.words("fake", "m", 2));
    });
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    assertThatThrownBy(() -> call(gateway, request, stream)).isSameAs(bad);
    call(gateway, request, stream);
    call(gateway, request, stream);
    assertThat(calls(stream)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void contentFilteredAnswersAreNotCached(boolean stream) {
    provider.onChat(r -> ChatResponse.builder().provider("fake").model("m").text("")
        .finishReason(FinishReason.CONTENT_FILTER).build());
    provider.onStream(r -> ChunkPublisher.of(List.of(
        ChatChunk.of(null, "fake", "m", "par", null, null, null),
        ChatChunk.of(null, "fake", "m", "", null, FinishReason.CONTENT_FILTER, null))));
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    call(gateway, request, stream);
    ChatResponse again = call(gateway, request, stream);
    assertThat(again.fromCache()).isFalse();
    assertThat(calls(stream)).isEqualTo(2);
  }

  @Test
  void aStreamThatFailsMidwayIsNotCached() {
    AtomicInteger n = new AtomicInteger();
    provider.onStream(r -> n.incrementAndGet() == 1
        ? ChunkPublisher.failingAfter(ChunkPublisher.words("fake", "m", 2).subList(0, 1),
            new ProviderUnavailableException("fake", 0, null, "connection reset", null))
        : ChunkPublisher.of(ChunkPublisher.words("fake", "m", 2)));
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    assertThatThrownBy(() -> streamChunks(gateway, request))
        .isInstanceOf(ProviderUnavailableException.class);
    assertThat(streamChunks(gateway, request)).hasSize(2);
    assertThat(provider.streamRequests()).hasSize(2);
  }

  @Test
  void aCancelledStreamIsNotCached() {
    AiGateway gateway = gateway(ResponseCache.defaults());
    ChatRequest request = ChatRequest.of("m", "hi");
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway.stream(request).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.cancel();
    assertThat(streamChunks(gateway, request)).hasSize(3);
    assertThat(provider.streamRequests()).hasSize(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void entriesExpireAfterTheTtl(boolean stream) {
    AiGateway gateway = gateway(ResponseCache.builder().ttl(Duration.ofMinutes(5)).build());
    ChatRequest request = ChatRequest.of("m", "hi");
    call(gateway, request, stream);
    clock.advance(Duration.ofMinutes(4));
    call(gateway, request, stream);
    assertThat(calls(stream)).isEqualTo(1);
    clock.advance(Duration.ofMinutes(2));
    call(gateway, request, stream);
    assertThat(calls(stream)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void partitionByClientKeepsClientsApart(boolean stream) {
    AiGateway gateway = gateway(ResponseCache.builder().partitionByClient(true).build());
    ChatRequest a = ChatRequest.builder().model("m").user("hi").clientId("a").build();
    call(gateway, a, stream);
    call(gateway, a, stream);
    call(gateway, a.toBuilder().clientId("b").build(), stream);
    assertThat(calls(stream)).isEqualTo(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anUnreadableEntryIsAMiss(boolean stream) {
    InMemoryCacheStore store = new InMemoryCacheStore(100, 100_000, clock.timing().ticker());
    AiGateway gateway = gateway(ResponseCache.builder().store(store).build());
    ChatRequest request = ChatRequest.of("m", "hi");
    store.put(CacheKey.of(request, false), new byte[] {9, 9, 9}, Duration.ofHours(1));
    assertThat(call(gateway, request, stream).text()).isNotEmpty();
    assertThat(calls(stream)).isEqualTo(1);
    call(gateway, request, stream); // the fresh answer replaced the bad entry
    assertThat(calls(stream)).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFailingStoreIsAMissAndNeverFailsTheCall(boolean stream) {
    CacheStore broken = new CacheStore() {
      @Override
      public CompletableFuture<byte[]> get(CacheKey key) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }

      @Override
      public CompletableFuture<Void> put(CacheKey key, byte[] value, Duration ttl) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }

      @Override
      public CompletableFuture<Void> invalidate(CacheKey key) {
        throw new IllegalStateException("store down");
      }
    };
    AiGateway gateway = gateway(ResponseCache.builder().store(broken).build());
    ChatRequest request = ChatRequest.of("m", "hi");
    call(gateway, request, stream);
    call(gateway, request, stream);
    assertThat(calls(stream)).isEqualTo(2);
  }

  @Test
  void aSlowLookupIsAMissAfterTheLookupTimeout() {
    CompletableFuture<byte[]> never = new CompletableFuture<>();
    InMemoryCacheStore memory = new InMemoryCacheStore(10, 100_000, clock.timing().ticker());
    CacheStore slow = new CacheStore() {
      @Override
      public CompletableFuture<byte[]> get(CacheKey key) {
        return never;
      }

      @Override
      public CompletableFuture<Void> put(CacheKey key, byte[] value, Duration ttl) {
        return memory.put(key, value, ttl);
      }

      @Override
      public CompletableFuture<Void> invalidate(CacheKey key) {
        return memory.invalidate(key);
      }
    };
    AiGateway gateway = gateway(ResponseCache.builder().store(slow)
        .lookupTimeout(Duration.ofMillis(20)).build());
    ChatRequest request = ChatRequest.of("m", "hi");
    gateway.chat(request);
    assertThat(gateway.chat(request).fromCache()).isFalse();
    assertThat(provider.chatRequests()).hasSize(2);
  }
}
