package dev.aigateway.core.internal;

import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.resilience.Resilience;
import dev.failsafe.Bulkhead;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerBuilder;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One target's circuit breaker and bulkhead, on Failsafe; one per target (provider and model)
 * per gateway, whichever route uses it. Failsafe counts failures and decides when to open; the
 * half-open transition runs on the gateway's ticker instead of Failsafe's own clock (which cannot
 * be injected): Failsafe's open delay is set out of reach, and this guard moves the breaker to
 * half-open once its cooldown has passed. That also lets a long {@code Retry-After} keep the
 * circuit open for exactly that long.
 *
 * <p>Each method that may move the breaker returns the transition it caused (or null), so that
 * the stage can tell the call's listener. Thread safe.
 */
final class TargetGuard {
  // Failsafe's own delay must never fire; the guard decides when to probe.
  private static final Duration NEVER = Duration.ofDays(3650);

  /** A breaker's move, for the listener. */
  record Transition(CircuitState from, CircuitState to) {}

  private final Target target;
  private final Timing.Ticker ticker;
  private final long cooldownNanos;
  private final @Nullable CircuitBreaker<Object> breaker;
  private final @Nullable Bulkhead<Object> bulkhead;
  // When an open circuit may probe again (ticker nanos); written on open, read before every call.
  private volatile long reopenAt;
  private volatile boolean everOpened;
  // Whether a success must be told to Failsafe. Counting consecutive failures, a success after
  // successes changes nothing, and Failsafe records under a lock: the healthy path skips it.
  private final boolean everySuccessCounts;
  private volatile boolean failedSinceClean;

  TargetGuard(Target target, Resilience settings, Timing.Ticker ticker) {
    this.target = target;
    this.ticker = ticker;
    this.cooldownNanos = RealCall.saturatedNanos(settings.cooldown());
    if (settings.circuitBreakerEnabled()) {
      CircuitBreakerBuilder<Object> b = CircuitBreaker.builder()
          .withDelay(NEVER)
          .withSuccessThreshold(1);
      if (settings.failureRatePercent() > 0) {
        b.withFailureRateThreshold(settings.failureRatePercent(), settings.failureRateMinCalls(),
            settings.failureRateWindow());
      } else {
        b.withFailureThreshold(settings.failureThreshold());
      }
      this.breaker = b.build();
    } else {
      this.breaker = null;
    }
    this.everySuccessCounts = settings.failureRatePercent() > 0;
    this.bulkhead = settings.maxConcurrentCallsPerTarget() > 0
        ? Bulkhead.of(settings.maxConcurrentCallsPerTarget()) : null;
  }

  boolean hasBreaker() {
    return breaker != null;
  }

  boolean hasBulkhead() {
    return bulkhead != null;
  }

  private static CircuitState map(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED -> CircuitState.CLOSED;
      case OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
    };
  }

  private @Nullable Transition moved(CircuitState before) {
    CircuitState now = map(breaker.getState());
    if (now == before) {
      return null;
    }
    if (now == CircuitState.OPEN) {
      long until = ticker.read() + cooldownNanos;
      if (!everOpened || until - reopenAt > 0) {
        reopenAt = until;
        everOpened = true;
      }
    }
    return new Transition(before, now);
  }

  /** Moves an open breaker whose cooldown has passed to half-open; returns the move, or null. */
  @Nullable Transition probeIfDue() {
    if (breaker == null || !breaker.isOpen() || ticker.read() - reopenAt < 0) {
      return null;
    }
    breaker.halfOpen();
    return moved(CircuitState.OPEN);
  }

  /**
   * Takes the breaker's permit for one attempt, or says why there is none. A permit is given back
   * with {@link #succeeded}, {@link #failed} or {@link #neutral}.
   */
  @Nullable ProviderUnavailableException tryAcquireBreaker() {
    if (breaker == null || breaker.tryAcquirePermit()) {
      return null;
    }
    long left = reopenAt - ticker.read();
    return new ProviderUnavailableException(target.providerId(), 0, "circuit_open",
        target + ": skipped, its circuit breaker is open"
            + (breaker.isOpen() && left >= 0
                ? " for another " + seconds(Duration.ofNanos(left)) : " (a probe is in flight)"),
        null);
  }

  /** Takes a bulkhead place, or says why there is none; give it back with {@link #released}. */
  @Nullable ProviderUnavailableException tryAcquireBulkhead() {
    if (bulkhead == null || bulkhead.tryAcquirePermit()) {
      return null;
    }
    return new ProviderUnavailableException(target.providerId(), 0, "bulkhead_full",
        target + ": skipped, " + bulkhead.getConfig().getMaxConcurrency()
            + " calls are already in flight", null);
  }

  /** The attempt succeeded. */
  @Nullable Transition succeeded() {
    if (breaker == null) {
      return null;
    }
    if (!everySuccessCounts && !failedSinceClean && breaker.isClosed()) {
      return null; // nothing to undo: no failure since the window was last all successes
    }
    CircuitState before = map(breaker.getState());
    breaker.recordSuccess();
    if (breaker.isClosed() && breaker.getFailureCount() == 0) {
      failedSinceClean = false;
    }
    return moved(before);
  }

  /** The attempt failed in a way that counts against the target. */
  @Nullable Transition failed() {
    if (breaker == null) {
      return null;
    }
    failedSinceClean = true;
    CircuitState before = map(breaker.getState());
    breaker.recordFailure();
    return moved(before);
  }

  /**
   * The attempt ended in a way that says nothing about the target (a cancel, a caller's mistake).
   * A half-open breaker starts its probe over, so the permit is not lost.
   */
  void neutral() {
    if (breaker != null && breaker.isHalfOpen()) {
      breaker.halfOpen();
    }
  }

  /** The attempt no longer occupies the target; for the bulkhead. */
  void released() {
    if (bulkhead != null) {
      bulkhead.releasePermit();
    }
  }

  /** Keeps the circuit open for {@code duration}, as a vendor's long {@code Retry-After} asks. */
  @Nullable Transition coolFor(Duration duration) {
    if (breaker == null) {
      return null;
    }
    long until = ticker.read() + RealCall.saturatedNanos(duration);
    if (!everOpened || until - reopenAt > 0) {
      reopenAt = until;
      everOpened = true;
    }
    if (breaker.isOpen()) {
      return null;
    }
    CircuitState before = map(breaker.getState());
    breaker.open();
    return new Transition(before, CircuitState.OPEN);
  }

  /** The breaker's state; CLOSED when breakers are off. */
  CircuitState state() {
    return breaker == null ? CircuitState.CLOSED : map(breaker.getState());
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms" : (ms + 500) / 1000 + " s";
  }
}
