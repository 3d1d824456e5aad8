package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The vendor answered with a body the adapter cannot read: invalid JSON, a missing required
 * field, or the wrong content type. The message says what was wrong, and
 * {@link #statusCode()} is the HTTP status of that reply. Retryable, like other unavailability,
 * since a broken reply usually comes from a proxy or an incident.
 */
public class MalformedResponseException extends ProviderUnavailableException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public MalformedResponseException(
      String provider, int statusCode, String message, @Nullable Throwable cause) {
    super(provider, statusCode, "malformed_response", message, cause);
  }
}
