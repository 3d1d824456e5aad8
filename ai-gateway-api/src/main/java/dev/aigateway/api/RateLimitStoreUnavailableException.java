package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The shared store of the rate limits (Redis, for an application of many replicas) could not be
 * reached while admitting a call, and the limits are set to fail closed: the call was not sent.
 * Retryable: the store usually comes back.
 */
public class RateLimitStoreUnavailableException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String clientId;

  /**
   * @param clientId the client whose call was refused, or null
   * @param message what was unavailable
   * @param cause the store's failure
   */
  public RateLimitStoreUnavailableException(@Nullable String clientId, String message,
      @Nullable Throwable cause) {
    super(message, cause, true);
    this.clientId = clientId;
  }

  /** The client whose call was refused, or null. */
  public @Nullable String clientId() {
    return clientId;
  }
}
