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
 *
 * <p><b>Idle timeout.</b> With one set, a watchdog on the gateway's scheduler ends a stream that
 * has started and then falls silent: when no chunk arrived for that long while the subscriber
 * had demand outstanding (a slow subscriber is not a silent vendor), the source is cancelled
 * (closing its connection) and the stream fails with a {@link GatewayTimeoutException} of phase
 * {@code IDLE}, which the failover stage may rescue. The watchdog is armed once per idle period,
 * not per chunk, and its failure is serialized with the chunks by a small gate.
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

  // The idle watchdog; idleNanos 0 when there is none.
  private static final int IDLE = 0;
  private static final int DELIVERING = 1;
  private static final int STALLED = 2;
  private final long idleNanos;
  private final @Nullable Duration idleTimeout;
  private final String providerId;
  private final Timing.@Nullable Scheduler scheduler;
  private final Timing.Ticker ticker; // read only with an idle timeout
  private final AtomicInteger gate = new AtomicInteger(IDLE);
  private final java.util.concurrent.atomic.AtomicLong outstanding =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastActivity;
  private volatile Timing.@Nullable Scheduled idleWatch;

  private StartedStream(String providerId, @Nullable Duration idleTimeout,
      Timing.@Nullable Scheduler scheduler, Timing.@Nullable Ticker ticker) {
    this.providerId = providerId;
    this.idleTimeout = idleTimeout;
    this.idleNanos = idleTimeout == null ? 0 : RealCall.saturatedNanos(idleTimeout);
    this.scheduler = scheduler;
    this.ticker = ticker == null ? Timing.Ticker.SYSTEM : ticker;
  }

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
   * @param idleTimeout the longest silence between chunks with demand outstanding once the
   *     stream has started (see the class documentation), or null
   * @param ticker the clock the idle timeout is measured on; required with an idle timeout
   * @param answersInline whether the source may deliver its first signal within
   *     {@code subscribe} ({@code ChatProvider.streamsInline()}): then the watchdog and the
   *     cancellation hook are set up only if it did not, which spares an in-memory stream the
   *     scheduler's cost
   */
  static Flow.Publisher<ChatChunk> start(Flow.Publisher<ChatChunk> source, String providerId,
      @Nullable Duration firstChunkTimeout, @Nullable Duration idleTimeout,
      @Nullable Cancellation cancellation, Timing.Scheduler scheduler,
      Timing.@Nullable Ticker ticker, boolean answersInline) {
    StartedStream stream = new StartedStream(providerId, ticker == null ? null : idleTimeout,
        scheduler, ticker);
    Timing.Scheduled watchdog = null;
    Cancellation.Registration registration = null;
    try {
      if (answersInline) {
        source.subscribe(stream); // may answer right here
      }
      if (!answersInline || stream.state.get() == WAITING) {
        watchdog = firstChunkTimeout == null ? null
            : scheduler.schedule(() -> stream.end(TIMED_OUT),
                RealCall.saturatedNanos(firstChunkTimeout));
        registration =
            cancellation == null ? null : cancellation.onCancel(() -> stream.end(CANCELLED));
        if (!answersInline) {
          // The source may read its first chunk right here, on this thread (a gateway worker).
          source.subscribe(stream);
        }
      }
      stream.awaitFirst(providerId, firstChunkTimeout);
      if (stream.idleNanos > 0 && stream.first != null) {
        stream.lastActivity = stream.ticker.read();
        stream.watchIdle(stream.idleNanos);
      }
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
    if (cancelled) {
      return;
    }
    if (idleNanos == 0) {
      downstream.onNext(chunk);
      return;
    }
    if (!gate.compareAndSet(IDLE, DELIVERING)) {
      return; // the watchdog ended the stream
    }
    outstanding.decrementAndGet();
    lastActivity = ticker.read();
    try {
      downstream.onNext(chunk);
    } finally {
      lastActivity = ticker.read(); // a subscriber's long onNext is not the vendor's silence
      gate.set(IDLE);
    }
  }

  /** Arms the idle watchdog to look again after {@code delayNanos}. */
  private void watchIdle(long delayNanos) {
    idleWatch = Objects.requireNonNull(scheduler).schedule(this::checkIdle, delayNanos);
  }

  private void checkIdle() {
    synchronized (this) {
      if (terminated) {
        return;
      }
    }
    if (cancelled) {
      return;
    }
    long now = ticker.read();
    if (outstanding.get() <= 0) {
      lastActivity = now; // nothing was asked for: the silence is not the vendor's
      watchIdle(idleNanos);
      return;
    }
    long silent = now - lastActivity;
    if (silent < idleNanos) {
      watchIdle(idleNanos - silent);
      return;
    }
    if (!gate.compareAndSet(IDLE, STALLED)) {
      watchIdle(idleNanos); // a chunk is being delivered right now: not silent
      return;
    }
    Flow.Subscription s = upstream;
    if (s != null) {
      s.cancel(); // closes the vendor's connection; its later signals are ignored
    }
    deliverTerminal(new GatewayTimeoutException(providerId, GatewayTimeoutException.Phase.IDLE,
        providerId + " sent no chunk within the idle timeout of " + idleTimeout
            + " while the stream had demand", null));
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
    if (idleNanos > 0) {
      if (!gate.compareAndSet(IDLE, STALLED)) {
        return; // the watchdog ended the stream first
      }
      Timing.Scheduled watch = idleWatch;
      if (watch != null) {
        watch.cancel();
      }
    }
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
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
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
      requestUpstream(n); // the provider answers n <= 0 itself, by rule 3.9
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
      requestUpstream(rest);
    }
  }

  private void requestUpstream(long n) {
    if (idleNanos > 0 && n > 0) {
      long before = outstanding.getAndAccumulate(n, Flows::addCap);
      if (before <= 0) {
        lastActivity = ticker.read(); // the silence starts counting now
      }
    }
    upstream.request(n);
  }

  @Override
  public void cancel() {
    cancelUpstream();
    Timing.Scheduled watch = idleWatch;
    if (watch != null) {
      watch.cancel();
    }
  }
}
