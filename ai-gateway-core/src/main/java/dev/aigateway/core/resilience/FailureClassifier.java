package dev.aigateway.core.resilience;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.NoRouteException;
import dev.aigateway.api.RateLimitExceededException;
import java.util.concurrent.CancellationException;

/**
 * Decides two things about a failed attempt: what it leads to ({@link #classify}: a retry on the
 * same target, a failover to the next, or the end of the call), and whether it counts against the
 * target's circuit breaker ({@link #countsAgainstTarget}). Set one with
 * {@link Resilience.Builder#classifier}; it must be thread safe and quick.
 *
 * <p>{@link #DEFAULT}:
 * <table>
 *   <caption>Default classification</caption>
 *   <tr><th>failure</th><th>action</th></tr>
 *   <tr><td>{@link ContextLengthExceededException}</td><td>FAILOVER: the next model may have a
 *       larger window</td></tr>
 *   <tr><td>any other {@link InvalidRequestException} (400, 404, 413, 422)</td><td>FAIL: the
 *       request is wrong, and sending it elsewhere only costs money</td></tr>
 *   <tr><td>{@link AuthenticationException} (401, 403)</td><td>FAILOVER: the next vendor has its
 *       own key</td></tr>
 *   <tr><td>{@link GatewayTimeoutException} of phase {@code DEADLINE}, a cancellation, the
 *       gateway's own rate limit, {@link NoRouteException}</td><td>FAIL: the call is over</td></tr>
 *   <tr><td>any other {@link GatewayTimeoutException} (connect, first chunk, idle): a silent
 *       vendor</td><td>FAILOVER: retrying a silent target only multiplies the wait</td></tr>
 *   <tr><td>any other retryable {@link AiGatewayException} (408, 409, 429, 5xx, 529, connection
 *       failures, streams that broke)</td><td>RETRY</td></tr>
 *   <tr><td>anything else (a non-retryable vendor error, a bug)</td><td>FAILOVER</td></tr>
 * </table>
 *
 * <p>What counts against the target by default: a retryable
 * {@link dev.aigateway.api.ProviderException} (5xx, 529, 429, 408, connection failures, truncated
 * streams, malformed replies) and a first-chunk or connect {@link GatewayTimeoutException}. What
 * never does: the caller's mistakes ({@link InvalidRequestException}, including
 * {@link ContextLengthExceededException}), a bad key ({@link AuthenticationException}), the call's
 * own deadline, a cancellation, and the gateway's own refusals.
 *
 * <p>An answer that does not fit the structured output its request asked for
 * ({@link dev.aigateway.api.StructuredOutputException}) is never handed to a classifier: the
 * route's {@code onInvalidOutput} policy decides what follows, and it never counts against the
 * target.
 */
@FunctionalInterface
public interface FailureClassifier {

  /** The default classification, in the table above. */
  FailureClassifier DEFAULT = FailureClassifier::byDefault;

  /** What {@code failure} leads to. */
  FailureAction classify(Throwable failure);

  /**
   * Whether {@code failure} says the target is unhealthy, so that it counts towards opening its
   * circuit breaker. The default follows the rule in the class documentation.
   */
  default boolean countsAgainstTarget(Throwable failure) {
    return countsByDefault(failure);
  }

  /** The default rule of {@link #countsAgainstTarget}. */
  static boolean countsByDefault(Throwable failure) {
    if (failure instanceof GatewayTimeoutException t) {
      return t.phase() != GatewayTimeoutException.Phase.DEADLINE;
    }
    if (failure instanceof InvalidRequestException || failure instanceof AuthenticationException
        || failure instanceof CancellationException) {
      return false;
    }
    return failure instanceof dev.aigateway.api.ProviderException e && e.retryable();
  }

  private static FailureAction byDefault(Throwable failure) {
    if (failure instanceof ContextLengthExceededException) {
      return FailureAction.FAILOVER;
    }
    if (failure instanceof InvalidRequestException) {
      return FailureAction.FAIL;
    }
    if (failure instanceof AuthenticationException) {
      return FailureAction.FAILOVER;
    }
    if (failure instanceof CancellationException
        || failure instanceof RateLimitExceededException
        || failure instanceof NoRouteException
        || failure instanceof GatewayTimeoutException t
            && t.phase() == GatewayTimeoutException.Phase.DEADLINE) {
      return FailureAction.FAIL;
    }
    if (failure instanceof GatewayTimeoutException) {
      return FailureAction.FAILOVER; // silent: the next target, not the same wait again
    }
    if (failure instanceof AiGatewayException e && e.retryable()) {
      return FailureAction.RETRY;
    }
    return FailureAction.FAILOVER;
  }
}
