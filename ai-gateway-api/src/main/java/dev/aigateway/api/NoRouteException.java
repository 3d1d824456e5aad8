package dev.aigateway.api;

/**
 * The request's model names no route, no {@code providerId/model}, and there is no default
 * provider to send a bare model name to. The message lists the routes and providers that exist.
 * Not retryable.
 */
public class NoRouteException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final String model;

  /** An error for {@code model}, with a message listing what exists. */
  public NoRouteException(String model, String message) {
    super(message, null, false);
    this.model = model;
  }

  /** The model the request asked for. */
  public String model() {
    return model;
  }
}
