package dev.aigateway.api.spi;

import dev.aigateway.api.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * Hears the events of one gateway call, in the manner of OkHttp's {@code EventListener}: one
 * instance per call, made by a {@link Factory} set with
 * {@code AiGateway.builder().eventListenerFactory(...)} (or one shared instance with
 * {@code eventListener(...)}). Metrics, logs and health checks are listeners; several compose
 * with {@link #composite}.
 *
 * <p><b>Order.</b> For every call: {@link #callStart} first and {@link #callEnd} last, exactly
 * once each. In between, as they happen: {@link #rateLimitDecision}, {@link #cacheLookup},
 * {@link #routeResolved}, then per candidate {@link #targetSkipped} or
 * {@link #attemptStart} ... {@link #attemptEnd} (with {@link #retry} between the attempts of one
 * target and {@link #failover} between targets), {@link #circuitStateChange} when an outcome
 * moved a breaker, and for a stream {@link #firstChunk} and {@link #usage}. A stream rescued
 * after its first chunk: the failed attempt's {@code attemptEnd}, {@link #streamRescue}, then the
 * new attempt's {@code attemptStart} ... {@code attemptEnd}. When the subscriber
 * cancels: {@link #streamCancelled}, then the cancelled attempt's {@code attemptEnd}, then
 * {@code callEnd} (an attempt still starting on another thread may end after it). A stream's
 * {@code attemptEnd} and {@code callEnd} come when it ends, not when its first chunk arrives. A
 * cache hit has neither route nor attempts, and no {@code usage} (no tokens were spent).
 *
 * <p><b>Timing.</b> Durations are measured on the gateway's ticker ({@link Timing}), from the
 * event's start to its end; {@link CallInfo#startNanos()} anchors the call.
 *
 * <p><b>Content and keys.</b> Callbacks are handed {@link CallInfo}, which carries no prompt, no
 * completion and no key; failures are the gateway's own exceptions, whose messages never carry a
 * key (see {@link ChatProvider}).
 *
 * <p><b>Obligations.</b> Callbacks run on the thread doing the work (the caller's, a worker's,
 * or the one delivering a stream), so they must be quick and must not block. An exception thrown
 * by a callback is logged and otherwise ignored: a listener cannot break a call. Every method has
 * a no-op default.
 */
public interface GatewayEventListener {

  /** A listener that hears nothing. */
  GatewayEventListener NONE = new GatewayEventListener() {};

  /** The call started. */
  default void callStart(CallInfo call) {}

  /** The per-client rate limit decided; {@code waited} is how long the call waited first. */
  default void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {}

  /** The response cache was consulted (or, for BYPASS, deliberately not). */
  default void cacheLookup(CallInfo call, CacheOutcome outcome) {}

  /** Routing chose {@link CallInfo#candidates()} (under {@link CallInfo#route()}, if any). */
  default void routeResolved(CallInfo call) {}

  /** {@code target} was passed over without an attempt; {@code reason} is why. */
  default void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {}

  /** Attempt number {@code attempt} (from 1, across the call) is about to be sent. */
  default void attemptStart(CallInfo call, Target target, int attempt) {}

  /**
   * The attempt ended: for {@code chat()} when its answer or failure came, for a stream when it
   * completed, failed or was cancelled. {@code httpStatus} is the vendor's HTTP status when a
   * failure carried one, else 0; {@code failure} is null on success.
   */
  default void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
      Duration duration, int httpStatus, @Nullable Throwable failure) {}

  /** The same target is tried again after {@code delay}, as attempt {@code nextAttempt}. */
  default void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {}

  /**
   * The call moves from {@code from} to the next candidate {@code to} because of {@code cause}
   * (its last failure, or the reason it was skipped).
   */
  default void failover(CallInfo call, Target from, Target to, Throwable cause) {}

  /**
   * A stream that failed after chunks had reached its subscriber goes on at {@code to} (which is
   * {@code from} when the same target is tried again): {@code kind} says whether the new attempt
   * continues the answer where it stopped or restarts it. The default tells
   * {@link #failover(CallInfo, Target, Target, Throwable)}, so that a listener that only knows
   * failovers hears the rescue as one, with its cause.
   */
  default void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
      RescueKind kind) {
    failover(call, from, to, cause);
  }

  /** An outcome of this call moved {@code target}'s circuit breaker from {@code from} to {@code to}. */
  default void circuitStateChange(CallInfo call, Target target, CircuitState from,
      CircuitState to) {}

  /** A stream's first chunk reached the gateway's subscriber, {@code sinceStart} after callStart. */
  default void firstChunk(CallInfo call, Duration sinceStart) {}

  /** The vendor reported usage (for a plain call once; for a stream when its chunk carried it). */
  default void usage(CallInfo call, Usage usage) {}

  /** The stream's subscriber cancelled it. */
  default void streamCancelled(CallInfo call) {}

  /**
   * The call ended: {@code failure} is null when it succeeded (the answer's facts are on
   * {@code call}). {@code duration} runs from callStart to the answer, or for a stream to its
   * terminal signal.
   */
  default void callEnd(CallInfo call, Duration duration, @Nullable Throwable failure) {}

  /** Makes one listener per call. Thread safe. */
  @FunctionalInterface
  interface Factory {
    /** A factory that hands every call {@link #NONE}. */
    Factory NONE = call -> GatewayEventListener.NONE;

    /** The listener of {@code call}, which has just been created (nothing has happened yet). */
    GatewayEventListener create(CallInfo call);

    /** A factory that hands every call the same {@code listener}, which must be thread safe. */
    static Factory of(GatewayEventListener listener) {
      Objects.requireNonNull(listener, "listener");
      return call -> listener;
    }
  }

  /** One listener that tells {@code listeners}, in order, each event. */
  static GatewayEventListener composite(List<GatewayEventListener> listeners) {
    List<GatewayEventListener> all = new ArrayList<>();
    for (GatewayEventListener l : listeners) {
      if (l != NONE) {
        all.add(Objects.requireNonNull(l, "listener"));
      }
    }
    if (all.isEmpty()) {
      return NONE;
    }
    if (all.size() == 1) {
      return all.get(0);
    }
    return new CompositeListener(List.copyOf(all));
  }

  /** What the per-client rate limit decided. */
  enum RateLimitOutcome {
    /** Admitted at once. */
    ADMITTED,
    /** Admitted after waiting for the budget to refill. */
    WAITED,
    /** Refused: the call failed with {@link dev.aigateway.api.RateLimitExceededException}. */
    REJECTED,
    /**
     * Admitted without a check: the limits' shared backend was unreachable and the limits fail
     * open ({@code RateLimits.Builder.onBackendFailure}).
     */
    UNCHECKED
  }

  /** What the response cache said. */
  enum CacheOutcome {
    /** Answered from the cache, or by an identical call in flight. */
    HIT,
    /** Not in the cache: the call goes on, and its answer may be stored. */
    MISS,
    /** Not consulted: {@code CacheMode.BYPASS} on the request. */
    BYPASS,
    /** Not read, by {@code CacheMode.REFRESH}: the fresh answer is stored. */
    REFRESH
  }

  /** How a stream rescued mid-answer goes on. */
  enum RescueKind {
    /** The new attempt was sent the partial answer as an assistant prefill, and continues it. */
    CONTINUATION,
    /** The answer starts again: the subscriber got a restart chunk first. */
    RESTART
  }

  /** Why a target was passed over. */
  enum SkipReason {
    /** Its circuit breaker is open (or its half-open probe is taken). */
    CIRCUIT_OPEN,
    /** Its bulkhead is full. */
    BULKHEAD_FULL,
    /** Its upstream (vendor-side) limit would be exceeded. */
    UPSTREAM_LIMIT
  }

  /** How an attempt ended. */
  enum AttemptOutcome {
    /** It answered (for a stream: it completed). */
    SUCCESS,
    /** It failed. */
    FAILURE,
    /** The call was cancelled while it ran. */
    CANCELLED
  }

  /** Tells several listeners; one that throws does not keep the others from hearing. */
  final class CompositeListener implements GatewayEventListener {
    private final List<GatewayEventListener> listeners;

    private CompositeListener(List<GatewayEventListener> listeners) {
      this.listeners = listeners;
    }

    private void each(Consumer<GatewayEventListener> event) {
      RuntimeException first = null;
      for (GatewayEventListener l : listeners) {
        try {
          event.accept(l);
        } catch (RuntimeException e) {
          if (first == null) {
            first = e;
          } else {
            first.addSuppressed(e);
          }
        }
      }
      if (first != null) {
        throw first;
      }
    }

    @Override
    public void callStart(CallInfo call) {
      each(l -> l.callStart(call));
    }

    @Override
    public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {
      each(l -> l.rateLimitDecision(call, outcome, waited));
    }

    @Override
    public void cacheLookup(CallInfo call, CacheOutcome outcome) {
      each(l -> l.cacheLookup(call, outcome));
    }

    @Override
    public void routeResolved(CallInfo call) {
      each(l -> l.routeResolved(call));
    }

    @Override
    public void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {
      each(l -> l.targetSkipped(call, target, reason, detail));
    }

    @Override
    public void attemptStart(CallInfo call, Target target, int attempt) {
      each(l -> l.attemptStart(call, target, attempt));
    }

    @Override
    public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
        Duration duration, int httpStatus, @Nullable Throwable failure) {
      each(l -> l.attemptEnd(call, target, attempt, outcome, duration, httpStatus, failure));
    }

    @Override
    public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
      each(l -> l.retry(call, target, nextAttempt, delay));
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      each(l -> l.failover(call, from, to, cause));
    }

    @Override
    public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
        RescueKind kind) {
      each(l -> l.streamRescue(call, from, to, cause, kind));
    }

    @Override
    public void circuitStateChange(CallInfo call, Target target, CircuitState from,
        CircuitState to) {
      each(l -> l.circuitStateChange(call, target, from, to));
    }

    @Override
    public void firstChunk(CallInfo call, Duration sinceStart) {
      each(l -> l.firstChunk(call, sinceStart));
    }

    @Override
    public void usage(CallInfo call, Usage usage) {
      each(l -> l.usage(call, usage));
    }

    @Override
    public void streamCancelled(CallInfo call) {
      each(l -> l.streamCancelled(call));
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, @Nullable Throwable failure) {
      each(l -> l.callEnd(call, duration, failure));
    }

    @Override
    public String toString() {
      return "CompositeListener" + listeners;
    }
  }
}
