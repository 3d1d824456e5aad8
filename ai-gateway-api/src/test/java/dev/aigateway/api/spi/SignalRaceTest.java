package dev.aigateway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Races that a plain test cannot show, repeated until an unlucky interleaving would have shown
 * itself: each iteration releases two threads at once on a barrier.
 */
class SignalRaceTest {
  private static final int ITERATIONS = 20_000;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void anObserverHearsExactlyOneEndWhenTheStreamCompletesWhileTheSubscriberCancels()
      throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    int doubled = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      AtomicInteger ends = new AtomicInteger();
      AtomicReference<Flow.Subscriber<? super ChatChunk>> source = new AtomicReference<>();
      Flow.Publisher<ChatChunk> upstream = s -> {
        source.set(s);
        s.onSubscribe(Flows.noopSubscription());
      };
      ChatResult observed = ChatResult.ofStream(upstream).observe(new ChatObserver() {
        @Override
        public void onComplete(@Nullable ChatResponse response) {
          ends.incrementAndGet();
        }

        @Override
        public void onError(Throwable error) {
          ends.incrementAndGet();
        }

        @Override
        public void onCancel() {
          ends.incrementAndGet();
        }
      });
      AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
      observed.chunks().subscribe(new Flow.Subscriber<ChatChunk>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription.set(s);
        }

        @Override
        public void onNext(ChatChunk item) {}

        @Override
        public void onError(Throwable throwable) {}

        @Override
        public void onComplete() {}
      });
      Future<?> complete = threads.submit(() -> {
        barrier.await();
        source.get().onComplete();
        return null;
      });
      Future<?> cancel = threads.submit(() -> {
        barrier.await();
        subscription.get().cancel();
        return null;
      });
      complete.get(10, TimeUnit.SECONDS);
      cancel.get(10, TimeUnit.SECONDS);
      if (ends.get() != 1) {
        doubled++;
      }
    }
    assertThat(doubled).as("iterations where the observer heard other than one end").isZero();
  }

  @Test
  void closingARegistrationWaitsForTheHookThatCancelAlreadyTook() throws Exception {
    Cancellation cancellation = new Cancellation();
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    Cancellation.Registration registration = cancellation.onCancel(() -> {
      entered.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ran.incrementAndGet();
    });
    Future<?> cancelling = threads.submit(cancellation::cancel);
    assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
    Thread closer = new Thread(registration::close, "closer");
    closer.start();
    // The closer must be parked until the hook is done: wait until it is, without a sleep.
    while (closer.getState() != Thread.State.WAITING && closer.isAlive()) {
      Thread.onSpinWait();
    }
    assertThat(closer.isAlive()).as("close() returned while the hook still ran").isTrue();
    release.countDown();
    closer.join(10_000);
    assertThat(closer.isAlive()).isFalse();
    assertThat(ran).hasValue(1);
    cancelling.get(10, TimeUnit.SECONDS);
  }

  @Test
  void aHookNeverRunsOnceItsRegistrationWasClosedEvenWhenCloseRacesCancel() throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(2);
    int late = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      Cancellation cancellation = new Cancellation();
      AtomicInteger afterClose = new AtomicInteger();
      AtomicInteger closed = new AtomicInteger();
      Cancellation.Registration registration = cancellation.onCancel(() -> {
        if (closed.get() == 1) {
          afterClose.incrementAndGet(); // the hook reached its thread after its wait had ended
        }
      });
      Future<?> cancel = threads.submit(() -> {
        barrier.await();
        cancellation.cancel();
        return null;
      });
      Future<?> close = threads.submit(() -> {
        barrier.await();
        registration.close();
        closed.set(1);
        return null;
      });
      cancel.get(10, TimeUnit.SECONDS);
      close.get(10, TimeUnit.SECONDS);
      late += afterClose.get();
    }
    assertThat(late).as("hooks that ran after close() had returned").isZero();
  }

  @Test
  void aHookClosedFromWithinItselfDoesNotWaitForItself() {
    Cancellation cancellation = new Cancellation();
    AtomicReference<Cancellation.Registration> own = new AtomicReference<>();
    AtomicInteger ran = new AtomicInteger();
    own.set(cancellation.onCancel(() -> {
      own.get().close();
      ran.incrementAndGet();
    }));
    cancellation.cancel();
    assertThat(ran).hasValue(1);
    assertThat(cancellation.isCancelled()).isTrue();
    // Registering after cancel runs at once, and closing that is a no-op.
    AtomicInteger late = new AtomicInteger();
    cancellation.onCancel(late::incrementAndGet).close();
    assertThat(late).hasValue(1);
  }
}
