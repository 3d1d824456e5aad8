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
 */
public record ToolCall(String id, String name, String arguments) {

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
    return new ToolCall(id, name, arguments);
  }
}
