package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * A deadline passed: connecting, waiting for the first chunk, waiting between chunks, or the
 * call's total deadline. {@link #phase()} says which. Retryable, unless the total deadline
 * passed, which leaves no time to retry in.
 */
public class GatewayTimeoutException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  /** Which deadline passed. */
  public enum Phase {
    /** Establishing the connection. */
    CONNECT,
    /** Waiting for the first chunk, or for a plain call's answer. */
    FIRST_CHUNK,
    /** Waiting for more bytes of a stream that had stalled. */
    IDLE,
    /** The call's total deadline. */
    DEADLINE
  }

  private final Phase phase;
  private final @Nullable String provider;

  /**
   * @param provider the provider that was being called, or null
   * @param phase which deadline passed
   * @param message what timed out, and after how long
   * @param cause the underlying failure, or null
   */
  public GatewayTimeoutException(
      @Nullable String provider, Phase phase, String message, @Nullable Throwable cause) {
    super(message, cause, phase != Phase.DEADLINE);
    this.provider = provider;
    this.phase = phase;
  }

  /** Which deadline passed. */
  public Phase phase() {
    return phase;
  }

  /** The provider that was being called when the deadline passed, or null. */
  public @Nullable String provider() {
    return provider;
  }
}
