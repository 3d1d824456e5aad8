package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The model's request to call a tool.
 *
 * @param id the vendor's id for this call, echoed back in {@link Message#tool(String, String)};
 *     adapters synthesize a stable one when the vendor gives none
 * @param name the tool's name
 * @param arguments the arguments as JSON text, exactly as the model wrote them (possibly invalid
 *     JSON if the answer was cut short; see {@link FinishReason#LENGTH})
 * @param signature state the vendor attached to this call and requires back with it on the next
 *     turn (Gemini's {@code thoughtSignature} on a {@code functionCall} part), or null; sent back
 *     only to the wire format that produced it (see {@link ContentPart.Reasoning})
 */
public record ToolCall(
    String id, String name, String arguments, @Nullable ReasoningSignature signature) {

  /** A tool call without a signature. */
  public ToolCall(String id, String name, @Nullable String arguments) {
    this(id, name, arguments, null);
  }

  /** Validates that the id and name are present; null arguments become {@code "{}"}. */
  public ToolCall {
    Checks.requireNonBlank(id, "id");
    Checks.requireNonBlank(name, "name");
    if (arguments == null || arguments.isEmpty()) {
      arguments = "{}";
    }
  }

  /** A tool call. */
  public static ToolCall of(String id, String name, @Nullable String arguments) {
    return new ToolCall(id, name, arguments, null);
  }

  /** This call with {@code signature} instead of its own. */
  public ToolCall withSignature(@Nullable ReasoningSignature signature) {
    return new ToolCall(id, name, arguments, signature);
  }
}
