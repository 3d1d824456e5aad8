package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatChunk;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;

/** Consumes a stream to its end on the benchmark thread, failing loudly on an error. */
final class Drain implements Flow.Subscriber<ChatChunk> {
  private final CountDownLatch done = new CountDownLatch(1);
  private int chunks;
  private Throwable error;

  static int fully(Flow.Publisher<ChatChunk> stream) throws InterruptedException {
    Drain drain = new Drain();
    stream.subscribe(drain);
    drain.done.await();
    if (drain.error != null) {
      throw new IllegalStateException("the stream failed", drain.error);
    }
    return drain.chunks;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ChatChunk chunk) {
    chunks++;
  }

  @Override
  public void onError(Throwable t) {
    error = t;
    done.countDown();
  }

  @Override
  public void onComplete() {
    done.countDown();
  }
}
