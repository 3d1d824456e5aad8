package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The vendor rejected the credentials (HTTP 401 or 403), or the configured {@link Secret} could
 * not be read (status 0). Not retryable on the same provider; another provider has its own key.
 */
public class AuthenticationException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public AuthenticationException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      @Nullable Throwable cause) {
    super(provider, statusCode, errorCode, message, false, cause);
  }
}
