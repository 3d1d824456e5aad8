package dev.aigateway.examples.stub;

import java.time.Duration;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.IntPredicate;

/**
 * Which requests a {@link StubVendor} answers with an HTTP error instead of an answer, and with
 * which status. Deterministic: whether request number {@code n} (counted by the stub from 1, failed
 * requests included) fails depends only on {@code n}, so an example that sends its requests one
 * after another prints the same thing on every run.
 *
 * <pre>{@code
 * StubVendor flaky = StubVendor.start(answer, Failures.everyNth(3));  // requests 3, 6, 9… fail
 * flaky.failures(Failures.always());                                  // an outage, from now on
 * flaky.failures(Failures.none());                                    // healthy again
 * }</pre>
 *
 * <p>The error is sent in the wire format of the path that was called, as the vendor sends it:
 * OpenAI's (and Azure's) {@code {"error":{"message","type","param","code"}}}, Anthropic's
 * {@code {"type":"error","error":{"type","message"}}}, Google's
 * {@code {"error":{"code","message","status"}}}. Unless {@link #withStatus} says otherwise the
 * status is the vendor's own "overloaded": 503 {@code server_error} for OpenAI, 529
 * {@code overloaded_error} for Anthropic, 503 {@code UNAVAILABLE} for Gemini. A streamed
 * request fails the same way, before its stream starts. Immutable and thread safe.
 */
public final class Failures {
  private static final Failures NONE = new Failures(n -> false, 0, null, "none");

  private final IntPredicate fails;
  private final int status;
  private final Duration retryAfter;
  private final String description;

  private Failures(IntPredicate fails, int status, Duration retryAfter, String description) {
    this.fails = fails;
    this.status = status;
    this.retryAfter = retryAfter;
    this.description = description;
  }

  /** No request fails: the stub's default. */
  public static Failures none() {
    return NONE;
  }

  /** Every request fails. */
  public static Failures always() {
    return new Failures(n -> true, 0, null, "every request");
  }

  /**
   * Every {@code n}th request fails: requests {@code n}, {@code 2n}, {@code 3n}…
   *
   * @throws IllegalArgumentException when {@code n} is below 1
   */
  public static Failures everyNth(int n) {
    if (n < 1) {
      throw new IllegalArgumentException("n must be >= 1 but was " + n);
    }
    return new Failures(k -> k % n == 0, 0, null,
        n == 1 ? "every request" : "every " + ordinal(n) + " request");
  }

  /**
   * A share {@code fraction} of requests fails, in a pattern fixed by {@code seed}: the same seed
   * fails the same request numbers on every run.
   *
   * @throws IllegalArgumentException when {@code fraction} is not within 0..1
   */
  public static Failures fraction(double fraction, long seed) {
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new IllegalArgumentException("fraction must be within 0..1 but was " + fraction);
    }
    return new Failures(k -> new SplittableRandom(seed ^ (k * 0x9E3779B97F4A7C15L))
        .nextDouble() < fraction, 0, null,
        Math.round(fraction * 100) + " % of requests (seed " + seed + ")");
  }

  /** The requests whose number (from 1) matches {@code requestNumber} fail. */
  public static Failures when(IntPredicate requestNumber) {
    return new Failures(Objects.requireNonNull(requestNumber, "requestNumber"), 0, null,
        "chosen requests");
  }

  /**
   * The same requests fail with {@code status} instead of the vendor's "overloaded" status; the
   * body's error type follows the status (429 is a rate limit, 401 an authentication error…).
   *
   * @throws IllegalArgumentException when {@code status} is not a 4xx or 5xx
   */
  public Failures withStatus(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be a 4xx or 5xx but was " + status);
    }
    return new Failures(fails, status, retryAfter, description);
  }

  /** The same requests fail with a {@code Retry-After} header of {@code delay}, in seconds. */
  public Failures withRetryAfter(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("retryAfter must not be negative but was " + delay);
    }
    return new Failures(fails, status, delay, description);
  }

  /** Whether request number {@code n} fails. */
  boolean fails(int n) {
    return fails.test(n);
  }

  /** The status to fail with, or 0 for the vendor's "overloaded" status. */
  int status() {
    return status;
  }

  /** The {@code Retry-After} to send, or null. */
  Duration retryAfter() {
    return retryAfter;
  }

  private static String ordinal(int n) {
    String suffix = n % 100 >= 11 && n % 100 <= 13 ? "th"
        : switch (n % 10) {
          case 1 -> "st";
          case 2 -> "nd";
          case 3 -> "rd";
          default -> "th";
        };
    return n + suffix;
  }

  /** Such as {@code every 3rd request, HTTP 503}. */
  @Override
  public String toString() {
    return "Failures[" + description
        + (status == 0 ? "" : ", HTTP " + status)
        + (retryAfter == null ? "" : ", Retry-After " + retryAfter.toSeconds() + " s") + "]";
  }
}
