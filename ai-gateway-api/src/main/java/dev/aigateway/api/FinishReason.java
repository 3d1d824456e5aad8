package dev.aigateway.api;

/**
 * Why the model stopped, unified across vendors.
 *
 * <p>Adapters map each vendor's own vocabulary onto these values. One rule holds for every
 * adapter: when the answer holds tool calls, the reason is {@link #TOOL_CALLS}, whatever the
 * vendor called it (Gemini, for one, says {@code STOP}). The exceptions are {@link #LENGTH} and
 * {@link #CONTENT_FILTER}, which are kept because they mean the answer, and so possibly a tool
 * call's arguments, was cut short.
 */
public enum FinishReason {
  /** The model finished its answer, or hit a stop sequence. */
  STOP,
  /** The output token limit was reached; the answer is cut short. */
  LENGTH,
  /** The model asks the application to call one or more tools. */
  TOOL_CALLS,
  /** The vendor withheld or cut the answer for safety or policy reasons, or the model refused. */
  CONTENT_FILTER,
  /** Any other reason the vendor gave. */
  OTHER
}
