package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.providers.internal.Json;
import java.io.IOException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads the value a Jackson streaming parser stands on the way the Messages reader needs it,
 * leaving the parser on the value's last token. Stateless.
 */
final class JsonValues {
  private JsonValues() {}


  /** A JSON string's text; null for any other value, which is skipped. */
  static @Nullable String string(JsonParser p, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    p.skipChildren();
    return null;
  }

  /** Constants a JSON string value may spell, with their characters, for {@link #oneOf}. */
  static final class Known {
    private final String[] names;
    private final char[][] chars;

    private Known(String... names) {
      this.names = names.clone();
      this.chars = new char[names.length][];
      for (int i = 0; i < names.length; i++) {
        chars[i] = names[i].toCharArray();
      }
    }

    static Known of(String... names) {
      return new Known(names);
    }
  }

  /**
   * The constant of {@code known} that a JSON string value spells, compared in place so that no
   * string is made for it; for another string or value, its {@link Json#valueText}.
   */
  static @Nullable String oneOf(JsonParser p, JsonToken value, Known known) throws IOException {
    if (value == JsonToken.VALUE_STRING) {
      int n = p.getTextLength();
      char[] text = p.getTextCharacters();
      int at = p.getTextOffset();
      for (int i = 0; i < known.chars.length; i++) {
        char[] k = known.chars[i];
        if (k.length == n && Arrays.equals(text, at, at + n, k, 0, n)) {
          return known.names[i];
        }
      }
    }
    return Json.valueText(p, value);
  }

  /** Marks a count that was absent or JSON null. */
  static final long ABSENT = Long.MIN_VALUE;

  /**
   * A token count: a number's int value (narrowed as {@code Number.intValue} does), 0 for any
   * other value, which is skipped, and {@link #ABSENT} for JSON null.
   */
  static long count(JsonParser p, JsonToken value) throws IOException {
    return value == JsonToken.VALUE_NULL ? ABSENT : Json.intValue(p, value);
  }

  /** A count, with 0 for {@link #ABSENT}. */
  static int orZero(long count) {
    return count == ABSENT ? 0 : (int) count;
  }

}
