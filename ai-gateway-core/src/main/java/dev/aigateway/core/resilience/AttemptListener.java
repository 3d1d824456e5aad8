package dev.aigateway.core.resilience;

import dev.aigateway.core.Target;
import java.time.Duration;

/**
 * Hears every step the gateway takes to get an answer: attempts, failures, retries, failovers,
 * skipped targets and circuit-state changes. One listener per gateway, set with
 * {@code AiGateway.builder().attemptListener(...)}; metrics and logs hang on it.
 *
 * <p>Callbacks run on the thread making the call (a circuit change may also run on the thread
 * whose outcome caused it). They must be quick, must not block, and should not throw: an
 * exception from a listener is logged and otherwise ignored.
 */
public interface AttemptListener {
  /** A listener that hears nothing. */
  AttemptListener NONE = new AttemptListener() {};

  /** An attempt is about to be sent; {@code attempt} counts from 1 across the whole call. */
  default void onAttempt(Target target, int attempt) {}

  /** The attempt succeeded (for a stream: its first chunk arrived). */
  default void onSuccess(Target target, int attempt) {}

  /** The attempt failed; {@code action} is what happens next. */
  default void onFailure(Target target, int attempt, Throwable failure, FailureAction action) {}

  /** The same target is tried again after {@code delay}. */
  default void onRetry(Target target, int nextAttempt, Duration delay) {}

  /** The call moves from {@code from} to the next candidate, {@code to}, because of {@code cause}. */
  default void onFailover(Target from, Target to, Throwable cause) {}

  /** {@code target} was passed over without a call; {@code reason} says why. */
  default void onSkipped(Target target, Throwable reason) {}

  /** {@code target}'s circuit breaker went from {@code from} to {@code to}. */
  default void onCircuitStateChange(Target target, CircuitState from, CircuitState to) {}
}
