package dev.aigateway.providers.internal;

import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.api.ContentPart;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The rules every adapter applies to a finished answer: the finish-reason rule of
 * {@link FinishReason}, and the model an answer reports.
 */
public final class FinishReasons {
  private FinishReasons() {}

  /**
   * A plain reply, unified: the finish reason goes through {@link #withToolCalls}, and the model
   * is the one the vendor reported, or {@code requestedModel} when it reported none.
   */
  public static ChatResponse answer(String provider, @Nullable String id, @Nullable String model,
      String requestedModel, String text, List<ToolCall> calls, FinishReason reason,
      @Nullable Usage usage) {
    return ChatResponse.builder()
        .id(id)
        .provider(provider)
        .model(model != null && !model.isEmpty() ? model : requestedModel)
        .message(calls.isEmpty() ? Message.assistant(text) : Message.assistant(text, calls))
        .finishReason(withToolCalls(reason, !calls.isEmpty()))
        .usage(usage)
        .build();
  }

  /**
   * {@link #answer(String, String, String, String, String, List, FinishReason, Usage)} with
   * {@code parts} (reasoning, in the vendor's order) before the text in the message.
   */
  public static ChatResponse answer(String provider, @Nullable String id, @Nullable String model,
      String requestedModel, List<ContentPart> parts, String text, List<ToolCall> calls,
      FinishReason reason, @Nullable Usage usage) {
    if (parts.isEmpty()) {
      return answer(provider, id, model, requestedModel, text, calls, reason, usage);
    }
    List<ContentPart> all = new ArrayList<>(parts.size() + 1);
    all.addAll(parts);
    if (!text.isEmpty() || calls.isEmpty()) {
      all.add(ContentPart.text(text));
    }
    return ChatResponse.builder()
        .id(id)
        .provider(provider)
        .model(model != null && !model.isEmpty() ? model : requestedModel)
        .message(Message.assistantParts(all, calls))
        .finishReason(withToolCalls(reason, !calls.isEmpty()))
        .usage(usage)
        .build();
  }

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
