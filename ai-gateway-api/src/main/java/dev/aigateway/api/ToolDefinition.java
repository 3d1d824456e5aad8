package dev.aigateway.api;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A function the model may ask the application to call.
 *
 * <p>{@code parametersJsonSchema} is a JSON Schema object, as text; adapters send it to the vendor
 * as a JSON object and reject text that does not parse with an {@link InvalidRequestException}.
 * The name must match {@code [a-zA-Z0-9_-]{1,64}}, the strictest rule among the vendors.
 *
 * @param name the function's name, unique within a request
 * @param description what the function does, for the model; may be null
 * @param parametersJsonSchema the JSON Schema of the arguments object
 */
public record ToolDefinition(
    String name, @Nullable String description, String parametersJsonSchema) {
  private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9_-]{1,64}");

  /** Validates the name and that the schema looks like a JSON object. */
  public ToolDefinition {
    Checks.requireNonBlank(name, "name");
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "name must match [a-zA-Z0-9_-]{1,64} but was '" + name + "'");
    }
    Checks.requireNonBlank(parametersJsonSchema, "parametersJsonSchema");
    String trimmed = parametersJsonSchema.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      throw new IllegalArgumentException(
          "parametersJsonSchema of tool '" + name + "' must be a JSON object");
    }
  }

  /** A tool definition; see the class documentation for the rules. */
  public static ToolDefinition of(
      String name, @Nullable String description, String parametersJsonSchema) {
    return new ToolDefinition(name, description, parametersJsonSchema);
  }
}
