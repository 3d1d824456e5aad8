package dev.aigateway.core.ratelimit;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the rate limit does with a call that finds its client's budget empty. Immutable.
 *
 * <ul>
 *   <li>{@link #reject()} (the default): fail at once with
 *       {@link dev.aigateway.api.RateLimitExceededException}, carrying {@code retryAfter()}.
 *   <li>{@link #waitThenReject(Duration)}: wait for the budget when it refills within
 *       {@code maxWait} (in all, across the waits of one call), else reject at once.
 *   <li>{@link #waitThenProceed(Duration)}: wait for the budget for up to {@code maxWait}; a call
 *       still refused after that proceeds anyway and is charged regardless, which puts the
 *       client's budget into debt that later calls wait out.
 * </ul>
 *
 * A waiting call blocks its thread (the caller's for {@code chat()}, the gateway's executor for
 * {@code stream()} and {@code chatAsync}) and ends with a {@link
 * java.util.concurrent.CancellationException} when the call is cancelled while it waits.
 */
public final class OnExhausted {
  private static final OnExhausted REJECT = new OnExhausted(Duration.ZERO, false);

  private final Duration maxWait;
  private final boolean proceed;

  private OnExhausted(Duration maxWait, boolean proceed) {
    this.maxWait = maxWait;
    this.proceed = proceed;
  }

  /** Reject at once. */
  public static OnExhausted reject() {
    return REJECT;
  }

  /**
   * Wait up to {@code maxWait} for the budget, else reject.
   *
   * @throws IllegalArgumentException when {@code maxWait} is null or negative
   */
  public static OnExhausted waitThenReject(Duration maxWait) {
    return new OnExhausted(check(maxWait), false);
  }

  /**
   * Wait up to {@code maxWait} for the budget, then proceed whatever the budget says.
   *
   * @throws IllegalArgumentException when {@code maxWait} is null or negative
   */
  public static OnExhausted waitThenProceed(Duration maxWait) {
    return new OnExhausted(check(maxWait), true);
  }

  private static Duration check(Duration maxWait) {
    if (maxWait == null || maxWait.isNegative()) {
      throw new IllegalArgumentException("maxWait must be zero or more but was " + maxWait);
    }
    return maxWait;
  }

  /** The longest a call waits for its budget in all; zero for {@link #reject()}. */
  public Duration maxWait() {
    return maxWait;
  }

  /** Whether a call still refused after {@link #maxWait()} proceeds rather than fails. */
  public boolean proceeds() {
    return proceed;
  }

  /** The longest wait, in nanoseconds. */
  public long maxWaitNanos() {
    try {
      return maxWait.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof OnExhausted other && proceed == other.proceed
        && maxWait.equals(other.maxWait);
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxWait, proceed);
  }

  @Override
  public String toString() {
    if (maxWait.isZero() && !proceed) {
      return "OnExhausted[reject]";
    }
    return "OnExhausted[wait up to " + maxWait + ", then " + (proceed ? "proceed" : "reject") + "]";
  }
}
