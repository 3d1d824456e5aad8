package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.JsonValues.ABSENT;
import static dev.aigateway.providers.anthropic.JsonValues.count;
import static dev.aigateway.providers.anthropic.JsonValues.orZero;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.Usages;
import java.io.IOException;

/**
 * The counts of one Anthropic {@code usage} object, read with the streaming parser into fields
 * that a stream reuses from one event to the next. A count is {@link JsonValues#ABSENT} when the
 * object did not have it (or had JSON null), since a {@code message_delta} replaces only the
 * counts it carries. Not thread safe.
 */
final class UsageCounts {
  long input;
  long cacheRead;
  long cacheCreation;
  long output;
  /** Whether {@code output_tokens_details} was an object; {@link #thinking} comes from it. */
  boolean details;
  int thinking;

  UsageCounts() {
    clear();
  }

  /** Forgets the last read. */
  void clear() {
    input = ABSENT;
    cacheRead = ABSENT;
    cacheCreation = ABSENT;
    output = ABSENT;
    details = false;
    thinking = 0;
  }

  /** Reads the object the parser stands on ({@code START_OBJECT}) to its end. */
  void read(JsonParser p) throws IOException {
    clear();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "input_tokens" -> input = count(p, value);
        case "cache_read_input_tokens" -> cacheRead = count(p, value);
        case "cache_creation_input_tokens" -> cacheCreation = count(p, value);
        case "output_tokens" -> output = count(p, value);
        case "output_tokens_details" -> readDetails(p, value);
        default -> p.skipChildren();
      }
    }
  }

  private void readDetails(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      details = false;
      thinking = 0;
      return;
    }
    details = true;
    thinking = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("thinking_tokens")) {
        thinking = orZero(count(p, v));
      } else {
        p.skipChildren();
      }
    }
  }

  /** The unified usage, a missing count taken as 0. */
  Usage toUsage() {
    return Usages.withCacheApart(orZero(input), orZero(cacheRead), orZero(cacheCreation),
        orZero(output), thinking);
  }
}
