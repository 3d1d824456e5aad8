package dev.aigateway.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * What a vendor's error body said, in the terms the shared mapping needs.
 *
 * @param type the vendor's error type or status, or null
 * @param code the vendor's error code, or null
 * @param message the vendor's human-readable message, or null
 * @param contextLengthExceeded whether the vendor says the prompt is too long for the model
 * @param quotaExhausted whether a 429 means the account is out of quota or credit, which waiting
 *     does not fix
 * @param retryAfter how long the body says to wait (Google's {@code google.rpc.RetryInfo}), or
 *     null; a {@code Retry-After} header takes precedence
 * @param credentialsRejected whether the body says the credential was not accepted although the
 *     status is not 401 or 403 (Google answers an invalid API key with 400
 *     {@code INVALID_ARGUMENT}); such an error is an authentication failure
 */
public record VendorError(
    @Nullable String type, @Nullable String code, @Nullable String message,
    boolean contextLengthExceeded, boolean quotaExhausted, @Nullable Duration retryAfter,
    boolean credentialsRejected) {

  /** An error whose body may name a retry delay, and does not reject the credential. */
  public VendorError(
      @Nullable String type, @Nullable String code, @Nullable String message,
      boolean contextLengthExceeded, boolean quotaExhausted, @Nullable Duration retryAfter) {
    this(type, code, message, contextLengthExceeded, quotaExhausted, retryAfter, false);
  }

  /** An error whose body names no retry delay. */
  public VendorError(
      @Nullable String type, @Nullable String code, @Nullable String message,
      boolean contextLengthExceeded, boolean quotaExhausted) {
    this(type, code, message, contextLengthExceeded, quotaExhausted, null, false);
  }

  /**
   * Whether {@code message} contains any of {@code phrases}, ignoring case: how adapters
   * recognise a vendor's "the prompt is too long" wording. False for a null message.
   */
  public static boolean mentions(@Nullable String message, String... phrases) {
    if (message == null) {
      return false;
    }
    String m = message.toLowerCase(java.util.Locale.ROOT);
    for (String phrase : phrases) {
      if (m.contains(phrase)) {
        return true;
      }
    }
    return false;
  }

  /** The most specific identifier the vendor gave: its code, else its type. */
  public @Nullable String errorCode() {
    return code != null ? code : type;
  }

  /** Reads a vendor's error body; each adapter supplies one. */
  @FunctionalInterface
  public interface Parser {
    /** The error described by {@code body}, or null when the body is not in the vendor's form. */
    @Nullable VendorError parse(JsonNode body);

    /**
     * The error described by an HTTP error reply's {@code body} and {@code headers}, for vendors
     * that name the error type in a header (AWS's {@code x-amzn-ErrorType}); by default the body
     * alone decides.
     */
    default @Nullable VendorError parse(JsonNode body, okhttp3.Headers headers) {
      return parse(body);
    }

    /**
     * The exception for {@code error}, for a vendor whose error type rather than the HTTP status
     * decides it (AWS answers a model that is not ready with 429, which waiting a moment fixes as
     * an unavailability does, not a rate limit); null, the default, maps by status.
     *
     * @param message the message the exception must carry, credentials already removed
     */
    default dev.aigateway.api.@Nullable ProviderException classify(String provider, int status,
        VendorError error, String message, @Nullable Duration retryAfter) {
      return null;
    }
  }
}
