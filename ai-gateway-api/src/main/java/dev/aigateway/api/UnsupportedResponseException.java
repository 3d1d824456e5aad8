package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The vendor answered with well-formed JSON in a shape the adapter does not understand, such as a
 * streamed function-call part that continues no call, or a path into the arguments it cannot
 * follow. The message names what was wrong, and {@link #errorCode()} is
 * {@code unsupported_response}.
 *
 * <p>Not retryable: unlike a {@link MalformedResponseException} (a broken body, which usually
 * comes from a proxy or an incident), the same request would get the same shape again, so a
 * gateway does not retry it on the same target and fails over instead. It does not count against
 * the target's circuit breaker.
 */
public class UnsupportedResponseException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** The {@link #errorCode()} of every instance. */
  public static final String ERROR_CODE = "unsupported_response";

  /**
   * @param provider the provider's id
   * @param statusCode the HTTP status of the reply (200 for a stream's event)
   * @param message what was not understood, without credentials
   * @param cause the underlying failure, or null
   */
  public UnsupportedResponseException(
      String provider, int statusCode, String message, @Nullable Throwable cause) {
    super(provider, statusCode, ERROR_CODE, message, false, cause);
  }
}
