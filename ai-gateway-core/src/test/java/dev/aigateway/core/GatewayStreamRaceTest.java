package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A race of the gateway's stream publisher, repeated: a cancel from another thread while the
 * worker leaves the pipeline for the stream must never interrupt it once it reads the stream.
 * (The start lost to a request racing {@code onSubscribe} is forced in {@code EarlyRequestTest}.)
 */
class GatewayStreamRaceTest {
  private static final int ITERATIONS = 5_000;
  private final ExecutorService threads = Executors.newFixedThreadPool(2);

  @AfterEach
  void stop() {
    threads.shutdownNow();
  }

  @Test
  void aCancelNeverInterruptsTheWorkerOnceItReadsTheStream() throws Exception {
    AtomicInteger interruptedWhileReading = new AtomicInteger();
    FakeProvider provider = new FakeProvider("p").onStream(r -> new Flow.Publisher<>() {
      @Override
      public void subscribe(Flow.Subscriber<? super ChatChunk> s) {
        AtomicLong sent = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            // The worker reads here once the first chunk was asked for by the subscriber.
            if (sent.get() > 0 && Thread.currentThread().isInterrupted()) {
              interruptedWhileReading.incrementAndGet();
            }
            for (long k = 0; k < n && sent.get() < 3 && !done.get(); k++) {
              s.onNext(ChatChunk.text("p", "m", "w" + sent.getAndIncrement()));
            }
            if (sent.get() == 3 && done.compareAndSet(false, true)) {
              s.onComplete();
            }
          }

          @Override
          public void cancel() {
            done.set(true);
          }
        });
      }
    });
    // An application interceptor keeps the call off the inline path: it runs on a worker,
    // whose pipeline a cancel may interrupt.
    ChatInterceptor passThrough = chain -> chain.proceed(chain.request());
    AiGateway gateway = AiGateway.builder().provider(provider).interceptor(passThrough).build();
    for (int i = 0; i < ITERATIONS / 5; i++) {
      AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
      CountDownLatch first = new CountDownLatch(1);
      gateway.stream(ChatRequest.of("m", "hi")).subscribe(new Flow.Subscriber<ChatChunk>() {
        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription.set(s);
          s.request(1);
        }

        @Override
        public void onNext(ChatChunk item) {
          first.countDown();
        }

        @Override
        public void onError(Throwable throwable) {
          first.countDown();
        }

        @Override
        public void onComplete() {}
      });
      // Cancel from another thread at about the moment the worker leaves the pipeline.
      threads.submit(() -> subscription.get().cancel()).get(10, TimeUnit.SECONDS);
      subscription.get().request(Long.MAX_VALUE);
    }
    assertThat(interruptedWhileReading).hasValue(0);
  }
}
