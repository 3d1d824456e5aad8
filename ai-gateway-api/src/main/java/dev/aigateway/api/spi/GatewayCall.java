package dev.aigateway.api.spi;

import dev.aigateway.api.ChatRequest;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One call through the gateway, as an interceptor sees it through
 * {@link ChatInterceptor.Chain#call()}, in the manner of OkHttp's {@code Call}: each
 * {@code chat}, {@code chatAsync} and {@code stream} creates exactly one, and every stage of the
 * pipeline, every attempt and every retry of that call shares it. Execution state lives here,
 * not on the request: the cancellation, the monotonic deadline, the attempts made so far, the
 * routing decision, what the cache said, and the call's {@link GatewayEventListener}. The
 * request's attributes stay for the application's own tags.
 *
 * <p>Thread safe.
 */
public interface GatewayCall extends CallInfo {

  /** The request as the application made it, before any interceptor changed it. */
  ChatRequest request();

  /**
   * The call's cancellation: cancelled when a stream's subscriber cancels, a
   * {@code chatAsync} future is cancelled, or the gateway closes. Never null.
   */
  Cancellation cancellation();

  /** Whether the call was cancelled. */
  default boolean isCancelled() {
    return cancellation().isCancelled();
  }

  /** The listener that hears this call's events; a no-op when none is configured. */
  GatewayEventListener listener();

  /** The gateway's time source. */
  Timing timing();

  /**
   * The ticker reading at which the call's total deadline passes, or {@link Long#MAX_VALUE} when
   * it has none (or before routing decided it: a route may set its own).
   */
  long deadlineNanos();

  /** The time left until the deadline (zero once passed), or null when there is none. */
  default @Nullable Duration remaining() {
    long deadline = deadlineNanos();
    if (deadline == Long.MAX_VALUE) {
      return null;
    }
    long left = deadline - timing().nanoTime();
    return Duration.ofNanos(Math.max(0, left));
  }
}
