package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * A piece of a tool call, as it arrives in a stream. Pieces with the same {@link #index()} belong
 * to the same call: the first usually carries the id and name, and the arguments arrive as JSON
 * text split at arbitrary points. {@link StreamAccumulator} reassembles them.
 *
 * @param index position of the call within the answer, from 0
 * @param id the call's id, or null when this piece does not carry it
 * @param name the tool's name, or null when this piece does not carry it
 * @param argumentsDelta the next piece of the arguments' JSON text; never null, may be empty
 * @param signature the call's {@link ToolCall#signature()}, on the piece that carries it, or null
 */
public record ToolCallDelta(int index, @Nullable String id, @Nullable String name,
    String argumentsDelta, @Nullable ReasoningSignature signature) {

  /** A piece without a signature. */
  public ToolCallDelta(
      int index, @Nullable String id, @Nullable String name, @Nullable String argumentsDelta) {
    this(index, id, name, argumentsDelta, null);
  }

  /** Validates the index; a null arguments piece becomes empty. */
  public ToolCallDelta {
    if (index < 0) {
      throw new IllegalArgumentException("index must be >= 0 but was " + index);
    }
    if (argumentsDelta == null) {
      argumentsDelta = "";
    }
  }
}
