package dev.aigateway.core.internal;


import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.api.spi.GatewayExecutors;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.cache.ResponseCache;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Identical requests that arrive together share one vendor call. */
class SingleFlightTest {
  private static final int N = 8;
  private static final ChatRequest REQUEST = ChatRequest.of("m", "the same question");

  private final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger vendorCalls = new AtomicInteger();
  private final FakeProvider provider = new FakeProvider("fake").onChat(r -> {
    vendorCalls.incrementAndGet();
    entered.countDown();
    await(release);
    return ChatResponse.builder().provider("fake").model("m").text("shared answer")
        .finishReason(FinishReason.STOP).build();
  });
  private static final java.time.Duration WAIT = java.time.Duration.ofSeconds(5);
  private final CacheStage cache = new CacheStage(ResponseCache.defaults(), m -> null, r -> null,
      Timing.Ticker.SYSTEM, GatewayExecutors.defaultExecutor());
  private final AiGateway gateway =
      AiGateway.builder().provider(provider).interceptor(cache).build();
  private final ExecutorService threads = Executors.newFixedThreadPool(N);

  @AfterEach
  void stop() {
    release.countDown();
    threads.shutdownNow();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A latch that opens once {@code n} callers have joined a call in flight. */
  private CountDownLatch joins(int n) {
    CountDownLatch joined = new CountDownLatch(n);
    cache.joinListener = joined::countDown;
    return joined;
  }

  @Test
  void concurrentChatsShareOneVendorCall() throws Exception {
    CountDownLatch joined = joins(N - 1);
    List<Future<ChatResponse>> answers = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      answers.add(threads.submit(() -> gateway.chat(REQUEST)));
    }
    await(entered);
    await(joined);
    assertThat(cache.callersWaitingFor(REQUEST)).isEqualTo(N);
    release.countDown();
    int fromCache = 0;
    for (Future<ChatResponse> f : answers) {
      ChatResponse r = f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(r.text()).isEqualTo("shared answer");
      fromCache += r.fromCache() ? 1 : 0;
    }
    assertThat(vendorCalls).hasValue(1);
    assertThat(fromCache).isEqualTo(N - 1);
    assertThat(cache.callersWaitingFor(REQUEST)).isZero();
  }

  @Test
  void aVendorErrorIsSharedNotRetriedByEachCaller() throws Exception {
    provider.onChat(r -> {
      vendorCalls.incrementAndGet();
      entered.countDown();
      await(release);
      throw new InvalidRequestException("fake", 400, null, "bad request", null);
    });
    CountDownLatch joined = joins(N - 1);
    List<Future<ChatResponse>> answers = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      answers.add(threads.submit(() -> gateway.chat(REQUEST)));
    }
    await(entered);
    await(joined);
    release.countDown();
    for (Future<ChatResponse> f : answers) {
      try {
        f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        throw new AssertionError("expected the vendor's error");
      } catch (ExecutionException e) {
        assertThat(e.getCause()).hasMessageContaining("bad request");
      }
    }
    assertThat(vendorCalls).hasValue(1);
  }

  @Test
  void aCallerThatCancelsDoesNotCancelTheOthers() throws Exception {
    CompletableFuture<ChatResponse> leader = gateway.chatAsync(REQUEST);
    await(entered); // the first caller's vendor call is under way
    CountDownLatch joined = joins(N - 1);
    List<CompletableFuture<ChatResponse>> followers = new ArrayList<>();
    for (int i = 1; i < N; i++) {
      followers.add(gateway.chatAsync(REQUEST));
    }
    await(joined);
    leader.cancel(true);
    followers.get(0).cancel(true);
    release.countDown();
    for (CompletableFuture<ChatResponse> f : followers.subList(1, followers.size())) {
      assertThat(f.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).text()).isEqualTo("shared answer");
    }
    assertThat(leader).isCancelled();
    assertThat(vendorCalls).hasValue(1);
    assertThat(provider.attemptContexts().get(0).cancellation().isCancelled()).isFalse();
    assertThat(gateway.chat(REQUEST).fromCache()).isTrue(); // and it was stored
  }

  @Test
  void theSharedCallIsCancelledWhenEveryCallerHasGone() throws Exception {
    CompletableFuture<ChatResponse> first = gateway.chatAsync(REQUEST);
    await(entered);
    CountDownLatch joined = joins(1);
    CompletableFuture<ChatResponse> second = gateway.chatAsync(REQUEST);
    await(joined);
    Cancellation shared = provider.attemptContexts().get(0).cancellation();
    CountDownLatch sharedCancelled = new CountDownLatch(1);
    shared.onCancel(sharedCancelled::countDown);
    first.cancel(true);
    second.cancel(true);
    // The last caller leaves on its own thread once its wait is cancelled: wait for that.
    assertThat(sharedCancelled.await(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .as("the shared call is cancelled once every caller has gone").isTrue();
  }

  @Test
  void aStreamDoesNotWaitForAnIdenticalCallInFlightButMakesItsOwn() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    provider.onStream(r -> {
      if (vendorCalls.incrementAndGet() == 1) {
        entered.countDown();
        return ChunkPublisher.of(ChunkPublisher.words("fake", "m", 3)).gatedOn(gate, threads);
      }
      return ChunkPublisher.of(ChunkPublisher.words("fake", "m", 3));
    });
    TestSubscriber<ChatChunk> leader = TestSubscriber.unbounded();
    gateway.stream(REQUEST).subscribe(leader);
    await(entered);
    TestSubscriber<ChatChunk> other = TestSubscriber.unbounded();
    gateway.stream(REQUEST).subscribe(other);
    // Answered while the first call is still held: it did not wait for it.
    other.awaitTerminal(WAIT);
    assertThat(other.error()).isNull();
    assertThat(other.items()).extracting(ChatChunk::textDelta)
        .containsExactly("w0 ", "w1 ", "w2 ");
    assertThat(other.items().get(0).fromCache()).isFalse();
    assertThat(other.items().get(0).attempts()).isEqualTo(1);
    assertThat(leader.items()).isEmpty();
    assertThat(cache.callersWaitingFor(REQUEST)).as("no one joined the held call").isEqualTo(1);
    assertThat(vendorCalls).hasValue(2);
    gate.countDown();
    leader.awaitTerminal(WAIT);
    assertThat(leader.items()).hasSize(3);
  }

  @Test
  void aWaitingChatStopsAtItsOwnDeadline() throws Exception {
    dev.aigateway.api.testing.ManualTiming time = new dev.aigateway.api.testing.ManualTiming();
    CacheStage timed = new CacheStage(ResponseCache.defaults(), m -> null,
        r -> r.timeout(), time.timing().ticker(), GatewayExecutors.defaultExecutor());
    AiGateway gw = AiGateway.builder().provider(provider).interceptor(timed)
        .timing(time.timing()).build();
    Future<ChatResponse> leading = threads.submit(() -> gw.chat(REQUEST));
    await(entered);
    CountDownLatch joined = new CountDownLatch(1);
    timed.joinListener = joined::countDown;
    ChatRequest bounded = REQUEST.toBuilder().timeout(java.time.Duration.ofSeconds(5)).build();
    Future<ChatResponse> follower = threads.submit(() -> gw.chat(bounded));
    await(joined);
    assertThat(time.awaitScheduled(1, WAIT)).isTrue();
    time.advance(java.time.Duration.ofSeconds(5));
    assertThatThrownBy(() -> follower.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
        .hasCauseInstanceOf(dev.aigateway.api.GatewayTimeoutException.class)
        .cause().hasMessageContaining("waited for an identical call");
    assertThat(leading.isDone()).as("the leader is not affected").isFalse();
    release.countDown();
    assertThat(leading.get(WAIT.toMillis(), TimeUnit.MILLISECONDS).text())
        .isEqualTo("shared answer");
    assertThat(vendorCalls).hasValue(1);
  }

  @Test
  void aChatWaitsForAnIdenticalStreamAndFoldsIt() throws Exception {
    CountDownLatch gate = new CountDownLatch(1);
    provider.onStream(r -> {
      vendorCalls.incrementAndGet();
      entered.countDown();
      return ChunkPublisher.of(ChunkPublisher.words("fake", "m", 3)).gatedOn(gate, threads);
    });
    TestSubscriber<ChatChunk> leader = TestSubscriber.unbounded();
    gateway.stream(REQUEST).subscribe(leader);
    await(entered);
    CountDownLatch joined = joins(1);
    Future<ChatResponse> chat = threads.submit(() -> gateway.chat(REQUEST));
    await(joined);
    gate.countDown();
    ChatResponse folded = chat.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    assertThat(folded.text()).isEqualTo("w0 w1 w2 ");
    assertThat(folded.fromCache()).isTrue();
    assertThat(provider.chatRequests()).isEmpty();
    assertThat(vendorCalls).hasValue(1);
  }
}
