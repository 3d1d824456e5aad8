package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The vendor says the request itself is wrong (HTTP 400, 404, 413, 422), or an adapter could not
 * express it in the vendor's format (status 0). Not retryable: the same request fails the same
 * way.
 */
public class InvalidRequestException extends ProviderException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public InvalidRequestException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      @Nullable Throwable cause) {
    super(provider, statusCode, errorCode, message, false, cause);
  }
}
