package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The gateway's per-client policy does not let this client use the model or route it asked for.
 * Nothing was sent to any vendor. Not retryable: the same request fails the same way until the
 * policy changes.
 */
public class AccessDeniedException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final @Nullable String clientId;
  private final String model;

  /**
   * @param clientId the client that was refused, or null for anonymous callers
   * @param model the model or route the request asked for, as the application named it
   * @param message what was refused and what the client may use instead
   */
  public AccessDeniedException(@Nullable String clientId, String model, String message) {
    super(message, null, false);
    this.clientId = clientId;
    this.model = model;
  }

  /** The client that was refused, or null for anonymous callers. */
  public @Nullable String clientId() {
    return clientId;
  }

  /** The model or route the request asked for, as the application named it. */
  public String model() {
    return model;
  }
}
