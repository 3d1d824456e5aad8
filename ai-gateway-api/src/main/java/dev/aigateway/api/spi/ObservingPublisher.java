package dev.aigateway.api.spi;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.StreamAccumulator;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;

/** Passes a stream through a {@link ChatObserver}. One subscriber. */
final class ObservingPublisher implements Flow.Publisher<ChatChunk> {
  private final Flow.Publisher<ChatChunk> upstream;
  private final ChatObserver observer;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ObservingPublisher(Flow.Publisher<ChatChunk> upstream, ChatObserver observer) {
    this.upstream = upstream;
    this.observer = observer;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    upstream.subscribe(new Relay(subscriber, observer));
  }

  /**
   * Relays one stream through the observer. The observer hears exactly one of
   * {@code onComplete}, {@code onError} and {@code onCancel}, whichever comes first, even when
   * the subscriber cancels on another thread while the stream ends.
   */
  private static final class Relay implements Flow.Subscriber<ChatChunk>, Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final ChatObserver observer;
    private final @Nullable StreamAccumulator accumulator;
    // Claimed by the first of: the stream's end, its failure, the subscriber's cancel.
    private final AtomicBoolean terminated = new AtomicBoolean();
    private volatile boolean cancelled;
    private Flow.@Nullable Subscription upstream;
    private boolean done; // the delivering thread's own

    Relay(Flow.Subscriber<? super ChatChunk> downstream, ChatObserver observer) {
      this.downstream = downstream;
      this.observer = observer;
      this.accumulator = observer.needsResponse() ? new StreamAccumulator() : null;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      upstream = subscription;
      downstream.onSubscribe(this);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      if (done || cancelled) {
        return;
      }
      try {
        observer.onChunk(chunk);
        if (accumulator != null) {
          accumulator.accept(chunk);
        }
      } catch (Throwable t) {
        done = true;
        upstream.cancel();
        if (terminated.compareAndSet(false, true)) {
          try {
            observer.onError(t);
          } catch (Throwable again) {
            t.addSuppressed(again);
          }
        }
        downstream.onError(t);
        return;
      }
      downstream.onNext(chunk);
    }

    @Override
    public void onError(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      if (terminated.compareAndSet(false, true)) {
        try {
          observer.onError(error);
        } catch (Throwable t) {
          error.addSuppressed(t);
        }
      }
      downstream.onError(error);
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      if (terminated.compareAndSet(false, true)) {
        try {
          ChatResponse response = accumulator == null || accumulator.chunkCount() == 0 ? null
              : accumulator.toResponse();
          observer.onComplete(response);
        } catch (Throwable t) {
          downstream.onError(t);
          return;
        }
      }
      downstream.onComplete();
    }

    @Override
    public void request(long n) {
      upstream.request(n);
    }

    @Override
    public void cancel() {
      if (cancelled) {
        return;
      }
      cancelled = true;
      upstream.cancel();
      if (terminated.compareAndSet(false, true)) {
        observer.onCancel();
      }
    }
  }
}
