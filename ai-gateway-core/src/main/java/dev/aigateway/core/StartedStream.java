package dev.aigateway.core;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.spi.Flows;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A provider stream whose first chunk has already arrived. {@link #start} subscribes to the
 * provider's publisher, asks for one chunk and blocks until it comes, so that a failure before the
 * first chunk is thrown to the caller (and can be retried or failed over) instead of reaching the
 * subscriber. The returned publisher replays that chunk and then relays the rest.
 *
 * <p>Demand stays exact: the chunk fetched ahead is delivered against the subscriber's first
 * request, and only the remainder is passed upstream. One subscriber.
 */
final class StartedStream
    implements Flow.Subscriber<ChatChunk>, Flow.Publisher<ChatChunk>, Flow.Subscription {
  private static final Object COMPLETE = new Object();

  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile Flow.Subscription upstream;
  private volatile Flow.Subscriber<? super ChatChunk> downstream;
  private volatile boolean cancelled;

  // Written before started.countDown(), read after await().
  private ChatChunk first;
  private Throwable earlyError;

  // The hand-over of the first chunk, guarded by this.
  private boolean firstPending = true;
  private boolean emitting;
  private Object pendingTerminal;
  private long deferredDemand;
  private boolean hasInvalidDemand;
  private long invalidDemand;
  private boolean terminated;

  private StartedStream() {}

  /**
   * Subscribes to {@code source} and waits for its first signal.
   *
   * @param firstChunkTimeout the longest wait, or null for none
   * @return a publisher that starts with the first chunk
   * @throws RuntimeException the source's error, when it failed before its first chunk
   * @throws GatewayTimeoutException when {@code firstChunkTimeout} passed first
   * @throws CancellationException when the waiting thread was interrupted
   */
  static Flow.Publisher<ChatChunk> start(
      Flow.Publisher<ChatChunk> source, String providerId, Duration firstChunkTimeout) {
    StartedStream stream = new StartedStream();
    source.subscribe(stream);
    stream.awaitFirst(providerId, firstChunkTimeout);
    return stream;
  }

  private void awaitFirst(String providerId, Duration timeout) {
    try {
      if (timeout == null) {
        started.await();
      } else if (!started.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
        cancelUpstream();
        throw new GatewayTimeoutException(providerId, GatewayTimeoutException.Phase.FIRST_CHUNK,
            providerId + " sent no first chunk within " + timeout, null);
      }
    } catch (InterruptedException e) {
      cancelUpstream();
      Thread.currentThread().interrupt();
      CancellationException ce = new CancellationException("interrupted while waiting for "
          + providerId + "'s first chunk");
      ce.initCause(e);
      throw ce;
    }
    if (earlyError != null) {
      throw Flows.propagate(earlyError);
    }
  }

  private void cancelUpstream() {
    cancelled = true;
    Flow.Subscription s = upstream;
    if (s != null) {
      s.cancel();
    }
  }

  // ---- Subscriber side, facing the provider ----

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    upstream = subscription;
    if (cancelled) {
      subscription.cancel();
      return;
    }
    subscription.request(1);
  }

  @Override
  public void onNext(ChatChunk chunk) {
    if (started.getCount() > 0) {
      first = chunk;
      started.countDown();
      return;
    }
    // Later chunks only come after the subscriber asked for them, so it is in place.
    if (!cancelled) {
      downstream.onNext(chunk);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (started.getCount() > 0) {
      earlyError = error;
      started.countDown();
      return;
    }
    terminal(error);
  }

  @Override
  public void onComplete() {
    if (started.getCount() > 0) {
      started.countDown(); // completed with no chunk at all
      return;
    }
    terminal(COMPLETE);
  }

  private void terminal(Object signal) {
    synchronized (this) {
      if (firstPending || emitting) {
        pendingTerminal = signal;
        return;
      }
    }
    deliverTerminal(signal);
  }

  private void deliverTerminal(Object signal) {
    synchronized (this) {
      if (terminated) {
        return;
      }
      terminated = true;
    }
    if (cancelled) {
      return;
    }
    if (signal == COMPLETE) {
      downstream.onComplete();
    } else {
      downstream.onError((Throwable) signal);
    }
  }

  // ---- Publisher and Subscription side, facing the gateway ----

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Flows.rejectAdditionalSubscriber(subscriber);
      return;
    }
    downstream = subscriber;
    if (first == null) { // the provider completed without a chunk
      synchronized (this) {
        firstPending = false;
        terminated = true;
      }
      subscriber.onSubscribe(Flows.noopSubscription());
      subscriber.onComplete();
      return;
    }
    subscriber.onSubscribe(this);
  }

  @Override
  public void request(long n) {
    boolean emitFirst = false;
    boolean reject = false;
    synchronized (this) {
      if (terminated || cancelled) {
        return;
      }
      if (firstPending) {
        firstPending = false;
        if (n <= 0) {
          reject = true;
        } else {
          emitting = true;
          emitFirst = true;
        }
      } else if (emitting) {
        // Called from inside onNext(first): hold the demand until that call returns, so that
        // the provider's next onNext cannot overlap it.
        if (n <= 0) {
          invalidDemand = n;
          hasInvalidDemand = true;
        } else {
          deferredDemand = Flows.addCap(deferredDemand, n);
        }
        return;
      }
    }
    if (reject) {
      upstream.cancel();
      deliverTerminal(Flows.nonPositiveRequest(n));
      return;
    }
    if (!emitFirst) {
      upstream.request(n); // the provider answers n <= 0 itself, by rule 3.9
      return;
    }
    ChatChunk chunk = first;
    first = null;
    downstream.onNext(chunk);
    Object term;
    long more;
    boolean invalid;
    long invalidN;
    synchronized (this) {
      emitting = false;
      term = pendingTerminal;
      pendingTerminal = null;
      more = deferredDemand;
      deferredDemand = 0;
      invalid = hasInvalidDemand;
      invalidN = invalidDemand;
    }
    if (cancelled) {
      return;
    }
    if (term != null) {
      deliverTerminal(term);
      return;
    }
    if (invalid) {
      upstream.cancel();
      deliverTerminal(Flows.nonPositiveRequest(invalidN));
      return;
    }
    long rest = Flows.addCap(n - 1, more);
    if (rest > 0) {
      upstream.request(rest);
    }
  }

  @Override
  public void cancel() {
    cancelUpstream();
  }
}
