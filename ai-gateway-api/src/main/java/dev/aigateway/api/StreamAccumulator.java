package dev.aigateway.api;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Folds the chunks of one stream into a {@link ChatResponse}: it joins the text, reassembles tool
 * calls from their deltas by {@link ToolCallDelta#index()} (with their signatures), rebuilds the
 * reasoning parts from {@link ChatChunk#reasoningDelta()} and {@link ChatChunk#reasoningEnd()}
 * (put before the text in the message, with the signatures the vendor requires back), joins a
 * refusal, and keeps the last finish reason,
 * usage, id and model seen. A restart chunk ({@link ChatChunk#isRestart()}) discards everything
 * accepted before it, except the gateway's mark on the stream's first chunk: the answer is what
 * follows.
 *
 * <p>Not thread safe: feed it from one subscriber. It keeps only the text and tool-call arguments,
 * not the chunks.
 */
public final class StreamAccumulator {
  private final StringBuilder text = new StringBuilder();
  private final List<PendingCall> calls = new ArrayList<>(0);
  private final List<ContentPart> reasoningParts = new ArrayList<>(0);
  private @Nullable StringBuilder reasoning;
  private @Nullable StringBuilder refusal;
  private @Nullable String id;
  private @Nullable String provider;
  private @Nullable String model;
  private @Nullable FinishReason finishReason;
  private @Nullable Usage usage;
  private int chunks;
  private int attempts;
  private boolean marked;
  private boolean fromCache;

  /** Creates an empty accumulator. */
  public StreamAccumulator() {}

  /** Adds the next chunk of the stream. Returns this. */
  public StreamAccumulator accept(ChatChunk chunk) {
    if (chunk.isRestart()) {
      restart();
      return this;
    }
    chunks++;
    text.append(chunk.textDelta());
    if (!chunk.reasoningDelta().isEmpty()) {
      if (reasoning == null) {
        reasoning = new StringBuilder();
      }
      reasoning.append(chunk.reasoningDelta());
    }
    if (chunk.reasoningEnd() != null) {
      endReasoning(chunk.reasoningEnd());
    }
    if (chunk.refusalDelta() != null) {
      if (refusal == null) {
        refusal = new StringBuilder();
      }
      refusal.append(chunk.refusalDelta());
    }
    for (ToolCallDelta delta : chunk.toolCallDeltas()) {
      while (calls.size() <= delta.index()) {
        calls.add(new PendingCall());
      }
      PendingCall call = calls.get(delta.index());
      if (call.id == null && delta.id() != null && !delta.id().isEmpty()) {
        call.id = delta.id();
      }
      if (call.name == null && delta.name() != null && !delta.name().isEmpty()) {
        call.name = delta.name();
      }
      call.arguments.append(delta.argumentsDelta());
      if (delta.signature() != null) {
        call.signature = delta.signature();
      }
    }
    if (chunk.id() != null && !chunk.id().isEmpty()) { // an empty id is no id
      id = chunk.id();
    }
    provider = chunk.provider();
    model = chunk.model();
    if (chunk.finishReason() != null) {
      finishReason = chunk.finishReason();
    }
    if (chunk.usage() != null) {
      usage = chunk.usage();
    }
    if (chunk.attempts() > 0 || chunk.fromCache()) {
      // The gateway marks the first chunk it delivers with its call's outcome, and the first
      // chunk after each rescue with the attempts made so far.
      marked = true;
      attempts = Math.max(attempts, chunk.attempts());
      fromCache |= chunk.fromCache();
    }
    return this;
  }

  /** Closes the reasoning part being streamed with {@code end}; see ChatChunk#withReasoning. */
  private void endReasoning(ContentPart.Reasoning end) {
    if (end.redacted() || !end.text().isEmpty()) {
      flushReasoning();
      reasoningParts.add(end);
      return;
    }
    if (end.signature() == null) {
      flushReasoning(); // an end that only closes the part being streamed
      return;
    }
    String streamed = reasoning == null ? "" : reasoning.toString();
    reasoning = null;
    reasoningParts.add(new ContentPart.Reasoning(streamed, end.signature(), false));
  }

  private void flushReasoning() {
    if (reasoning != null && reasoning.length() > 0) {
      reasoningParts.add(ContentPart.reasoning(reasoning.toString()));
    }
    reasoning = null;
  }

  private void restart() {
    text.setLength(0);
    reasoningParts.clear();
    reasoning = null;
    refusal = null;
    calls.clear();
    id = null;
    finishReason = null;
    usage = null;
    chunks = 0; // the mark of the stream's first chunk, if any, stays
  }

  /** How many chunks were accepted since the stream's start or its last restart. */
  public int chunkCount() {
    return chunks;
  }

  /** The text so far. */
  public String text() {
    return text.toString();
  }

  /** The reasoning text so far, apart from {@link #text()}. */
  public String reasoning() {
    StringBuilder sb = new StringBuilder();
    for (ContentPart part : reasoningParts) {
      sb.append(((ContentPart.Reasoning) part).text());
    }
    if (reasoning != null) {
      sb.append(reasoning);
    }
    return sb.toString();
  }

  /** The finish reason seen so far, or null. */
  public @Nullable FinishReason finishReason() {
    return finishReason;
  }

  /** The usage seen so far, or null. */
  public @Nullable Usage usage() {
    return usage;
  }

  /**
   * The answer so far as a response. A stream that ended without a finish reason yields
   * {@link FinishReason#OTHER}; tool calls make it {@link FinishReason#TOOL_CALLS} unless it was
   * {@link FinishReason#LENGTH} or {@link FinishReason#CONTENT_FILTER}. A tool call whose id never
   * arrived gets {@code call_<index>}. {@code attempts()} is the highest count the gateway marked
   * on a chunk (the first, and the first after each rescue; 0 and {@code fromCache()} true for a
   * cached stream), or 1 when no chunk carried a mark (a provider's own stream).
   *
   * @throws IllegalStateException when no chunk was accepted
   */
  public ChatResponse toResponse() {
    if (chunks == 0) {
      throw new IllegalStateException("no chunks were accepted");
    }
    List<ToolCall> toolCalls = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      PendingCall c = calls.get(i);
      if (c.name == null) {
        continue; // an index the vendor skipped
      }
      toolCalls.add(new ToolCall(
          c.id != null ? c.id : "call_" + i, c.name, c.arguments.toString(), c.signature));
    }
    FinishReason reason = finishReason == null ? FinishReason.OTHER : finishReason;
    if (!toolCalls.isEmpty() && (reason == FinishReason.STOP || reason == FinishReason.OTHER)) {
      reason = FinishReason.TOOL_CALLS;
    }
    Message message;
    if (reasoningParts.isEmpty() && (reasoning == null || reasoning.length() == 0)) {
      message = toolCalls.isEmpty()
          ? Message.assistant(text.toString())
          : Message.assistant(text.toString(), toolCalls);
    } else {
      // Reasoning comes first, as every vendor puts it before the answer it leads to.
      List<ContentPart> parts = new ArrayList<>(reasoningParts.size() + 2);
      parts.addAll(reasoningParts);
      if (reasoning != null && reasoning.length() > 0) {
        parts.add(ContentPart.reasoning(reasoning.toString()));
      }
      if (text.length() > 0 || toolCalls.isEmpty()) {
        parts.add(ContentPart.text(text.toString()));
      }
      message = Message.assistantParts(parts, toolCalls);
    }
    return ChatResponse.builder()
        .id(id)
        .provider(provider)
        .model(model)
        .message(message)
        .finishReason(reason)
        .usage(usage)
        .attempts(marked ? attempts : 1)
        .fromCache(fromCache)
        .refusal(refusal == null ? null : refusal.toString())
        .build();
  }

  private static final class PendingCall {
    @Nullable String id;
    @Nullable String name;
    @Nullable ReasoningSignature signature;
    final StringBuilder arguments = new StringBuilder();
  }
}
