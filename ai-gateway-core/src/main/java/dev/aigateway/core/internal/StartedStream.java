package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.Timing;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A provider stream whose first chunk has already arrived. {@link #start} subscribes to the
 * provider's publisher, asks for one chunk and blocks until it comes, so that a failure before the
 * first chunk is thrown to the caller (and can be retried or failed over) instead of reaching the
 * subscriber. The returned publisher replays that chunk and then relays the rest. The wait obeys
 * the call's {@link Cancellation} and the first-chunk timeout, both of which cancel the source
 * (and so close its connection) even when the source reads on this very thread.
 *
 * <p>Demand stays exact: the chunk fetched ahead is delivered against the subscriber's first
 * request, and only the remainder is passed upstream. One subscriber.
 */
final class StartedStream
    implements Flow.Subscriber<ChatChunk>, Flow.Publisher<ChatChunk>, Flow.Subscription {
  private static final Object COMPLETE = new Object();
  private static final int WAITING = 0;
  private static final int STARTED = 1;
  private static final int TIMED_OUT = 2;
  private static final int CANCELLED = 3;

  // Decides, once, how the wait for the first signal ends: a signal, the timeout, or cancel.
  private final AtomicInteger state = new AtomicInteger(WAITING);
  private final CountDownLatch started = new CountDownLatch(1);
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile Flow.@Nullable Subscription upstream;
  private volatile Flow.@Nullable Subscriber<? super ChatChunk> downstream;
  private volatile boolean cancelled;

  // Written before started.countDown(), read after await().
  private @Nullable ChatChunk first;
  private @Nullable Throwable earlyError;

  // The hand-over of the first chunk, guarded by this.
  private boolean firstPending = true;
  private boolean emitting;
  private @Nullable Object pendingTerminal;
  private long deferredDemand;
  private boolean hasInvalidDemand;
  private long invalidDemand;
  private boolean terminated;

  private StartedStream() {}

  /**
   * Subscribes to {@code source} and waits for its first signal. The wait ends early when
   * {@code cancellation} fires or {@code firstChunkTimeout} passes; either cancels the source.
   *
   * @param firstChunkTimeout the longest wait, or null for none
   * @param cancellation the call's cancellation, or null
   * @param scheduler runs the first-chunk watchdog
   * @return a publisher that starts with the first chunk
   * @throws RuntimeException the source's error, when it failed before its first chunk
   * @throws GatewayTimeoutException when {@code firstChunkTimeout} passed first
   * @throws CancellationException when the call was cancelled or the thread interrupted
   */
  static Flow.Publisher<ChatChunk> start(Flow.Publisher<ChatChunk> source, String providerId,
      @Nullable Duration firstChunkTimeout, @Nullable Cancellation cancellation,
      Timing.Scheduler scheduler) {
    StartedStream stream = new StartedStream();
    Timing.Scheduled watchdog = firstChunkTimeout == null ? null
        : scheduler.schedule(() -> stream.end(TIMED_OUT),
            RealCall.saturatedNanos(firstChunkTimeout));
    Cancellation.Registration registration =
        cancellation == null ? null : cancellation.onCancel(() -> stream.end(CANCELLED));
    try {
      // The source may read its first chunk right here, on this thread (a gateway worker).
      source.subscribe(stream);
      stream.awaitFirst(providerId, firstChunkTimeout);
    } finally {
      if (watchdog != null) {
        watchdog.cancel();
      }
      if (registration != null) {
        registration.close();
      }
    }
    return stream;
  }

  /** Ends the wait by timeout or cancellation; a cancellation also stops a started stream. */
  private void end(int how) {
    if (state.compareAndSet(WAITING, how)) {
      cancelUpstream();
      started.countDown();
    } else if (how == CANCELLED) {
      cancelUpstream();
    }
  }

  private void awaitFirst(String providerId, @Nullable Duration timeout) {
    try {
      started.await();
    } catch (InterruptedException e) {
      end(CANCELLED);
      Thread.currentThread().interrupt();
    }
    switch (state.get()) {
      case TIMED_OUT -> throw new GatewayTimeoutException(providerId,
          GatewayTimeoutException.Phase.FIRST_CHUNK,
          providerId + " sent no first chunk within " + timeout, null);
      case CANCELLED -> throw new CancellationException(
          "the call was cancelled while waiting for " + providerId + "'s first chunk");
      default -> {
        if (earlyError != null) {
          throw Flows.propagate(earlyError);
        }
      }
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
    if (state.get() == WAITING) {
      first = chunk;
      if (state.compareAndSet(WAITING, STARTED)) {
        started.countDown();
      }
      return;
    }
    // Later chunks only come after the subscriber asked for them, so it is in place.
    if (!cancelled) {
      downstream.onNext(chunk);
    }
  }

  @Override
  public void onError(Throwable error) {
    if (state.get() == WAITING) {
      earlyError = error;
      if (state.compareAndSet(WAITING, STARTED)) {
        started.countDown();
      }
      return;
    }
    terminal(error);
  }

  @Override
  public void onComplete() {
    if (state.get() == WAITING) {
      if (state.compareAndSet(WAITING, STARTED)) {
        started.countDown(); // completed with no chunk at all
      }
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
