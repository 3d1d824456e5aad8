package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * A vendor refused or failed a request. {@link #provider()} names the provider, 
 * {@link #statusCode()} is the HTTP status (0 when there was none, as for a broken connection or
 * an error event inside a stream), and {@link #errorCode()} is the vendor's own error code or
 * type when it gave one.
 */
public class ProviderException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final String provider;
  private final int statusCode;
  private final @Nullable String errorCode;

  /**
   * @param provider the provider's id
   * @param statusCode the HTTP status, or 0
   * @param errorCode the vendor's error code, or null
   * @param message what went wrong, without credentials
   * @param retryable whether sending the request again may succeed
   * @param cause the underlying failure, or null
   */
  public ProviderException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      boolean retryable, @Nullable Throwable cause) {
    super(message, cause, retryable);
    this.provider = provider;
    this.statusCode = statusCode;
    this.errorCode = errorCode;
  }

  /** The id of the provider that failed. */
  public String provider() {
    return provider;
  }

  /** The HTTP status, or 0 when there was no HTTP status. */
  public int statusCode() {
    return statusCode;
  }

  /** The vendor's error code or type, or null. */
  public @Nullable String errorCode() {
    return errorCode;
  }
}
