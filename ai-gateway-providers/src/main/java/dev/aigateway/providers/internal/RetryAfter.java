package dev.aigateway.providers.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Reads how long a vendor asked the client to wait: {@code retry-after-ms} (milliseconds, as
 * OpenAI and Azure send it) first, then {@code Retry-After} as seconds or as an HTTP date.
 */
public final class RetryAfter {
  private RetryAfter() {}

  /** The wait, or null when the headers ask for none or cannot be read. Never negative. */
  public static @Nullable Duration parse(Headers headers, Clock clock) {
    String ms = headers.get("retry-after-ms");
    if (ms != null) {
      try {
        double millis = Double.parseDouble(ms.trim());
        if (millis >= 0 && Double.isFinite(millis)) {
          return Duration.ofNanos((long) (millis * 1_000_000));
        }
      } catch (NumberFormatException ignored) {
        // fall through to Retry-After
      }
    }
    String value = headers.get("retry-after");
    if (value == null || value.isBlank()) {
      return null;
    }
    value = value.trim();
    try {
      double seconds = Double.parseDouble(value);
      if (seconds >= 0 && Double.isFinite(seconds)) {
        return Duration.ofMillis((long) (seconds * 1000));
      }
      return null;
    } catch (NumberFormatException notSeconds) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
        Duration wait = Duration.between(clock.instant(), at.toInstant());
        return wait.isNegative() ? Duration.ZERO : wait;
      } catch (DateTimeParseException notDate) {
        return null;
      }
    }
  }
}
