package dev.aigateway.core.resilience;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How hard the gateway tries: retries, circuit breakers, timeouts and bulkheads. Immutable; set
 * one on the gateway's builder ({@code AiGateway.builder().resilience(...)}), and override it per
 * route ({@code Route.builder(name).resilience(...)}). {@link #defaults()} is on unless changed:
 *
 * <ul>
 *   <li><b>Retries:</b> 2 per target, on what the {@link FailureClassifier} calls retryable, with
 *       exponential backoff from 0.5 s, doubling, capped at 8 s, with ±25 % jitter.
 *       {@code Retry-After} (and {@code retry-after-ms}) replaces the backoff, up to
 *       {@link Builder#retryAfterCap} (60 s); a longer wait, or one past the call's deadline, is
 *       not waited out: the call fails over, and the target is cooled for that long. Every target
 *       of a route, fallbacks included, gets its own retry budget.
 *   <li><b>Circuit breaker</b> per target (provider and model), one per gateway whichever route
 *       uses the target, made from the gateway's settings: opens after 5 consecutive failures
 *       (or, with {@link Builder#failureRate}, a failure rate over a window), skips the target
 *       while open, and lets one probe through (half-open) after a 30 s cooldown. Failures that
 *       count are those {@link FailureClassifier#countsAgainstTarget} says count: a wrong request,
 *       a bad key or an over-long prompt never opens a vendor's breaker.
 *   <li><b>Timeouts</b> are not here: each has one home, {@link Timeouts} (gateway, route,
 *       request).
 *   <li><b>Mid-stream rescue:</b> on ({@link Builder#rescueStreams}). A stream that fails after
 *       chunks reached its subscriber, with a failure that would have been retried or failed over
 *       before its first chunk, goes on at the next candidate (or, when there is none, at the
 *       same target within its retry budget), continuing the answer from an assistant prefill
 *       where the target supports one, else restarting it for a subscriber that understands
 *       restarts; otherwise it ends with {@code onError} carrying the partial text.
 *   <li><b>Bulkhead:</b> off; {@link Builder#maxConcurrentCallsPerTarget} caps the calls in flight
 *       to one target (a gateway setting, like the breaker), past which the gateway goes to the
 *       next candidate instead of queueing.
 * </ul>
 *
 * <p>A route's own settings ({@code Route.builder(name).resilience(...)}) change its retries,
 * backoff and classification; breakers and bulkheads stay per target. Failsafe keeps the breaker
 * and bulkhead state; the gateway computes backoff with its own random source and waits on its
 * own {@link dev.aigateway.api.spi.Timing}, so that a cancelled call stops at once and tests
 * never wait.
 */
public final class Resilience {
  private static final Resilience DEFAULTS = new Builder().build();

  final int maxRetries;
  final Duration backoffInitial;
  final Duration backoffMax;
  final double jitter;
  final Duration retryAfterCap;
  final boolean circuitBreaker;
  final int failureThreshold;
  final int failureRatePercent;
  final int failureRateMinCalls;
  final @Nullable Duration failureRateWindow;
  final Duration cooldown;
  final int maxConcurrentCallsPerTarget;
  final FailureClassifier classifier;
  final boolean rescueStreams;

  private Resilience(Builder b) {
    this.rescueStreams = b.rescueStreams;
    this.maxRetries = b.maxRetries;
    this.backoffInitial = b.backoffInitial;
    this.backoffMax = b.backoffMax;
    this.jitter = b.jitter;
    this.retryAfterCap = b.retryAfterCap;
    this.circuitBreaker = b.circuitBreaker;
    this.failureThreshold = b.failureThreshold;
    this.failureRatePercent = b.failureRatePercent;
    this.failureRateMinCalls = b.failureRateMinCalls;
    this.failureRateWindow = b.failureRateWindow;
    this.cooldown = b.cooldown;
    this.maxConcurrentCallsPerTarget = b.maxConcurrentCallsPerTarget;
    this.classifier = b.classifier;
  }

  /** Whether streams that fail mid-answer are rescued; see the class documentation. */
  public boolean rescueStreams() {
    return rescueStreams;
  }

  /** The defaults described above. */
  public static Resilience defaults() {
    return DEFAULTS;
  }

  /** A builder that starts from the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Retries per target after the first attempt. */
  public int maxRetries() {
    return maxRetries;
  }

  /** The first backoff delay. */
  public Duration backoffInitial() {
    return backoffInitial;
  }

  /** The longest backoff delay. */
  public Duration backoffMax() {
    return backoffMax;
  }

  /** The random variation of each backoff delay, 0 to 1. */
  public double jitter() {
    return jitter;
  }

  /** Whether circuit breakers are on. */
  public boolean circuitBreakerEnabled() {
    return circuitBreaker;
  }

  /** Consecutive failures that open a circuit (when no failure rate is set). */
  public int failureThreshold() {
    return failureThreshold;
  }

  /** The failure rate, in percent, that opens a circuit; 0 when the consecutive count applies. */
  public int failureRatePercent() {
    return failureRatePercent;
  }

  /** The calls a failure-rate window needs before it may open; 0 without a failure rate. */
  public int failureRateMinCalls() {
    return failureRateMinCalls;
  }

  /** The failure-rate window, or null without a failure rate. */
  public @Nullable Duration failureRateWindow() {
    return failureRateWindow;
  }

  /** The most calls in flight per target; 0 for no limit. */
  public int maxConcurrentCallsPerTarget() {
    return maxConcurrentCallsPerTarget;
  }

  /**
   * The backoff before retry number {@code retry} (from 1): {@link #backoffInitial()} doubled
   * per retry, capped at {@link #backoffMax()}, varied by {@link #jitter()} with {@code random}.
   */
  public Duration backoff(int retry, java.util.random.RandomGenerator random) {
    long initial = backoffInitial.toNanos();
    long max = backoffMax.toNanos();
    long delay = initial;
    for (int i = 1; i < retry && delay < max; i++) {
      delay = delay > Long.MAX_VALUE / 2 ? Long.MAX_VALUE : delay * 2;
    }
    delay = Math.min(delay, max);
    if (jitter > 0) {
      double factor = 1 + jitter * (2 * random.nextDouble() - 1);
      delay = (long) (delay * factor);
    }
    return Duration.ofNanos(Math.max(0, delay));
  }

  /** The longest {@code Retry-After} the gateway waits out before failing over instead. */
  public Duration retryAfterCap() {
    return retryAfterCap;
  }

  /** How long an open circuit stays open before a probe. */
  public Duration cooldown() {
    return cooldown;
  }

  /** The classification of failures. */
  public FailureClassifier classifier() {
    return classifier;
  }

  @Override
  public String toString() {
    return "Resilience[retries=" + maxRetries + ", backoff=" + backoffInitial + ".." + backoffMax
        + ", retryAfterCap=" + retryAfterCap + ", circuitBreaker="
        + (circuitBreaker ? (failureRatePercent > 0 ? failureRatePercent + "% of >="
            + failureRateMinCalls + " in " + failureRateWindow : failureThreshold + " in a row")
            + ", cooldown " + cooldown : "off")
        + ", maxConcurrentPerTarget="
        + (maxConcurrentCallsPerTarget == 0 ? "unbounded" : maxConcurrentCallsPerTarget)
        + ", rescueStreams=" + rescueStreams + "]";
  }

  /** Builds {@link Resilience}; starts from the defaults. Not thread safe. */
  public static final class Builder {
    private int maxRetries = 2;
    private Duration backoffInitial = Duration.ofMillis(500);
    private Duration backoffMax = Duration.ofSeconds(8);
    private double jitter = 0.25;
    private Duration retryAfterCap = Duration.ofSeconds(60);
    private boolean circuitBreaker = true;
    private int failureThreshold = 5;
    private int failureRatePercent;
    private int failureRateMinCalls;
    private @Nullable Duration failureRateWindow;
    private Duration cooldown = Duration.ofSeconds(30);
    private int maxConcurrentCallsPerTarget;
    private FailureClassifier classifier = FailureClassifier.DEFAULT;
    private boolean rescueStreams = true;

    private Builder() {}

    private Builder(Resilience r) {
      maxRetries = r.maxRetries;
      backoffInitial = r.backoffInitial;
      backoffMax = r.backoffMax;
      jitter = r.jitter;
      retryAfterCap = r.retryAfterCap;
      circuitBreaker = r.circuitBreaker;
      failureThreshold = r.failureThreshold;
      failureRatePercent = r.failureRatePercent;
      failureRateMinCalls = r.failureRateMinCalls;
      failureRateWindow = r.failureRateWindow;
      cooldown = r.cooldown;
      maxConcurrentCallsPerTarget = r.maxConcurrentCallsPerTarget;
      classifier = r.classifier;
      rescueStreams = r.rescueStreams;
    }

    /** Retries per target after the first attempt; 0 turns retries off. Default 2. */
    public Builder maxRetries(int maxRetries) {
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be >= 0 but was " + maxRetries);
      }
      this.maxRetries = maxRetries;
      return this;
    }

    /**
     * Exponential backoff from {@code initial}, doubling, capped at {@code max}; a fixed delay
     * when both are equal.
     */
    public Builder backoff(Duration initial, Duration max) {
      requirePositive(initial, "backoff initial");
      requirePositive(max, "backoff max");
      if (max.compareTo(initial) < 0) {
        throw new IllegalArgumentException(
            "backoff max " + max + " must not be below initial " + initial);
      }
      this.backoffInitial = initial;
      this.backoffMax = max;
      return this;
    }

    /** Random variation of each backoff delay, as a fraction from 0 to 1; default 0.25. */
    public Builder jitter(double fraction) {
      if (!(fraction >= 0 && fraction <= 1)) {
        throw new IllegalArgumentException("jitter must be within 0..1 but was " + fraction);
      }
      this.jitter = fraction;
      return this;
    }

    /** The longest {@code Retry-After} waited out; longer ones fail over. Default 60 s. */
    public Builder retryAfterCap(Duration cap) {
      this.retryAfterCap = requireNonNegative(cap, "retryAfterCap");
      return this;
    }

    /** Turns the circuit breakers on (the default) or off. */
    public Builder circuitBreaker(boolean enabled) {
      this.circuitBreaker = enabled;
      return this;
    }

    /** Opens a target's circuit after {@code failures} consecutive failures. Default 5. */
    public Builder failureThreshold(int failures) {
      if (failures < 1) {
        throw new IllegalArgumentException("failureThreshold must be >= 1 but was " + failures);
      }
      this.failureThreshold = failures;
      this.failureRatePercent = 0;
      return this;
    }

    /**
     * Opens a target's circuit when at least {@code percent} % of the calls within
     * {@code window} failed, once there were at least {@code minCalls}; replaces the consecutive
     * threshold.
     */
    public Builder failureRate(int percent, int minCalls, Duration window) {
      if (percent < 1 || percent > 100) {
        throw new IllegalArgumentException("failure rate must be 1..100 % but was " + percent);
      }
      if (minCalls < 1) {
        throw new IllegalArgumentException("minCalls must be >= 1 but was " + minCalls);
      }
      this.failureRatePercent = percent;
      this.failureRateMinCalls = minCalls;
      this.failureRateWindow = requirePositive(window, "failure rate window");
      return this;
    }

    /** How long an open circuit stays open before a probe goes through. Default 30 s. */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = requirePositive(cooldown, "cooldown");
      return this;
    }

    /** At most {@code max} calls in flight per target; 0 (the default) for no limit. */
    public Builder maxConcurrentCallsPerTarget(int max) {
      if (max < 0) {
        throw new IllegalArgumentException(
            "maxConcurrentCallsPerTarget must be >= 0 but was " + max);
      }
      this.maxConcurrentCallsPerTarget = max;
      return this;
    }

    /** How failures are classified; default {@link FailureClassifier#DEFAULT}. */
    public Builder classifier(FailureClassifier classifier) {
      this.classifier = Objects.requireNonNull(classifier, "classifier");
      return this;
    }

    /**
     * Rescues streams that fail after their first chunk (the default), or leaves them to end
     * with {@code onError} carrying the partial text (false).
     */
    public Builder rescueStreams(boolean enabled) {
      this.rescueStreams = enabled;
      return this;
    }

    /** The settings. */
    public Resilience build() {
      return new Resilience(this);
    }

    private static Duration requirePositive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(what + " must be positive but was " + d);
      }
      return d;
    }

    private static Duration requireNonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative but was " + d);
      }
      return d;
    }
  }
}
