package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.core.resilience.Timeouts;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final ExecutorService emitter = Executors.newCachedThreadPool();
  private final FakeProvider provider = new FakeProvider("fake");

  @AfterEach
  void stopEmitter() {
    emitter.shutdownNow();
  }

  /** No retries, so that a failure's path through the publisher is seen as it is. */
  private static final Resilience ONCE = Resilience.builder().maxRetries(0).build();

  private AiGateway gateway() {
    return AiGateway.builder().provider(provider).resilience(ONCE).build();
  }

  @Test
  void theStreamIsColdUntilTheSubscriberRequests() {
    Flow.Publisher<ChatChunk> stream = gateway().stream(ChatRequest.of("m", "hi"));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    stream.subscribe(sub);
    sub.awaitSubscribed(WAIT);
    assertThat(provider.streamRequests()).as("nothing sent on subscribe alone").isEmpty();
    sub.request(1);
    sub.awaitItems(1, WAIT);
    assertThat(provider.streamRequests()).hasSize(1);
  }

  @Test
  void aSecondSubscriberIsRejectedWithIllegalStateException() {
    Flow.Publisher<ChatChunk> stream = gateway().stream(ChatRequest.of("m", "hi"));
    stream.subscribe(TestSubscriber.unbounded());
    TestSubscriber<ChatChunk> second = TestSubscriber.unbounded();
    stream.subscribe(second);
    second.awaitTerminal(WAIT);
    assertThat(second.error()).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("one subscriber");
  }

  @Test
  void demandIsExactAllTheWayToTheProvider() {
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("fake", "m", 5)).on(emitter);
    provider.onStream(r -> source);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(2);
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitItems(2, WAIT);
    assertThat(sub.items()).hasSize(2);
    assertThat(source.totalRequested()).as("the first chunk is fetched ahead within demand")
        .isEqualTo(2);
    sub.request(3);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("w0 ", "w1 ", "w2 ", "w3 ", "w4 ");
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void aFailureBeforeTheFirstChunkIsSignalledAsThrownWithoutPartialText() {
    ProviderUnavailableException down = new ProviderUnavailableException("fake", 503, null, "down", null);
    provider.onStream(r -> ChunkPublisher.failingAfter(List.of(), down));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).as("the one candidate failed before the first chunk: its own error")
        .isSameAs(down);
    assertThat(down.partialText()).isEmpty();
    assertThat(sub.items()).isEmpty();
  }

  @Test
  void aFailureAfterTheFirstChunkCarriesThePartialText() {
    ProviderUnavailableException cut = new ProviderUnavailableException("fake", 0, "stream_truncated", "cut", null);
    provider.onStream(r -> ChunkPublisher.failingAfter(List.of(
        ChatChunk.text("fake", "m", "Hello "), ChatChunk.text("fake", "m", "wor")), cut));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).hasSize(2);
    assertThat(sub.error()).isSameAs(cut);
    assertThat(cut.partialText()).contains("Hello wor");
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void cancelAfterTheFirstChunkCancelsTheProviderStream() {
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("fake", "m", 5)).on(emitter);
    provider.onStream(r -> source);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.cancel();
    assertThat(awaitLatch(source.cancelled)).isTrue();
  }

  @Test
  void cancelBeforeTheFirstChunkAbortsTheWaitingPipelineAndTheProviderStream() {
    CountDownLatch never = new CountDownLatch(1);
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("fake", "m", 2))
        .gatedOn(never, emitter);
    provider.onStream(r -> source);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    assertThat(awaitLatch(source.requested)).isTrue();
    sub.cancel();
    assertThat(awaitLatch(source.cancelled)).isTrue();
    never.countDown();
    assertThat(sub.items()).isEmpty();
    assertThat(sub.error()).isNull();
  }

  @Test
  void aSlowFirstChunkFailsWithTheFirstChunkTimeout() throws Exception {
    CountDownLatch never = new CountDownLatch(1);
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("fake", "m", 2))
        .gatedOn(never, emitter);
    provider.onStream(r -> source);
    ManualTiming time = new ManualTiming();
    AiGateway gateway = AiGateway.builder().provider(provider).resilience(ONCE)
        .timeouts(Timeouts.builder().firstChunk(Duration.ofMillis(50)).build())
        .timing(time.timing()).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("m", "hi")).subscribe(sub);
    assertThat(time.awaitScheduled(1, WAIT)).as("the watchdog is scheduled").isTrue();
    assertThat(time.pendingTasks()).as("and only it").isEqualTo(1);
    time.advance(Duration.ofMillis(50));
    sub.awaitTerminal(WAIT);
    never.countDown();
    Throwable timeout = sub.error();
    assertThat(timeout).as("one candidate: its own typed failure")
        .isInstanceOf(GatewayTimeoutException.class)
        .hasMessageContaining("first chunk");
    assertThat(((GatewayTimeoutException) timeout).phase())
        .isEqualTo(GatewayTimeoutException.Phase.FIRST_CHUNK);
    assertThat(awaitLatch(source.cancelled)).isTrue();
  }

  @Test
  void anEmptyProviderStreamCompletesEmpty() {
    provider.onStream(r -> ChunkPublisher.of(List.of()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.items()).isEmpty();
  }

  @Test
  void aNonPositiveRequestSignalsIllegalArgumentException() {
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitSubscribed(WAIT);
    sub.request(0);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("3.9");
    assertThat(provider.streamRequests()).isEmpty();
  }

  @Test
  void aZeroRequestAfterTheStreamStartedSignalsIllegalArgumentExceptionAndStopsTheSource() {
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("fake", "m", 5)).on(emitter);
    provider.onStream(r -> source);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.request(0);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(IllegalArgumentException.class);
    assertThat(sub.items()).hasSize(1);
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void aStreamSubscribedAfterCloseFailsAtOnce() {
    AiGateway gateway = gateway();
    Flow.Publisher<ChatChunk> stream = gateway.stream(ChatRequest.of("m", "hi"));
    gateway.close();
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    stream.subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  private static boolean awaitLatch(CountDownLatch latch) {
    try {
      return latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
