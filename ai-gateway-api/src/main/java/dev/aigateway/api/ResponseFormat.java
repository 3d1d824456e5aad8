package dev.aigateway.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The shape the model's answer must take: free text, any JSON object, or JSON that follows a
 * schema. Immutable.
 */
public final class ResponseFormat {
  /** The kinds of format. */
  public enum Type {
    /** Free text, the default. */
    TEXT,
    /** Any valid JSON object. */
    JSON_OBJECT,
    /** JSON that follows {@link #schema()}. */
    JSON_SCHEMA
  }

  private static final ResponseFormat TEXT = new ResponseFormat(Type.TEXT, null, null, false);
  private static final ResponseFormat JSON_OBJECT =
      new ResponseFormat(Type.JSON_OBJECT, null, null, false);

  private final Type type;
  private final @Nullable String name;
  private final @Nullable String schema;
  private final boolean strict;

  private ResponseFormat(
      Type type, @Nullable String name, @Nullable String schema, boolean strict) {
    this.type = type;
    this.name = name;
    this.schema = schema;
    this.strict = strict;
  }

  /** Free text. */
  public static ResponseFormat text() {
    return TEXT;
  }

  /** Any JSON object. */
  public static ResponseFormat jsonObject() {
    return JSON_OBJECT;
  }

  /** JSON following {@code schemaJson}, enforced strictly where the vendor supports it. */
  public static ResponseFormat jsonSchema(String name, String schemaJson) {
    return jsonSchema(name, schemaJson, true);
  }

  /**
   * JSON following {@code schemaJson}. {@code name} identifies the schema to vendors that want
   * one (OpenAI); {@code strict} asks for exact adherence where the vendor supports it.
   */
  public static ResponseFormat jsonSchema(String name, String schemaJson, boolean strict) {
    Checks.requireNonBlank(name, "name");
    Checks.requireNonBlank(schemaJson, "schemaJson");
    String trimmed = schemaJson.strip();
    if (!trimmed.startsWith("{") || !trimmed.endsWith("}")) {
      throw new IllegalArgumentException("schemaJson must be a JSON object");
    }
    return new ResponseFormat(Type.JSON_SCHEMA, name, schemaJson, strict);
  }

  /** The kind of format. */
  public Type type() {
    return type;
  }

  /** The schema's name for {@link Type#JSON_SCHEMA}, else null. */
  public @Nullable String name() {
    return name;
  }

  /** The JSON Schema text for {@link Type#JSON_SCHEMA}, else null. */
  public @Nullable String schema() {
    return schema;
  }

  /** Whether strict adherence was asked for; false unless {@link Type#JSON_SCHEMA}. */
  public boolean strict() {
    return strict;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ResponseFormat other
        && type == other.type
        && strict == other.strict
        && Objects.equals(name, other.name)
        && Objects.equals(schema, other.schema);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, name, schema, strict);
  }

  @Override
  public String toString() {
    return type == Type.JSON_SCHEMA
        ? "ResponseFormat[json_schema " + name + (strict ? ", strict]" : "]")
        : "ResponseFormat[" + type + "]";
  }
}
