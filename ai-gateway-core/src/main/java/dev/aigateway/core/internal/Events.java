package dev.aigateway.core.internal;

import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.GatewayEventListener.RescueKind;
import dev.aigateway.api.spi.Target;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call's listener, guarded: an exception a callback throws is logged and goes no further, so a
 * listener can never break a call. {@link #NONE} stands for "no listener" and lets hot paths skip
 * building an event's arguments ({@link #enabled()}).
 */
public final class Events implements GatewayEventListener {
  static final Logger log = LoggerFactory.getLogger(GatewayEventListener.class);
  static final Events NONE = new Events(GatewayEventListener.NONE);

  private final GatewayEventListener delegate;

  Events(GatewayEventListener delegate) {
    this.delegate = delegate;
  }

  /** Whether anyone listens. */
  boolean enabled() {
    return this != NONE;
  }

  // The gateway's own ways to tell the timed events: the duration is read off the ticker only
  // when someone listens, so that a gateway without a listener pays nothing for it.

  void callEnded(RealCall call, @Nullable Throwable failure) {
    if (this != NONE) {
      callEnd(call, call.elapsed(), failure);
    }
    if (CallLog.LOG.isDebugEnabled()) {
      CallLog.callEnded(call, call.timing().nanoTime() - call.startNanos(),
          call.firstChunkNanos(), failure);
    }
  }

  void firstChunkArrived(RealCall call) {
    if (CallLog.LOG.isDebugEnabled()) {
      call.firstChunkAt(call.timing().nanoTime());
    }
    if (this != NONE) {
      firstChunk(call, call.elapsed());
    }
  }

  void attemptEnded(RealCall call, Target target, int attempt, AttemptOutcome outcome,
      long startedNanos, @Nullable Throwable failure) {
    if (this != NONE) {
      attemptEnd(call, target, attempt, outcome,
          Duration.ofNanos(call.timing().nanoTime() - startedNanos),
          failure instanceof dev.aigateway.api.ProviderException p ? p.statusCode() : 0, failure);
    }
  }

  private static void failed(String event, RuntimeException e) {
    log.warn("a GatewayEventListener threw from {}; ignored", event, e);
  }

  @Override
  public void callStart(CallInfo call) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.callStart(call);
    } catch (RuntimeException e) {
      failed("callStart", e);
    }
  }

  @Override
  public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.rateLimitDecision(call, outcome, waited);
    } catch (RuntimeException e) {
      failed("rateLimitDecision", e);
    }
  }

  @Override
  public void cacheLookup(CallInfo call, CacheOutcome outcome) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.cacheLookup(call, outcome);
    } catch (RuntimeException e) {
      failed("cacheLookup", e);
    }
  }

  @Override
  public void routeResolved(CallInfo call) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.routeResolved(call);
    } catch (RuntimeException e) {
      failed("routeResolved", e);
    }
  }

  @Override
  public void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.targetSkipped(call, target, reason, detail);
    } catch (RuntimeException e) {
      failed("targetSkipped", e);
    }
  }

  @Override
  public void attemptStart(CallInfo call, Target target, int attempt) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.attemptStart(call, target, attempt);
    } catch (RuntimeException e) {
      failed("attemptStart", e);
    }
  }

  @Override
  public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
      Duration duration, int httpStatus, @Nullable Throwable failure) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.attemptEnd(call, target, attempt, outcome, duration, httpStatus, failure);
    } catch (RuntimeException e) {
      failed("attemptEnd", e);
    }
  }

  @Override
  public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
    CallLog.retry(call, target, nextAttempt, delay);
    if (this == NONE) {
      return;
    }
    try {
      delegate.retry(call, target, nextAttempt, delay);
    } catch (RuntimeException e) {
      failed("retry", e);
    }
  }

  @Override
  public void failover(CallInfo call, Target from, Target to, Throwable cause) {
    CallLog.failover(call, from, to, cause);
    if (this == NONE) {
      return;
    }
    try {
      delegate.failover(call, from, to, cause);
    } catch (RuntimeException e) {
      failed("failover", e);
    }
  }

  @Override
  public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
      RescueKind kind) {
    CallLog.rescue(call, from, to, cause, kind);
    if (this == NONE) {
      return;
    }
    try {
      delegate.streamRescue(call, from, to, cause, kind);
    } catch (RuntimeException e) {
      failed("streamRescue", e);
    }
  }

  @Override
  public void circuitStateChange(CallInfo call, Target target, CircuitState from,
      CircuitState to) {
    CallLog.circuit(target, from, to);
    if (this == NONE) {
      return;
    }
    try {
      delegate.circuitStateChange(call, target, from, to);
    } catch (RuntimeException e) {
      failed("circuitStateChange", e);
    }
  }

  @Override
  public void firstChunk(CallInfo call, Duration sinceStart) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.firstChunk(call, sinceStart);
    } catch (RuntimeException e) {
      failed("firstChunk", e);
    }
  }

  @Override
  public void usage(CallInfo call, Usage usage) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.usage(call, usage);
    } catch (RuntimeException e) {
      failed("usage", e);
    }
  }

  @Override
  public void streamCancelled(CallInfo call) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.streamCancelled(call);
    } catch (RuntimeException e) {
      failed("streamCancelled", e);
    }
  }

  @Override
  public void callEnd(CallInfo call, Duration duration, @Nullable Throwable failure) {
    if (this == NONE) {
      return;
    }
    try {
      delegate.callEnd(call, duration, failure);
    } catch (RuntimeException e) {
      failed("callEnd", e);
    }
  }

  @Override
  public String toString() {
    return this == NONE ? "Events[none]" : "Events[" + delegate + "]";
  }
}
