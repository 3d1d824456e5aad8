package dev.aigateway.api;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own per-client limit rejected the call. Nothing was sent to any vendor.
 * {@link #retryAfter()} says when the client's budget allows the call again.
 */
public class RateLimitExceededException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String clientId;
  private final @Nullable Duration retryAfter;

  /**
   * @param clientId the client whose limit was hit, or null for anonymous callers
   * @param message which limit, and by how much
   * @param retryAfter when the call would be admitted, or null when unknown
   */
  public RateLimitExceededException(
      @Nullable String clientId, String message, @Nullable Duration retryAfter) {
    super(message, null, true);
    this.clientId = clientId;
    this.retryAfter = retryAfter;
  }

  /** The client whose limit was hit, or null for anonymous callers. */
  public @Nullable String clientId() {
    return clientId;
  }

  /** When the call would be admitted, when known. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
