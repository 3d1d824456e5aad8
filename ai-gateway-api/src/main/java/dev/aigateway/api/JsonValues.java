package dev.aigateway.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Validation and deep copying of the JSON-like values accepted by {@link ChatRequest.Builder#extra}. */
final class JsonValues {
  private JsonValues() {}

  /**
   * Returns an immutable deep copy of {@code value}, which must be null, a String, Number,
   * Boolean, or a List or String-keyed Map of such values.
   */
  static @Nullable Object copy(@Nullable Object value, String path) {
    if (value == null || value instanceof String || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Number n) {
      if (n instanceof Double d && (d.isNaN() || d.isInfinite())
          || n instanceof Float f && (f.isNaN() || f.isInfinite())) {
        throw new IllegalArgumentException(path + " is " + n + ", which JSON cannot carry");
      }
      return value;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, @Nullable Object> copy = new LinkedHashMap<>();
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String key)) {
          throw new IllegalArgumentException(path + " has a non-String key: " + e.getKey());
        }
        copy.put(key, copy(e.getValue(), path + "." + key));
      }
      return Collections.unmodifiableMap(copy);
    }
    if (value instanceof List<?> list) {
      List<@Nullable Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(copy(list.get(i), path + "[" + i + "]"));
      }
      return Collections.unmodifiableList(copy);
    }
    throw new IllegalArgumentException(
        path + " has type " + value.getClass().getName()
            + "; use null, String, Number, Boolean, List or Map");
  }
}
