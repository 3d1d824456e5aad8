package dev.aigateway.core.ratelimit;

import java.time.Duration;
import java.util.List;

/**
 * One limit window: {@code amount} per {@code period}, refilled smoothly (greedily). Immutable.
 *
 * @param amount how many requests or tokens per period, at least 1
 * @param period the window's length, positive
 */
public record Window(long amount, Duration period) {

  /** Validates the fields. */
  public Window {
    check(amount, period, "window");
  }

  /** A window of a limit's {@code field} ("requests", "tokens"), validated with that name. */
  static Window of(long amount, Duration period, String field) {
    check(amount, period, field);
    return new Window(amount, period);
  }

  private static void check(long amount, Duration period, String field) {
    if (amount < 1) {
      throw new IllegalArgumentException(field + " amount must be >= 1 but was " + amount);
    }
    if (period == null) {
      throw new IllegalArgumentException(field + " period must not be null");
    }
    if (period.isNegative() || period.isZero()) {
      throw new IllegalArgumentException(field + " period must be positive but was " + period);
    }
    if (amount > saturatedNanos(period)) {
      // The buckets refill at most one unit per nanosecond; say so here, not at the first call.
      throw new IllegalArgumentException(field + " window of " + amount + " per " + period
          + " refills faster than one per nanosecond; use a longer period");
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** The smallest amount among {@code windows}: more than that can never be consumed at once. */
  public static long smallest(List<Window> windows) {
    long min = Long.MAX_VALUE;
    for (Window w : windows) {
      min = Math.min(min, w.amount);
    }
    return min;
  }

  /** {@code "10 requests per 1s"}, with {@code unit} for what is counted. */
  public String describe(String unit) {
    return amount + " " + unit + " per " + format(period);
  }

  /** A short form of {@code d}: {@code 250ms}, {@code 1.5s}, {@code 1min}, {@code 1h}. */
  public static String format(Duration d) {
    if (d.getNano() != 0 || d.isZero()) {
      long millis = d.toMillis() + (d.getNano() % 1_000_000 == 0 ? 0 : 1); // round up
      return millis < 1000 ? millis + "ms"
          : java.math.BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString() + "s";
    }
    long s = d.getSeconds();
    if (s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s % 60 == 0) {
      return s / 60 + "min";
    }
    return s + "s";
  }
}
