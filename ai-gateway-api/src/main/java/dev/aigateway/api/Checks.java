package dev.aigateway.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Argument checks whose messages name the offending field. */
final class Checks {
  private Checks() {}

  static String requireNonBlank(@Nullable String value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required but was null");
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  static <T> T requireNonNull(@Nullable T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + " is required but was null");
    }
    return value;
  }

  /** An unmodifiable copy of {@code list}, rejecting null elements with the element's index. */
  static <T> List<T> copyOf(@Nullable List<? extends @Nullable T> list, String field) {
    if (list == null) {
      throw new IllegalArgumentException(field + " is required but was null");
    }
    if (list.isEmpty()) {
      return List.of();
    }
    List<T> copy = new ArrayList<>(list.size());
    for (int i = 0; i < list.size(); i++) {
      T element = list.get(i);
      if (element == null) {
        throw new IllegalArgumentException(field + "[" + i + "] is null");
      }
      copy.add(element);
    }
    return Collections.unmodifiableList(copy);
  }
}
