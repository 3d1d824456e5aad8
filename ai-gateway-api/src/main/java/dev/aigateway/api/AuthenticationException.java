package dev.aigateway.api;

/**
 * The vendor rejected the credentials (HTTP 401 or 403), or the configured {@link Secret} could
 * not be read (status 0). Not retryable on the same provider; another provider has its own key.
 */
public class AuthenticationException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public AuthenticationException(
      String provider, int statusCode, String errorCode, String message, Throwable cause) {
    super(provider, statusCode, errorCode, message, false, cause);
  }
}
