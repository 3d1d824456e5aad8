package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Ready-made conditions on a request's content, for rules such as "requests with images go to a
 * vision model" or "gold-tier tenants go to the large model".
 *
 * <pre>{@code
 * Predicate<ChatRequest> longOrVisual =
 *     RequestPredicates.hasImages().or(RequestPredicates.estimatedInputTokensOver(8000));
 * longOrVisual.toString(); // "(hasImages || estimatedInputTokens > 8000)"
 * }</pre>
 *
 * <p>Every predicate returned here describes itself in {@link Object#toString()}, because rules
 * are logged and shown in error messages: {@code hasImages}, {@code estimatedInputTokens > 8000},
 * {@code metadata[tier] == gold}, {@code metadata[tenant] ~ acme-.*}. Their {@code and},
 * {@code or} and {@code negate} keep the description ({@code (a && b)}, {@code (a || b)},
 * {@code !a}); the other side is described by its own {@code toString()}, so wrap a plain lambda
 * with {@link #of(String, Predicate)} first.
 *
 * <p>The predicates are immutable and thread safe. Those built in here never throw for a non-null
 * request; one made with {@link #of(String, Predicate)} does what its delegate does. Every
 * factory throws {@link NullPointerException}, naming the argument, when given null.
 */
public final class RequestPredicates {
  private static final Predicate<ChatRequest> HAS_IMAGES =
      new Described("hasImages", ChatRequest::hasImages);
  private static final Predicate<ChatRequest> HAS_TOOLS =
      new Described("hasTools", r -> !r.tools().isEmpty());

  private RequestPredicates() {}

  /**
   * True when any message has an image part, by URL or inline. Described as {@code hasImages}.
   *
   * @return the predicate; always the same instance
   */
  public static Predicate<ChatRequest> hasImages() {
    return HAS_IMAGES;
  }

  /**
   * True when the request defines at least one tool the model may call. Described as
   * {@code hasTools}.
   *
   * @return the predicate; always the same instance
   */
  public static Predicate<ChatRequest> hasTools() {
    return HAS_TOOLS;
  }

  /**
   * True when {@link TokenEstimate#approximate(ChatRequest)} is greater than {@code n}. Described
   * as {@code estimatedInputTokens > n}. The estimate is rough and errs high; see
   * {@link TokenEstimate}.
   *
   * @param n the threshold, 0 or more
   * @return the predicate
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public static Predicate<ChatRequest> estimatedInputTokensOver(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0 but was " + n);
    }
    return new Described(
        "estimatedInputTokens > " + n, r -> TokenEstimate.approximate(r) > n);
  }

  /**
   * True when the request's {@linkplain ChatRequest#metadata() metadata} has {@code key} with
   * exactly {@code value} (case-sensitive). Described as {@code metadata[key] == value}.
   *
   * @param key the metadata key
   * @param value the value it must have
   * @return the predicate
   * @throws NullPointerException if {@code key} or {@code value} is null
   */
  public static Predicate<ChatRequest> metadataEquals(String key, String value) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    return new Described(
        "metadata[" + key + "] == " + value, r -> value.equals(r.metadata().get(key)));
  }

  /**
   * True when the request's {@linkplain ChatRequest#metadata() metadata} has {@code key} and the
   * whole value matches {@code pattern} (as {@link java.util.regex.Matcher#matches()}, not
   * {@code find()}). A missing key never matches. Described as {@code metadata[key] ~ pattern}.
   *
   * @param key the metadata key
   * @param pattern what the whole value must match
   * @return the predicate
   * @throws NullPointerException if {@code key} or {@code pattern} is null
   */
  public static Predicate<ChatRequest> metadataMatches(String key, Pattern pattern) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(pattern, "pattern");
    return new Described("metadata[" + key + "] ~ " + pattern.pattern(), r -> {
      String v = r.metadata().get(key);
      return v != null && pattern.matcher(v).matches();
    });
  }

  /**
   * Like {@link #metadataMatches(String, Pattern)}, with the pattern given as a regular
   * expression, compiled once here.
   *
   * @param key the metadata key
   * @param regex what the whole value must match, in {@link Pattern} syntax
   * @return the predicate
   * @throws NullPointerException if {@code key} or {@code regex} is null
   * @throws java.util.regex.PatternSyntaxException if {@code regex} is not a valid expression
   */
  public static Predicate<ChatRequest> metadataMatches(String key, String regex) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(regex, "regex");
    return metadataMatches(key, Pattern.compile(regex));
  }

  /**
   * Gives a predicate of your own a description, so that it reads well in logs and errors.
   *
   * <pre>{@code
   * RequestPredicates.of("clientId is batch", r -> "batch".equals(r.clientId()));
   * }</pre>
   *
   * @param description what the predicate tests, as {@code toString()} will return it
   * @param predicate the test itself; it must be thread safe if the rule is shared
   * @return a predicate that tests with {@code predicate} and describes itself as
   *     {@code description}
   * @throws NullPointerException if {@code description} or {@code predicate} is null
   */
  public static Predicate<ChatRequest> of(String description, Predicate<ChatRequest> predicate) {
    Objects.requireNonNull(description, "description");
    Objects.requireNonNull(predicate, "predicate");
    return new Described(description, predicate);
  }

  /** A predicate with a description; composing keeps descriptions readable. */
  private static final class Described implements Predicate<ChatRequest> {
    private final String description;
    private final Predicate<ChatRequest> delegate;

    Described(String description, Predicate<ChatRequest> delegate) {
      this.description = description;
      this.delegate = delegate;
    }

    @Override
    public boolean test(ChatRequest request) {
      return delegate.test(request);
    }

    @Override
    public Predicate<ChatRequest> and(Predicate<? super ChatRequest> other) {
      Objects.requireNonNull(other, "other");
      return new Described(
          "(" + description + " && " + other + ")", r -> delegate.test(r) && other.test(r));
    }

    @Override
    public Predicate<ChatRequest> or(Predicate<? super ChatRequest> other) {
      Objects.requireNonNull(other, "other");
      return new Described(
          "(" + description + " || " + other + ")", r -> delegate.test(r) || other.test(r));
    }

    @Override
    public Predicate<ChatRequest> negate() {
      return new Described("!" + description, r -> !delegate.test(r));
    }

    @Override
    public String toString() {
      return description;
    }
  }
}
