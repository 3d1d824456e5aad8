package dev.aigateway.test;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One vendor's wire format: how an {@link Answer} is written as a plain reply and as a stream,
 * and how that vendor writes its errors. Stateless; one instance per vendor.
 */
abstract class Format {
  static final ObjectMapper JSON = new ObjectMapper();

  private static final Format OPENAI = new OpenAiFormat();
  private static final Format ANTHROPIC = new AnthropicFormat();
  private static final Format GEMINI = new GeminiFormat();

  static Format of(Vendor vendor) {
    return switch (vendor) {
      case OPENAI, AZURE -> OPENAI;
      case ANTHROPIC -> ANTHROPIC;
      case GEMINI -> GEMINI;
    };
  }

  /** One SSE event: an optional {@code event:} name and one {@code data:} line. */
  record SseEvent(@Nullable String name, String data) {}

  /**
   * A stream in three parts: what comes before the first chunk, the chunks (each the events
   * that carry one piece of the answer, framing such as a block start included before its
   * piece), and what ends the answer (finish reason, usage, terminal event).
   */
  record StreamPlan(List<SseEvent> prelude, List<List<SseEvent>> chunks, List<SseEvent> ending) {}

  /** The body of a plain reply. */
  abstract String answer(Answer a);

  /**
   * The events of a streamed reply; {@code complete} is false when a fault will stop it before
   * its end, so that no chunk carries the finish reason (Gemini puts it on the last chunk).
   */
  abstract StreamPlan stream(Answer a, boolean complete);

  /** The status of this vendor's "overloaded". */
  abstract int overloadedStatus();

  /**
   * This vendor's error body for {@code status}, with {@code code} and {@code message} or the
   * vendor's usual ones, and {@code retryAfter} where the vendor puts it in the body.
   */
  abstract String errorBody(int status, @Nullable String code, @Nullable String message,
      @Nullable Duration retryAfter);

  /** The headers that ask the client to wait {@code delay}. */
  abstract void retryAfterHeaders(Duration delay, Map<String, String> headers);

  /** The overload error as this vendor sends it inside a stream. */
  abstract SseEvent errorEvent();

  /** An event whose data is not JSON, named as this vendor names its events. */
  abstract SseEvent malformedEvent();

  /** The line end of this vendor's events: LF, or CRLF for Google. */
  String lineEnd() {
    return "\n";
  }

  /** {@code Retry-After} in whole seconds, rounded up. */
  static String seconds(Duration delay) {
    long ms = delay.toMillis();
    return Long.toString((ms + 999) / 1000);
  }

  static String write(JsonNode node) {
    try {
      return JSON.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
