package dev.aigateway.api.spi;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a provider is told about the one attempt it serves, besides the request: the call's
 * cancellation, the time left before the call's deadline, and the connect and idle timeouts
 * the gateway resolved for it (request, then route, then gateway default). The gateway passes
 * one to {@link ChatProvider#chat(dev.aigateway.api.ChatRequest, AttemptContext)} and
 * {@link ChatProvider#stream(dev.aigateway.api.ChatRequest, AttemptContext)}; a provider called
 * without one uses {@link #none()}, meaning its own defaults apply.
 *
 * <p>Immutable and thread safe. A null timeout means "not set here": the provider's documented
 * default applies.
 */
public final class AttemptContext {
  private static final AttemptContext NONE = new AttemptContext(null, null, null, null, 0);

  private final @Nullable Cancellation cancellation;
  private final @Nullable Duration timeout;
  private final @Nullable Duration connectTimeout;
  private final @Nullable Duration idleTimeout;
  private final int attempt;

  private AttemptContext(@Nullable Cancellation cancellation, @Nullable Duration timeout,
      @Nullable Duration connectTimeout, @Nullable Duration idleTimeout, int attempt) {
    this.cancellation = cancellation;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.attempt = attempt;
  }

  /** No cancellation, no deadline, the provider's own timeouts. */
  public static AttemptContext none() {
    return NONE;
  }

  /**
   * An attempt's context.
   *
   * @param cancellation the call's cancellation, or null when the call cannot be cancelled
   * @param timeout the time left for the whole exchange, or null for no deadline
   * @param connectTimeout the longest a connection may take, or null for the provider's default
   * @param idleTimeout the longest silence between two reads of the reply (for a plain call: the
   *     wait for the whole reply; for a stream: between two events), or null for the default
   * @param attempt the attempt's number within its call, from 1; 0 when unknown
   * @throws IllegalArgumentException when a duration is not positive or attempt is negative
   */
  public static AttemptContext of(@Nullable Cancellation cancellation, @Nullable Duration timeout,
      @Nullable Duration connectTimeout, @Nullable Duration idleTimeout, int attempt) {
    if (attempt < 0) {
      throw new IllegalArgumentException("attempt must be >= 0 but was " + attempt);
    }
    return new AttemptContext(cancellation, positive(timeout, "timeout"),
        positive(connectTimeout, "connectTimeout"), positive(idleTimeout, "idleTimeout"),
        attempt);
  }

  private static @Nullable Duration positive(@Nullable Duration d, String what) {
    if (d != null && (d.isNegative() || d.isZero())) {
      throw new IllegalArgumentException(what + " must be positive but was " + d);
    }
    return d;
  }

  /** The call's cancellation, or null when it cannot be cancelled. */
  public @Nullable Cancellation cancellation() {
    return cancellation;
  }

  /** Whether the call was cancelled already. */
  public boolean isCancelled() {
    return cancellation != null && cancellation.isCancelled();
  }

  /** The time left for the whole exchange, or null for no deadline. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /** The connect timeout, or null for the provider's default. */
  public @Nullable Duration connectTimeout() {
    return connectTimeout;
  }

  /** The longest silence while reading the reply, or null for the provider's default. */
  public @Nullable Duration idleTimeout() {
    return idleTimeout;
  }

  /** The attempt's number within its call, from 1; 0 when unknown. */
  public int attempt() {
    return attempt;
  }

  @Override
  public String toString() {
    return "AttemptContext[attempt=" + attempt + ", timeout=" + timeout + ", connect="
        + connectTimeout + ", idle=" + idleTimeout + ", cancelled=" + isCancelled() + "]";
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof AttemptContext a && attempt == a.attempt
        && cancellation == a.cancellation && Objects.equals(timeout, a.timeout)
        && Objects.equals(connectTimeout, a.connectTimeout)
        && Objects.equals(idleTimeout, a.idleTimeout);
  }

  @Override
  public int hashCode() {
    return Objects.hash(timeout, connectTimeout, idleTimeout, attempt);
  }
}
