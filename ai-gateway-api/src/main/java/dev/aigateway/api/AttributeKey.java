package dev.aigateway.api;

/**
 * A typed key for the attributes a {@link ChatRequest} carries through the interceptor chain, in
 * the manner of OkHttp's request tags. Interceptors use them to pass decisions down the chain: the
 * chosen target, the attempt number, and so on.
 *
 * <p>Keys compare by identity: declare each one once, as a constant. Attributes never reach a
 * vendor and never take part in {@link ChatRequest#equals}.
 *
 * @param <T> the type of the value stored under this key
 */
public final class AttributeKey<T> {
  private final String name;
  private final Class<T> type;

  private AttributeKey(String name, Class<T> type) {
    this.name = name;
    this.type = type;
  }

  /** A new key; {@code name} is for diagnostics only. */
  public static <T> AttributeKey<T> of(String name, Class<T> type) {
    return new AttributeKey<>(
        Checks.requireNonBlank(name, "name"), Checks.requireNonNull(type, "type"));
  }

  /** The key's name. */
  public String name() {
    return name;
  }

  /** The type of value stored under this key. */
  public Class<T> type() {
    return type;
  }

  @Override
  public String toString() {
    return "AttributeKey[" + name + "]";
  }
}
