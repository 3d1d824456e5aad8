package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The interleaving that lost a stream's start, forced: a request on another thread finds
 * {@code onSubscribe} still running, and records its demand only after {@code onSubscribe} has
 * returned and the publisher has looked for demand.
 */
class EarlyRequestTest {
  private final ExecutorService threads = Executors.newSingleThreadExecutor();

  @AfterEach
  void stop() {
    GatewayPublisher.earlyRequestHook = null;
    threads.shutdownNow();
  }

  @Test
  void aRequestThatRacesTheEndOfOnSubscribeStillStartsTheStream() throws Exception {
    // In-memory and inline: the call runs on whichever thread starts it, so it is over when
    // both threads have returned.
    FakeProvider inline = new FakeProvider("p").inline(true)
        .onStream(r -> ChunkPublisher.of(ChunkPublisher.words("p", r.model(), 1)));
    AiGateway gateway = AiGateway.builder().provider(inline).build();
    CountDownLatch inHook = new CountDownLatch(1);
    CountDownLatch subscribeReturned = new CountDownLatch(1);
    GatewayPublisher.earlyRequestHook = () -> {
      inHook.countDown();
      await(subscribeReturned); // hold the request until the publisher has looked for demand
    };
    AtomicInteger items = new AtomicInteger();
    Future<?>[] requester = new Future<?>[1];
    gateway.stream(ChatRequest.of("m", "hi")).subscribe(new Flow.Subscriber<ChatChunk>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        requester[0] = threads.submit(() -> s.request(1));
        await(inHook); // the request saw onSubscribe still running
      }

      @Override
      public void onNext(ChatChunk item) {
        items.incrementAndGet();
      }

      @Override
      public void onError(Throwable throwable) {}

      @Override
      public void onComplete() {}
    });
    subscribeReturned.countDown();
    requester[0].get(10, TimeUnit.SECONDS);
    assertThat(items).as("the first chunk arrived").hasValue(1);
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(10, TimeUnit.SECONDS)) {
        throw new AssertionError("timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
