package dev.aigateway.api;

/**
 * Token counts for one answer, unified across vendors.
 *
 * <p>The rules every adapter follows:
 * <ul>
 *   <li>{@link #inputTokens()} counts <em>all</em> input tokens, cached ones included, as OpenAI's
 *       {@code prompt_tokens} does. For Anthropic that is {@code input_tokens +
 *       cache_read_input_tokens + cache_creation_input_tokens}.
 *   <li>{@link #cachedInputTokens()} is the part of the input read from the vendor's prompt cache;
 *       it is included in {@code inputTokens}, never added to it.
 *   <li>{@link #outputTokens()} counts all generated tokens, reasoning ones included;
 *       {@link #reasoningTokens()} is the part of it spent on hidden reasoning.
 *   <li>{@link #totalTokens()} is what the vendor reported as the total, or input plus output
 *       when it reported none.
 * </ul>
 *
 * <p>Instances are immutable; every count is zero or more.
 */
public record Usage(
    int inputTokens, int outputTokens, int totalTokens, int cachedInputTokens, int reasoningTokens) {

  /** Validates that every count is zero or more. */
  public Usage {
    requireNonNegative(inputTokens, "inputTokens");
    requireNonNegative(outputTokens, "outputTokens");
    requireNonNegative(totalTokens, "totalTokens");
    requireNonNegative(cachedInputTokens, "cachedInputTokens");
    requireNonNegative(reasoningTokens, "reasoningTokens");
  }

  /** Input and output counts, with the total as their sum and nothing cached or reasoned. */
  public static Usage of(int inputTokens, int outputTokens) {
    return new Usage(inputTokens, outputTokens, sum(inputTokens, outputTokens), 0, 0);
  }

  /** All counts but the total, which is input plus output. */
  public static Usage of(
      int inputTokens, int outputTokens, int cachedInputTokens, int reasoningTokens) {
    return new Usage(
        inputTokens, outputTokens, sum(inputTokens, outputTokens), cachedInputTokens,
        reasoningTokens);
  }

  /** The field-by-field sum of this and {@code other}, saturating at {@link Integer#MAX_VALUE}. */
  public Usage plus(Usage other) {
    return new Usage(
        sum(inputTokens, other.inputTokens),
        sum(outputTokens, other.outputTokens),
        sum(totalTokens, other.totalTokens),
        sum(cachedInputTokens, other.cachedInputTokens),
        sum(reasoningTokens, other.reasoningTokens));
  }

  private static int sum(int a, int b) {
    long s = (long) a + b;
    return s > Integer.MAX_VALUE ? Integer.MAX_VALUE : (int) s;
  }

  private static void requireNonNegative(int value, String field) {
    if (value < 0) {
      throw new IllegalArgumentException(field + " must be >= 0 but was " + value);
    }
  }
}
