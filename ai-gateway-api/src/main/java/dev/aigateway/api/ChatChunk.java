package dev.aigateway.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a streamed answer. Immutable and thread safe.
 *
 * <p>{@link #textDelta()} is never null (empty when the chunk carries no text).
 * {@link #finishReason()} is null until the last chunk; {@link #usage()} is null until it is
 * known, which for every built-in adapter is the last chunk. {@link StreamAccumulator} folds a
 * stream's chunks back into a {@link ChatResponse}. The gateway marks the first chunk it delivers
 * with what its call decided ({@link #attempts()}, {@link #fromCache()}), so that a folded stream
 * reports them as the equivalent plain answer does.
 *
 * <p><b>Restarts.</b> When the gateway rescues a stream whose vendor failed mid-answer by asking
 * again from the beginning, it first delivers one chunk for which {@link #isRestart()} is true:
 * everything received before it is to be discarded, and the answer starts again with the next
 * chunk. Only a subscriber that opted in receives restarts (see
 * {@code dev.aigateway.api.spi.CallOptions#STREAM_RESTARTS}); {@link StreamAccumulator} resets on
 * one. A restart chunk carries no text, no tool calls, no finish reason and no usage.
 */
public final class ChatChunk {
  private final @Nullable String id;
  private final String provider;
  private final String model;
  private final String textDelta;
  private final List<ToolCallDelta> toolCallDeltas;
  private final @Nullable FinishReason finishReason;
  private final @Nullable Usage usage;
  private final int attempts;
  private final boolean fromCache;
  private final @Nullable String restartReason;
  private final String reasoningDelta;
  private final ContentPart.@Nullable Reasoning reasoningEnd;
  private final @Nullable String refusalDelta;

  private ChatChunk(
      @Nullable String id, String provider, String model, @Nullable String textDelta,
      @Nullable List<ToolCallDelta> toolCallDeltas, @Nullable FinishReason finishReason,
      @Nullable Usage usage) {
    this(id, provider, model, textDelta, toolCallDeltas, finishReason, usage, 0, false, null,
        "", null, null);
  }

  private ChatChunk(
      @Nullable String id, String provider, String model, @Nullable String textDelta,
      @Nullable List<ToolCallDelta> toolCallDeltas, @Nullable FinishReason finishReason,
      @Nullable Usage usage, int attempts, boolean fromCache, @Nullable String restartReason,
      String reasoningDelta, ContentPart.@Nullable Reasoning reasoningEnd,
      @Nullable String refusalDelta) {
    if (provider == null) {
      throw new IllegalArgumentException("provider is required but was null");
    }
    if (model == null) {
      throw new IllegalArgumentException("model is required but was null");
    }
    this.id = id;
    this.provider = provider;
    this.model = model;
    this.textDelta = textDelta == null ? "" : textDelta;
    this.toolCallDeltas = toolCallDeltas == null ? List.of() : List.copyOf(toolCallDeltas);
    this.finishReason = finishReason;
    this.usage = usage;
    if (attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0 but was " + attempts);
    }
    this.attempts = attempts;
    this.fromCache = fromCache;
    this.restartReason = restartReason;
    this.reasoningDelta = reasoningDelta;
    this.reasoningEnd = reasoningEnd;
    this.refusalDelta = refusalDelta;
  }

  /** A chunk that carries text only. */
  public static ChatChunk text(String provider, String model, String textDelta) {
    return new ChatChunk(null, provider, model, textDelta, null, null, null);
  }

  /**
   * A chunk with every field. {@code textDelta} and {@code toolCallDeltas} may be null (meaning
   * none); {@code finishReason}, {@code usage} and {@code id} may be null (meaning not known yet).
   */
  public static ChatChunk of(
      @Nullable String id, String provider, String model, @Nullable String textDelta,
      @Nullable List<ToolCallDelta> toolCallDeltas, @Nullable FinishReason finishReason,
      @Nullable Usage usage) {
    return new ChatChunk(id, provider, model, textDelta, toolCallDeltas, finishReason, usage);
  }

  /**
   * The chunk that tells the subscriber to discard what it has received: the answer starts again
   * with the next chunk, from {@code provider}'s {@code model}. For the gateway's rescue of a
   * stream; {@code reason} says why (it names the failure, never a credential or content).
   */
  public static ChatChunk restart(String provider, String model, String reason) {
    if (reason == null || reason.isEmpty()) {
      throw new IllegalArgumentException("a restart needs a reason");
    }
    return new ChatChunk(null, provider, model, null, null, null, null, 0, false, reason, "", null,
        null);
  }

  /**
   * Whether this chunk says "discard what you have received": the answer starts again with the
   * next chunk. See the class documentation.
   */
  public boolean isRestart() {
    return restartReason != null;
  }

  /** Why the answer starts again, on a restart chunk; null on every other chunk. */
  public @Nullable String restartReason() {
    return restartReason;
  }

  /** The vendor's id for the whole answer, or null when this chunk does not carry it. */
  public @Nullable String id() {
    return id;
  }

  /** The text added by this chunk; never null. */
  public String textDelta() {
    return textDelta;
  }

  /**
   * This chunk with reasoning: {@code reasoningDelta} is the next piece of the model's reasoning
   * text (null for none), and {@code reasoningEnd}, when not null, ends the reasoning part being
   * streamed. An end with text is a whole part; an end without text carries the signature of the
   * reasoning streamed before it (Anthropic's {@code signature_delta}, Gemini's
   * {@code thoughtSignature}); an end with neither text nor signature only closes the part being
   * streamed; a redacted end is a whole redacted part. For adapters.
   */
  public ChatChunk withReasoning(
      @Nullable String reasoningDelta, ContentPart.@Nullable Reasoning reasoningEnd) {
    return new ChatChunk(id, provider, model, textDelta, toolCallDeltas, finishReason, usage,
        attempts, fromCache, restartReason, reasoningDelta == null ? "" : reasoningDelta,
        reasoningEnd, refusalDelta);
  }

  /**
   * This chunk with the next piece of a refusal (see {@link ChatResponse#refusal()}): an empty
   * {@code refusalDelta} says that the model refused without a text. For adapters.
   */
  public ChatChunk withRefusal(String refusalDelta) {
    return new ChatChunk(id, provider, model, textDelta, toolCallDeltas, finishReason, usage,
        attempts, fromCache, restartReason, reasoningDelta, reasoningEnd,
        Checks.requireNonNull(refusalDelta, "refusalDelta"));
  }

  /**
   * The reasoning text added by this chunk, apart from {@link #textDelta()}; never null, empty
   * when the chunk carries none (the usual case).
   */
  public String reasoningDelta() {
    return reasoningDelta;
  }

  /**
   * The end of the reasoning part being streamed, with the signature the vendor requires back;
   * null on most chunks. See {@link #withReasoning}.
   */
  public ContentPart.@Nullable Reasoning reasoningEnd() {
    return reasoningEnd;
  }

  /**
   * The refusal text added by this chunk; null when it carries none (the usual case), empty when
   * the model refused without a text.
   */
  public @Nullable String refusalDelta() {
    return refusalDelta;
  }

  /** Pieces of tool calls; unmodifiable, usually empty. */
  public List<ToolCallDelta> toolCallDeltas() {
    return toolCallDeltas;
  }

  /** Why the model stopped, on the last chunk; null before. */
  public @Nullable FinishReason finishReason() {
    return finishReason;
  }

  /** Token counts for the whole answer once known; null before. */
  public @Nullable Usage usage() {
    return usage;
  }

  /** The id of the provider streaming this answer. */
  public String provider() {
    return provider;
  }

  /** The model as the vendor reported it. */
  public String model() {
    return model;
  }

  /**
   * How many upstream attempts the gateway's call made: set on the first chunk the gateway
   * delivers (and, after a rescue, on the first chunk of the attempt that took over, counting
   * every attempt so far), 0 on the others, on a cache hit and on chunks straight from a
   * provider.
   */
  public int attempts() {
    return attempts;
  }

  /**
   * Whether the stream is a replay from the gateway's cache: set on the first chunk the gateway
   * delivers, false on the others and on chunks straight from a provider.
   */
  public boolean fromCache() {
    return fromCache;
  }

  /** This chunk marked with what the gateway's call decided; for the gateway. */
  public ChatChunk withCallOutcome(int attempts, boolean fromCache) {
    if (attempts == this.attempts && fromCache == this.fromCache) {
      return this;
    }
    return new ChatChunk(id, provider, model, textDelta, toolCallDeltas, finishReason, usage,
        attempts, fromCache, restartReason, reasoningDelta, reasoningEnd, refusalDelta);
  }

  /** This chunk with {@code usage} instead of its own; for the gateway. */
  public ChatChunk withUsage(@Nullable Usage usage) {
    return new ChatChunk(id, provider, model, textDelta, toolCallDeltas, finishReason, usage,
        attempts, fromCache, restartReason, reasoningDelta, reasoningEnd, refusalDelta);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ChatChunk[").append(provider).append('/').append(model);
    if (restartReason != null) {
      sb.append(", restart: ").append(restartReason);
    }
    if (!textDelta.isEmpty()) {
      sb.append(", ").append(textDelta.length()).append(" chars");
    }
    if (!reasoningDelta.isEmpty()) {
      sb.append(", ").append(reasoningDelta.length()).append(" chars of reasoning");
    }
    if (reasoningEnd != null) {
      sb.append(", reasoning ends");
    }
    if (refusalDelta != null) {
      sb.append(", refusal");
    }
    if (!toolCallDeltas.isEmpty()) {
      sb.append(", ").append(toolCallDeltas.size()).append(" tool call deltas");
    }
    if (finishReason != null) {
      sb.append(", finishReason=").append(finishReason);
    }
    if (usage != null) {
      sb.append(", usage=").append(usage);
    }
    return sb.append(']').toString();
  }
}
