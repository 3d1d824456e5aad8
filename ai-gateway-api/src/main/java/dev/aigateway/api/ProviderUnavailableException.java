package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The vendor could not serve the request for now: HTTP 5xx, Anthropic's 529, a connection
 * failure, a stream cut before its terminal event, or an error event inside a stream. Retryable.
 */
public class ProviderUnavailableException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}; always retryable. */
  public ProviderUnavailableException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      @Nullable Throwable cause) {
    super(provider, statusCode, errorCode, message, true, cause);
  }
}
