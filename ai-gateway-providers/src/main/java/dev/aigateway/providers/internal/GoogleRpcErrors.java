package dev.aigateway.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Google's error body, {@code {"error": {"code": 429, "message": "...", "status":
 * "RESOURCE_EXHAUSTED", "details": [...]}}}, read in the terms the shared mapping needs.
 *
 * <ul>
 *   <li>The {@code google.rpc} status name (such as {@code RESOURCE_EXHAUSTED}) is both the type
 *       and the code, so exceptions carry it as their error code.
 *   <li>A prompt that is too long is an {@code INVALID_ARGUMENT} whose message says "The input
 *       token count (N) exceeds the maximum number of tokens allowed (M)".
 *   <li>{@code google.rpc.RetryInfo.retryDelay} (a protobuf duration such as {@code "13s"} or
 *       {@code "45.8379s"}) is the wait, used when there is no {@code Retry-After} header.
 *   <li>A key Google does not accept is a 400 {@code INVALID_ARGUMENT}, not a 401: its
 *       {@code google.rpc.ErrorInfo} reason {@code API_KEY_INVALID} marks it as a rejected
 *       credential, so that it maps to an authentication failure.
 *   <li>A {@code google.rpc.QuotaFailure} naming a per-day quota ({@code quotaId} containing
 *       {@code PerDay}) is an exhausted quota, which waiting seconds does not fix.
 * </ul>
 *
 * <p>Shared by the adapters Google serves: Gemini's API, and Vertex AI (Gemini's and Anthropic's
 * models). Stateless.
 */
public final class GoogleRpcErrors {
  private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
  private static final String QUOTA_FAILURE = "type.googleapis.com/google.rpc.QuotaFailure";
  private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";

  private GoogleRpcErrors() {}

  /** Google's error body, or null when {@code root} is not one. */
  public static @Nullable VendorError parse(JsonNode root) {
    JsonNode error = root.get("error");
    if (error == null || !error.isObject()) {
      return null;
    }
    String status = Json.text(error, "status");
    String message = Json.text(error, "message");
    JsonNode details = error.get("details");
    Duration retryAfter = null;
    boolean perDayQuota = false;
    boolean keyRejected = false;
    if (details != null && details.isArray()) {
      for (JsonNode d : details) {
        String type = Json.text(d, "@type");
        if (ERROR_INFO.equals(type)) {
          keyRejected |= "API_KEY_INVALID".equals(Json.text(d, "reason"));
        } else if (RETRY_INFO.equals(type)) {
          retryAfter = protobufDuration(Json.text(d, "retryDelay"));
        } else if (QUOTA_FAILURE.equals(type) && d.path("violations").isArray()) {
          for (JsonNode v : d.get("violations")) {
            String quotaId = Json.text(v, "quotaId");
            if (quotaId != null && quotaId.contains("PerDay")) {
              perDayQuota = true;
            }
          }
        }
      }
    }
    boolean context = "INVALID_ARGUMENT".equals(status) && mentionsTokenLimit(message);
    return new VendorError(status, status, message, context, perDayQuota, retryAfter,
        keyRejected);
  }

  private static boolean mentionsTokenLimit(@Nullable String message) {
    return VendorError.mentions(message, "input token count")
        && VendorError.mentions(message, "exceeds the maximum");
  }

  /**
   * The HTTP status Google documents for a {@code google.rpc} status name, for errors that arrive
   * inside a stream; {@code fallback} (the error's numeric code, when it has one) otherwise.
   */
  public static int httpStatus(@Nullable String status, int fallback) {
    if (status != null) {
      switch (status) {
        case "INVALID_ARGUMENT", "FAILED_PRECONDITION", "OUT_OF_RANGE":
          return 400;
        case "UNAUTHENTICATED":
          return 401;
        case "PERMISSION_DENIED":
          return 403;
        case "NOT_FOUND":
          return 404;
        case "ABORTED", "ALREADY_EXISTS":
          return 409;
        case "RESOURCE_EXHAUSTED":
          return 429;
        case "CANCELLED":
          return 499;
        case "INTERNAL", "UNKNOWN", "DATA_LOSS":
          return 500;
        case "UNIMPLEMENTED":
          return 501;
        case "UNAVAILABLE":
          return 503;
        case "DEADLINE_EXCEEDED":
          return 504;
        default:
          break;
      }
    }
    return fallback >= 400 && fallback <= 599 ? fallback : 500;
  }

  /** A protobuf JSON duration ({@code "13s"}, {@code "0.5s"}), or null when unreadable. */
  public static @Nullable Duration protobufDuration(@Nullable String value) {
    if (value == null || !value.endsWith("s") || value.length() < 2) {
      return null;
    }
    try {
      BigDecimal seconds = new BigDecimal(value.substring(0, value.length() - 1));
      if (seconds.signum() < 0) {
        return null;
      }
      return Duration.ofNanos(seconds.movePointRight(9).setScale(0, RoundingMode.DOWN).longValueExact());
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }
}
