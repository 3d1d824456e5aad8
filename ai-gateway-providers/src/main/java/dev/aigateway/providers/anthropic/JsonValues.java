package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.providers.internal.Json;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the value a Jackson streaming parser stands on the way the Messages reader needs it,
 * leaving the parser on the value's last token. Stateless.
 */
final class JsonValues {
  private JsonValues() {}

  /**
   * The value as text: a string's or a number's or a boolean's own text, an object or an array as
   * its compact JSON; null for JSON null. See {@link Json#valueText}.
   */
  static @Nullable String text(JsonParser p, JsonToken value) throws IOException {
    return Json.valueText(p, value);
  }

  /** A JSON string's text; null for any other value, which is skipped. */
  static @Nullable String string(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /**
   * The constant of {@code known} that a JSON string value spells, compared in place so that no
   * string is made for it; for another string or value, its {@link #text}.
   */
  static @Nullable String oneOf(JsonParser p, JsonToken value, String[] known) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      char[] chars = p.getTextCharacters();
      int at = p.getTextOffset();
      int n = p.getTextLength();
      for (String k : known) {
        if (k.length() == n && same(chars, at, k)) {
          return k;
        }
      }
    }
    return text(p, value);
  }

  private static boolean same(char[] chars, int at, String s) {
    for (int i = 0; i < s.length(); i++) {
      if (chars[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Marks a count that was absent or JSON null. */
  static final long ABSENT = Long.MIN_VALUE;

  /**
   * A token count: a number's int value (narrowed as {@code Number.intValue} does), 0 for any
   * other value, which is skipped, and {@link #ABSENT} for JSON null.
   */
  static long count(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      return ABSENT;
    }
    if (value == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return p.getIntValue();
    }
    if (value == JsonToken.VALUE_NUMBER_INT || value == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getNumberValue().intValue();
    }
    p.skipChildren();
    return 0;
  }

  /** A count, with 0 for {@link #ABSENT}. */
  static int orZero(long count) {
    return count == ABSENT ? 0 : (int) count;
  }

  /** The object or array the parser stands on as its compact JSON, exactly as it came. */
  static String copy(JsonParser p) throws IOException {
    return Json.valueText(p, p.currentToken());
  }
}
