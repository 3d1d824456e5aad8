package dev.aigateway.api;

/**
 * Opaque state a vendor attaches to its reasoning and requires back, unchanged, on the next turn
 * of a conversation: Anthropic's {@code signature} of a {@code thinking} block and the
 * {@code data} of a {@code redacted_thinking} block, Gemini's {@code thoughtSignature}. It is
 * tagged with the wire format that produced it, so that an adapter sends it back only to that
 * format and drops it elsewhere (a failover from one vendor to another mid-conversation).
 *
 * <p>Immutable. {@link #toString()} shows the format and the length, not the value.
 *
 * @param format the wire format that produced it: {@value #ANTHROPIC} or {@value #GEMINI}
 *     (adapters that reuse a wire format, such as a cloud that serves the same models, reuse its
 *     tag)
 * @param value the vendor's value, exactly as received
 */
public record ReasoningSignature(String format, String value) {
  /** The tag of Anthropic's Messages wire format. */
  public static final String ANTHROPIC = "anthropic";

  /** The tag of Gemini's generateContent wire format. */
  public static final String GEMINI = "gemini";

  /** Rejects a blank format and an empty value. */
  public ReasoningSignature {
    Checks.requireNonBlank(format, "format");
    Checks.requireNonNull(value, "value");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("value must not be empty");
    }
  }

  /** A signature of wire format {@code format}. */
  public static ReasoningSignature of(String format, String value) {
    return new ReasoningSignature(format, value);
  }

  @Override
  public String toString() {
    return "ReasoningSignature[" + format + ", " + value.length() + " chars]";
  }
}
