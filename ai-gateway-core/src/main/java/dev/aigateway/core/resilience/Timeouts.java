package dev.aigateway.core.resilience;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The four timeouts of a call, each with one home. Set the gateway's defaults with
 * {@code AiGateway.builder().timeouts(...)}, a route's with {@code Route.builder(name).timeouts(...)}
 * (what it leaves unset falls back to the gateway's), and a request's own with
 * {@code ChatRequest.timeout(...)} (total) and the {@link dev.aigateway.api.spi.CallOptions}
 * attributes (connect, first chunk, idle). The most specific value wins: request, then route,
 * then gateway, then the default below.
 *
 * <table>
 *   <caption>Timeouts</caption>
 *   <tr><th>timeout</th><th>bounds</th><th>default</th><th>when it passes</th></tr>
 *   <tr><td>{@link #connect()}</td><td>each attempt's connection to the vendor</td>
 *       <td>10 s (the adapters')</td><td>the attempt fails, retryable</td></tr>
 *   <tr><td>{@link #firstChunk()}</td><td>each stream attempt's wait for its first chunk</td>
 *       <td>{@link #DEFAULT_FIRST_CHUNK} (30 s)</td><td>{@code GatewayTimeoutException}
 *       (FIRST_CHUNK): the call fails over to the next candidate, without a retry on the silent
 *       target</td></tr>
 *   <tr><td>{@link #idle()}</td><td>the longest silence while reading a reply: a plain
 *       call's whole reply, a stream's gap between chunks once it has started (with demand
 *       outstanding; a slow subscriber is not a silent vendor)</td>
 *       <td>the adapters': 10 min plain, 5 min stream</td><td>{@code GatewayTimeoutException}
 *       (IDLE): the call fails over; a stream that had started is rescued</td></tr>
 *   <tr><td>{@link #total()}</td><td>the whole call from its start: rate-limit waits after
 *       routing, every attempt, backoff and failover</td><td>none</td>
 *       <td>{@code GatewayTimeoutException} (DEADLINE), not retried</td></tr>
 * </table>
 *
 * <p>Immutable; a null value means "not set here". Durations, when set, are positive.
 */
public final class Timeouts {
  /**
   * The first-chunk timeout that applies when neither gateway, route nor request sets one: long
   * enough for a loaded vendor's first token, short enough that a silent vendor does not hold a
   * caller for minutes. Reasoning models that think before their first token need a longer one
   * on their route.
   */
  public static final Duration DEFAULT_FIRST_CHUNK = Duration.ofSeconds(30);

  private static final Timeouts NONE = new Timeouts(null, null, null, null);
  private static final Timeouts DEFAULTS = new Timeouts(null, DEFAULT_FIRST_CHUNK, null, null);

  private final @Nullable Duration connect;
  private final @Nullable Duration firstChunk;
  private final @Nullable Duration idle;
  private final @Nullable Duration total;

  private Timeouts(@Nullable Duration connect, @Nullable Duration firstChunk,
      @Nullable Duration idle, @Nullable Duration total) {
    this.connect = connect;
    this.firstChunk = firstChunk;
    this.idle = idle;
    this.total = total;
  }

  /** Nothing set: every timeout falls back to the next home. */
  public static Timeouts none() {
    return NONE;
  }

  /**
   * The gateway's built-in values, under whatever the gateway's builder sets: the first-chunk
   * timeout of {@link #DEFAULT_FIRST_CHUNK}; the others are left to the adapters (connect, idle)
   * or unbounded (total).
   */
  public static Timeouts defaults() {
    return DEFAULTS;
  }

  /** A builder with nothing set. */
  public static Builder builder() {
    return new Builder(NONE);
  }

  /** A builder that starts from these values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The connect timeout, or null when not set here. */
  public @Nullable Duration connect() {
    return connect;
  }

  /** The first-chunk timeout, or null when not set here. */
  public @Nullable Duration firstChunk() {
    return firstChunk;
  }

  /** The idle timeout, or null when not set here. */
  public @Nullable Duration idle() {
    return idle;
  }

  /** The total deadline of a call, or null when not set here. */
  public @Nullable Duration total() {
    return total;
  }

  /** These values, each replaced by {@code specific}'s where that one is set. */
  public Timeouts overriddenBy(Timeouts specific) {
    if (specific == null || specific == NONE) {
      return this;
    }
    return new Timeouts(pick(specific.connect, connect), pick(specific.firstChunk, firstChunk),
        pick(specific.idle, idle), pick(specific.total, total));
  }

  private static @Nullable Duration pick(
      @Nullable Duration specific, @Nullable Duration general) {
    return specific != null ? specific : general;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Timeouts t && Objects.equals(connect, t.connect)
        && Objects.equals(firstChunk, t.firstChunk) && Objects.equals(idle, t.idle)
        && Objects.equals(total, t.total);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connect, firstChunk, idle, total);
  }

  @Override
  public String toString() {
    return "Timeouts[connect=" + connect + ", firstChunk=" + firstChunk + ", idle=" + idle
        + ", total=" + total + "]";
  }

  /** Builds {@link Timeouts}. Not thread safe. */
  public static final class Builder {
    private @Nullable Duration connect;
    private @Nullable Duration firstChunk;
    private @Nullable Duration idle;
    private @Nullable Duration total;

    private Builder(Timeouts t) {
      connect = t.connect;
      firstChunk = t.firstChunk;
      idle = t.idle;
      total = t.total;
    }

    /** Each attempt's connect timeout; null to unset. */
    public Builder connect(@Nullable Duration timeout) {
      this.connect = check(timeout, "connect");
      return this;
    }

    /** Each stream attempt's first-chunk timeout; null to unset. */
    public Builder firstChunk(@Nullable Duration timeout) {
      this.firstChunk = check(timeout, "firstChunk");
      return this;
    }

    /** The longest silence while reading a reply; null to unset. */
    public Builder idle(@Nullable Duration timeout) {
      this.idle = check(timeout, "idle");
      return this;
    }

    /** The total deadline of a call; null to unset. */
    public Builder total(@Nullable Duration timeout) {
      this.total = check(timeout, "total");
      return this;
    }

    /** The timeouts. */
    public Timeouts build() {
      if (connect == null && firstChunk == null && idle == null && total == null) {
        return NONE;
      }
      return new Timeouts(connect, firstChunk, idle, total);
    }

    private static @Nullable Duration check(@Nullable Duration d, String what) {
      if (d != null && (d.isNegative() || d.isZero())) {
        throw new IllegalArgumentException(
            "timeouts." + what + " must be positive but was " + d);
      }
      return d;
    }
  }
}
