package dev.aigateway.core.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.GatewayExecutors;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The publisher {@code AiGateway.stream} returns. Cold: the call is made at subscription, and
 * nothing runs until the subscriber's first {@code request}, which starts the pipeline on the
 * gateway's executor. One subscriber.
 *
 * <p>It ends the call: the first chunk it delivers carries the call's attempts and cache flag,
 * and the call's listener hears {@code firstChunk}, {@code usage}, {@code streamCancelled} and,
 * exactly once, {@code callEnd}.
 */
final class GatewayPublisher implements Flow.Publisher<ChatChunk> {
  // For tests: runs in a request() that found onSubscribe not yet returned, before it records
  // the demand; read only on that rare path.
  static volatile @Nullable Runnable earlyRequestHook;

  private final ChatRequest request;
  private final GatewayEngine engine;
  private final Executor executor;
  private final BooleanSupplier closed;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  GatewayPublisher(
      ChatRequest request, GatewayEngine engine, Executor executor, BooleanSupplier closed) {
    this.request = request;
    this.engine = engine;
    this.executor = executor;
    this.closed = closed;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    if (closed.getAsBoolean()) {
      subscriber.onSubscribe(Flows.noopSubscription());
      subscriber.onError(new IllegalStateException("this gateway is closed"));
      return;
    }
    Call call = new Call(subscriber, engine.newCall(request, true, new Cancellation()),
        engine.pipeline(), executor, engine.canRunInline(request));
    subscriber.onSubscribe(call);
    call.subscribed();
  }

  /**
   * One stream call: the subscriber's subscription, and the subscriber of whatever publisher the
   * pipeline returns. Demand that arrives before the pipeline has returned is held and forwarded;
   * every call on the upstream subscription goes through {@link #drain} so they stay serial.
   */
  private static final class Call
      implements Flow.Subscription, Flow.Subscriber<ChatChunk>, Runnable {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final RealCall call;
    private final Pipeline pipeline;
    private final Executor executor;
    private final Cancellation cancellation;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean cancelOnce = new AtomicBoolean();
    private final boolean inline;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private final AtomicBoolean started = new AtomicBoolean();
    // False until the subscriber's onSubscribe has returned: nothing may be signalled before.
    private volatile boolean ready;
    // Requests with n <= 0 to answer with onError; n may be 0, so flags say whether there is one.
    private volatile boolean earlyInvalid;
    private volatile long earlyInvalidDemand;
    private final AtomicBoolean earlyInvalidTaken = new AtomicBoolean();
    private volatile boolean invalid;
    private volatile Flow.@Nullable Subscription upstream;
    private volatile boolean cancelled;
    private volatile long invalidDemand;
    private final AtomicBoolean upstreamCancelled = new AtomicBoolean();
    private @Nullable FutureTask<@Nullable Void> task;
    // Touched only by whichever thread is delivering, which the upstream serializes.
    private final StringBuilder partialText = new StringBuilder();
    private boolean delivered;
    private boolean done;

    Call(Flow.Subscriber<? super ChatChunk> downstream, RealCall call, Pipeline pipeline,
        Executor executor, boolean inline) {
      this.inline = inline;
      this.downstream = downstream;
      this.call = call;
      call.streamedText(partialText);
      this.cancellation = call.cancellation();
      this.pipeline = pipeline;
      this.executor = executor;
    }

    /** Tells the listener the call ended; once, whichever signal comes first. */
    private void endCall(@Nullable Throwable failure) {
      if (ended.compareAndSet(false, true)) {
        call.events().callEnded(call, failure);
      }
    }

    /** Called once the subscriber's onSubscribe has returned. */
    void subscribed() {
      ready = true;
      // A request made meanwhile on another thread either saw ready (and acts itself) or left
      // what it asked for here, where this reads it: the writes come before the reads on both
      // sides, so neither can miss the other.
      if (earlyInvalid) {
        if (earlyInvalidTaken.compareAndSet(false, true)) {
          request(earlyInvalidDemand);
        }
      } else if (pending.get() > 0 && started.compareAndSet(false, true)) {
        launch();
      }
    }

    @Override
    public void request(long n) {
      if (!ready) {
        // Inside onSubscribe, or racing its end: remember, then look again.
        if (n <= 0) {
          earlyInvalidDemand = n;
          earlyInvalid = true;
          if (!ready || !earlyInvalidTaken.compareAndSet(false, true)) {
            return; // subscribed() answers it
          }
        } else {
          Runnable hook = earlyRequestHook;
          if (hook != null) {
            hook.run();
          }
          Flows.addDemand(pending, n);
          if (!ready) {
            return; // subscribed() sees the demand and starts the call
          }
          drain();
          if (started.compareAndSet(false, true)) {
            launch();
          }
          return;
        }
      }
      if (n <= 0) {
        if (started.compareAndSet(false, true)) {
          // Nothing runs yet, so this is the only signal.
          done = true;
          IllegalArgumentException invalid = Flows.nonPositiveRequest(n);
          endCall(invalid);
          downstream.onError(invalid);
          return;
        }
        invalidDemand = n; // the upstream answers it with onError, serialized with its onNext
        invalid = true;
        drain();
        return;
      }
      Flows.addDemand(pending, n);
      drain();
      if (started.compareAndSet(false, true)) {
        launch();
      }
    }

    @Override
    public void cancel() {
      boolean first = cancelOnce.compareAndSet(false, true) && !ended.get();
      cancelled = true;
      if (first) {
        call.events().streamCancelled(call);
      }
      try {
        cancelUpstream();
      } finally {
        if (first) {
          endCall(new CancellationException("the subscriber cancelled the stream"));
        }
      }
    }

    private void cancelUpstream() {
      // At once, not through drain(): a drain running on another thread (or lower on this one,
      // inside the subscriber's onNext) may be busy delivering for as long as demand lasts.
      Flow.Subscription up = upstream;
      if (up != null && upstreamCancelled.compareAndSet(false, true)) {
        up.cancel();
      }
      // Reaches whatever the pipeline is blocked on: the wait for the first chunk, the
      // provider's call, a retry's backoff.
      cancellation.cancel();
      synchronized (this) {
        // Interrupts an application interceptor that blocks; under the lock, so that it cannot
        // reach the worker once that has left the pipeline (see runPipeline).
        if (task != null) {
          task.cancel(true);
        }
      }
    }

    /**
     * Starts the pipeline: right here, on the requesting thread, when nothing in it can block
     * (see {@code GatewayEngine.canRunInline}), which saves the two thread hand-offs; otherwise
     * on the executor. An inline run that reaches a wait after all moves to the executor and goes
     * on there from where it stopped.
     */
    private void launch() {
      if (inline) {
        call.runsInline(true);
        runPipeline();
        return;
      }
      submit();
    }

    private void submit() {
      FutureTask<@Nullable Void> t = new FutureTask<>(this, null);
      synchronized (this) {
        task = t;
      }
      try {
        executor.execute(t);
      } catch (RejectedExecutionException e) {
        fail(new AiGatewayException("the gateway's executor rejected the stream", e, false));
      }
    }

    /**
     * Runs the pipeline on the executor, as a gateway worker: the provider may read the stream
     * on this thread, and keeps reading here for as long as the subscriber's demand lasts.
     */
    @Override
    public void run() {
      GatewayExecutors.runAsWorker(this::runPipeline);
    }

    private void runPipeline() {
      if (cancelled) {
        return;
      }
      ChatResult result;
      try {
        result = pipeline.execute(call);
      } catch (WouldBlock w) {
        if (!call.runsInline()) {
          fail(new IllegalStateException("a stage waited for an inline run on a worker", w));
          return;
        }
        call.resumeOnWorker(); // the stages left what they need to go on
        submit();
        return;
      } catch (Throwable t) {
        if (!cancelled) {
          fail(t);
        }
        return;
      }
      synchronized (this) {
        task = null; // from here on, cancel goes through the subscription, not an interrupt
      }
      if (cancelled) {
        // An interrupt meant for the pipeline may have come just before: it is not the stream's.
        if (!call.runsInline()) {
          Thread.interrupted();
        }
        result.discard();
        return;
      }
      result.chunks().subscribe(this);
    }

    private void fail(Throwable t) {
      if (done) {
        return;
      }
      done = true;
      endCall(t);
      downstream.onError(t);
    }

    /** Forwards held demand, an invalid request, or a cancellation to the upstream, serially. */
    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        Flow.Subscription up = upstream;
        if (up != null && !upstreamCancelled.get()) {
          if (cancelled) {
            if (upstreamCancelled.compareAndSet(false, true)) {
              up.cancel();
            }
          } else {
            if (invalid) {
              invalid = false;
              up.request(invalidDemand);
            }
            long n = pending.getAndSet(0);
            if (n > 0) {
              up.request(n);
            }
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    // ---- Subscriber of the pipeline's publisher ----

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      if (upstream != null) {
        subscription.cancel();
        return;
      }
      upstream = subscription;
      drain();
    }

    @Override
    public void onNext(ChatChunk chunk) {
      if (cancelled || done) {
        return;
      }
      if (!delivered) {
        delivered = true;
        // The call's outcome, decided once: what the folded stream reports.
        chunk = chunk.withCallOutcome(call.attempts(), call.fromCache());
        call.events().firstChunkArrived(call);
      }
      call.streamed(chunk);
      if (chunk.isRestart()) {
        partialText.setLength(0); // what came before is discarded
      } else {
        partialText.append(chunk.textDelta());
      }
      downstream.onNext(chunk);
    }

    @Override
    public void onError(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      if (cancelled) {
        return;
      }
      if (delivered && error instanceof AiGatewayException e) {
        e.initPartialText(partialText.toString());
      }
      endCall(error);
      downstream.onError(error);
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      done = true;
      if (!cancelled) {
        endCall(null);
        downstream.onComplete();
      }
    }
  }
}
