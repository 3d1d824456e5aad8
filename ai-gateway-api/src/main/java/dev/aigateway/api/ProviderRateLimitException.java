package dev.aigateway.api;

import java.time.Duration;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The vendor throttled the request: HTTP 429, or a vendor's own throttling signal.
 * {@link #retryAfter()} is the wait the vendor asked for, from {@code Retry-After} or
 * {@code retry-after-ms}. It is retryable unless the vendor said the account is out of quota or
 * credit, which waiting does not fix.
 */
public class ProviderRateLimitException extends ProviderException {
  private static final long serialVersionUID = 1L;

  private final @Nullable Duration retryAfter;

  /**
   * @param provider the provider's id
   * @param statusCode the HTTP status, usually 429
   * @param errorCode the vendor's error code, or null
   * @param message what went wrong
   * @param retryAfter the wait the vendor asked for, or null
   * @param retryable false when waiting cannot help, as for exhausted quota
   * @param cause the underlying failure, or null
   */
  public ProviderRateLimitException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      @Nullable Duration retryAfter, boolean retryable, @Nullable Throwable cause) {
    super(provider, statusCode, errorCode, message, retryable, cause);
    this.retryAfter = retryAfter;
  }

  /** The wait the vendor asked for, when it said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
