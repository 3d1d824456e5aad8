package dev.aigateway.core.resilience;

import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.core.Target;
import dev.failsafe.Bulkhead;
import dev.failsafe.CircuitBreaker;
import dev.failsafe.CircuitBreakerBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * One target's circuit breaker and bulkhead, on Failsafe. Failsafe counts failures and decides
 * when to open; the half-open transition runs on the gateway's clock instead of Failsafe's
 * (which cannot be injected): Failsafe's own open delay is set out of reach, and this guard moves
 * the breaker to half-open once its cooldown has passed. That also lets a long
 * {@code Retry-After} keep the circuit open for exactly that long. Thread safe.
 */
final class TargetGuard {
  // Failsafe's own delay must never fire; the guard decides when to probe.
  private static final Duration NEVER = Duration.ofDays(3650);

  private final Target target;
  private final Clock clock;
  private final Duration cooldown;
  private final CircuitBreaker<Object> breaker;
  private final Bulkhead<Object> bulkhead;
  private final AttemptListener listener;
  // When an open circuit may probe again; written on open, read before every call.
  private volatile Instant reopenAt = Instant.MIN;
  // Whether a success must be told to Failsafe. Counting consecutive failures, a success after
  // successes changes nothing, and Failsafe records under a lock: the healthy path skips it.
  private final boolean everySuccessCounts;
  private volatile boolean failedSinceClean;

  TargetGuard(Target target, Resilience.GuardSettings settings, Clock clock,
      AttemptListener listener) {
    this.target = target;
    this.clock = clock;
    this.cooldown = settings.cooldown();
    this.listener = listener;
    if (settings.circuitBreaker()) {
      CircuitBreakerBuilder<Object> b = CircuitBreaker.builder()
          .withDelay(NEVER)
          .withSuccessThreshold(1)
          .onOpen(e -> changed(e.getPreviousState(), CircuitState.OPEN))
          .onHalfOpen(e -> changed(e.getPreviousState(), CircuitState.HALF_OPEN))
          .onClose(e -> changed(e.getPreviousState(), CircuitState.CLOSED));
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

  private void changed(CircuitBreaker.State previous, CircuitState now) {
    if (now == CircuitState.OPEN) {
      Instant until = clock.instant().plus(cooldown);
      if (until.isAfter(reopenAt)) {
        reopenAt = until;
      }
    }
    try {
      listener.onCircuitStateChange(target, map(previous), now);
    } catch (RuntimeException e) {
      ResilienceInterceptor.listenerFailed(e);
    }
  }

  private static CircuitState map(CircuitBreaker.State state) {
    return switch (state) {
      case CLOSED -> CircuitState.CLOSED;
      case OPEN -> CircuitState.OPEN;
      case HALF_OPEN -> CircuitState.HALF_OPEN;
    };
  }

  /**
   * Takes a permit for one call, or says why there is none: an exception to record as the
   * reason the target was skipped. A permit must be given back with {@link #succeeded},
   * {@link #failed} or {@link #neutral}.
   */
  ProviderUnavailableException tryAcquire() {
    if (breaker != null) {
      if (breaker.isOpen() && !clock.instant().isBefore(reopenAt)) {
        breaker.halfOpen();
      }
      if (!breaker.tryAcquirePermit()) {
        Duration left = Duration.between(clock.instant(), reopenAt);
        return new ProviderUnavailableException(target.providerId(), 0, "circuit_open",
            target + ": skipped, its circuit breaker is open"
                + (breaker.isOpen() && !left.isNegative()
                    ? " for another " + seconds(left) : " (a probe is in flight)"), null);
      }
    }
    if (bulkhead != null && !bulkhead.tryAcquirePermit()) {
      neutral();
      return new ProviderUnavailableException(target.providerId(), 0, "bulkhead_full",
          target + ": skipped, " + bulkhead.getConfig().getMaxConcurrency()
              + " calls are already in flight", null);
    }
    return null;
  }

  /** The call succeeded. */
  void succeeded() {
    if (breaker == null) {
      return;
    }
    if (!everySuccessCounts && !failedSinceClean && breaker.isClosed()) {
      return; // nothing to undo: no failure since the window was last all successes
    }
    breaker.recordSuccess();
    if (breaker.isClosed() && breaker.getFailureCount() == 0) {
      failedSinceClean = false;
    }
  }

  /** The call failed in a way that counts against the target. */
  void failed() {
    if (breaker != null) {
      failedSinceClean = true;
      breaker.recordFailure();
    }
  }

  /**
   * The call ended in a way that says nothing about the target (a cancel, a full bulkhead). A
   * half-open breaker starts its probe over, so the permit is not lost.
   */
  void neutral() {
    if (breaker != null && breaker.isHalfOpen()) {
      breaker.halfOpen();
    }
  }

  /** The call no longer occupies the target; for the bulkhead. */
  void released() {
    if (bulkhead != null) {
      bulkhead.releasePermit();
    }
  }

  /** Keeps the circuit open for {@code duration}, as a vendor's long {@code Retry-After} asks. */
  void coolFor(Duration duration) {
    if (breaker == null) {
      return;
    }
    Instant until = clock.instant().plus(duration);
    if (until.isAfter(reopenAt)) {
      reopenAt = until;
    }
    if (!breaker.isOpen()) {
      breaker.open();
    }
  }

  /** The breaker's state; CLOSED when breakers are off. */
  CircuitState state() {
    if (breaker == null) {
      return CircuitState.CLOSED;
    }
    return map(breaker.getState());
  }

  private static String seconds(Duration d) {
    long ms = d.toMillis();
    return ms < 1000 ? ms + " ms" : (ms + 500) / 1000 + " s";
  }
}
