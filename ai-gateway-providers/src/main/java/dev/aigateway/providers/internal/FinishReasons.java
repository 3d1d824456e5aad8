package dev.aigateway.providers.internal;

import dev.aigateway.api.FinishReason;

/** The finish-reason rule every adapter applies; see {@link FinishReason}. */
public final class FinishReasons {
  private FinishReasons() {}

  /**
   * {@code reason}, or {@link FinishReason#TOOL_CALLS} when the answer holds tool calls and the
   * vendor said it stopped normally or for another reason (Gemini says {@code STOP}). A cut-short
   * answer keeps {@link FinishReason#LENGTH} or {@link FinishReason#CONTENT_FILTER}, since its
   * tool calls may be incomplete.
   */
  public static FinishReason withToolCalls(FinishReason reason, boolean hasToolCalls) {
    if (hasToolCalls && (reason == null || reason == FinishReason.STOP
        || reason == FinishReason.OTHER)) {
      return FinishReason.TOOL_CALLS;
    }
    return reason;
  }
}
