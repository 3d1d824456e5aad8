package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.ResponseCache;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in store keeps answers as objects: bounded, expiring on the ticker, never copied. */
class InMemoryAnswersTest {
  private final ManualTiming time = new ManualTiming();

  private static CachedAnswer answer(String text) {
    return CachedAnswer.of(ChatResponse.builder().id("r").provider("p").model("m").text(text)
        .finishReason(FinishReason.STOP).usage(Usage.of(1, 2)).build());
  }

  private static List<ChatChunk> chunks(AiGateway gateway, ChatRequest request) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    return sub.items();
  }

  @Test
  void aHitIsTheSameObjectEveryTimeReadyAsAHit() {
    InMemoryAnswers store = new InMemoryAnswers(10, 100_000, time.timing().ticker(), Runnable::run);
    CacheKey key = CacheKey.of(1, 2);
    store.put(key, answer("hello"), Duration.ofMinutes(1));
    CachedAnswer first = store.get(key);
    assertThat(first).isSameAs(store.get(key));
    ChatResponse hit = first.asHitResponse();
    assertThat(hit).as("worked out on the first hit, not copied per hit")
        .isSameAs(first.asHitResponse());
    assertThat(hit.fromCache()).isTrue();
    assertThat(hit.attempts()).isZero();
    assertThat(hit.text()).isEqualTo("hello");
  }

  @Test
  void maintenanceRunsOnTheGivenExecutorNotOnTheWriter() {
    java.util.concurrent.ConcurrentLinkedQueue<Runnable> queued =
        new java.util.concurrent.ConcurrentLinkedQueue<>();
    InMemoryAnswers store = new InMemoryAnswers(4, 100_000, time.timing().ticker(), queued::add);
    for (int i = 0; i < 50; i++) {
      store.put(CacheKey.of(7, i), answer("answer " + i), Duration.ofMinutes(1));
    }
    assertThat(queued).as("the writes handed their maintenance over").isNotEmpty();
    for (Runnable r; (r = queued.poll()) != null; ) {
      r.run();
    }
    assertThat(store.size()).as("and it kept the bound once it ran").isBetween(1L, 4L);
  }

  @Test
  void entriesExpireOnTheTickerAndTheBytesBoundHolds() {
    InMemoryAnswers store = new InMemoryAnswers(100, 1_000, time.timing().ticker(), Runnable::run);
    store.put(CacheKey.of(1, 1), answer("a"), Duration.ofSeconds(60));
    time.advance(Duration.ofSeconds(59));
    assertThat(store.get(CacheKey.of(1, 1))).isNotNull();
    time.advance(Duration.ofSeconds(2));
    assertThat(store.get(CacheKey.of(1, 1))).as("expired").isNull();
    store.put(CacheKey.of(2, 2), answer("x".repeat(600)), Duration.ofMinutes(1));
    assertThat(store.get(CacheKey.of(2, 2))).as("1264 estimated bytes > 1000: not kept").isNull();
    assertThat(InMemoryAnswers.weightOf(answer("x".repeat(600)))).isEqualTo(64 + 1200);
  }

  @Test
  void aStoredStreamReplaysItsChunksAndFoldsOnceForChat() {
    FakeProvider provider = new FakeProvider("p")
        .onStream(r -> ChunkPublisher.of(ChunkPublisher.words("p", r.model(), 3)));
    AiGateway gateway = AiGateway.builder().provider(provider).cache(ResponseCache.defaults())
        .timing(time.timing()).build();
    ChatRequest request = ChatRequest.of("m", "hi");
    List<ChatChunk> streamed = chunks(gateway, request);
    List<ChatChunk> replayed = chunks(gateway, request);
    assertThat(replayed).extracting(ChatChunk::textDelta)
        .containsExactlyElementsOf(streamed.stream().map(ChatChunk::textDelta).toList());
    ChatResponse a = gateway.chat(request);
    ChatResponse b = gateway.chat(request);
    assertThat(a.text()).isEqualTo("w0 w1 w2 ");
    assertThat(a).as("a chat() hit of a stored stream is folded once, on the first hit")
        .isSameAs(b);
    assertThat(provider.streamRequests()).hasSize(1);
    assertThat(provider.chatRequests()).isEmpty();
  }
}
