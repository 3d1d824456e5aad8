package dev.aigateway.core.structured;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a JSON value against a schema made by {@link SchemaDerivation}, for the keywords that
 * derivation writes ({@code type}, {@code properties}, {@code required}, {@code items},
 * {@code enum}, {@code const}, {@code anyOf}, {@code $ref}), and reports the first place where it
 * does not fit, with a message that names what was expected and the JSON type found, never the
 * value itself (it may be content).
 *
 * <p>Two leniencies, both where the value can still be built exactly: a property the type does not
 * have is ignored (strict vendors never send one; others may), and a missing property whose schema
 * allows null counts as null. {@code format} is not checked here: reading the value into its Java
 * type (a {@code LocalDate}, a {@code UUID}) does that.
 *
 * <p>Immutable and thread safe.
 */
final class SchemaCheck {
  private final ObjectNode root;

  SchemaCheck(ObjectNode root) {
    this.root = root;
  }

  /** Where and why {@code value} does not fit; null when it fits. */
  @Nullable Violation check(JsonNode value) {
    return check(value, root, "$", 0);
  }

  /** One place where the value does not fit. */
  record Violation(String path, String detail) {}

  private @Nullable Violation check(JsonNode value, JsonNode schema, String path, int depth) {
    if (depth > 512) {
      return new Violation(path, "nested too deeply");
    }
    JsonNode ref = schema.get("$ref");
    if (ref != null) {
      return check(value, resolve(ref.asText()), path, depth + 1);
    }
    JsonNode anyOf = schema.get("anyOf");
    if (anyOf != null) {
      Violation first = null;
      for (JsonNode branch : anyOf) {
        Violation v = check(value, branch, path, depth + 1);
        if (v == null) {
          return null;
        }
        if (first == null && !isNullOnly(branch)) {
          first = v;
        }
      }
      return first != null ? first : new Violation(path, "must be null");
    }
    JsonNode type = schema.get("type");
    if (type != null && !typeMatches(value, type)) {
      return new Violation(path, "expected " + describe(type) + ", got " + jsonType(value));
    }
    JsonNode values = schema.get("enum");
    if (values != null && !value.isNull() && !contains(values, value)) {
      return new Violation(path, "expected one of " + values + ", got " + jsonType(value)
          + " outside them");
    }
    JsonNode constant = schema.get("const");
    if (constant != null && !constant.equals(value)) {
      return new Violation(path, "expected the constant " + constant);
    }
    if (value.isObject() && schema.get("properties") instanceof ObjectNode properties) {
      for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> p = it.next();
        String at = path + member(p.getKey());
        JsonNode v = value.get(p.getKey());
        if (v == null) {
          if (acceptsNull(p.getValue(), depth)) {
            continue;
          }
          return new Violation(path, "missing the required property '" + p.getKey() + "'");
        }
        Violation violation = check(v, p.getValue(), at, depth + 1);
        if (violation != null) {
          return violation;
        }
      }
    }
    JsonNode items = schema.get("items");
    if (value.isArray() && items != null) {
      for (int i = 0; i < value.size(); i++) {
        Violation violation = check(value.get(i), items, path + "[" + i + "]", depth + 1);
        if (violation != null) {
          return violation;
        }
      }
    }
    return null;
  }

  private JsonNode resolve(String ref) {
    if (!ref.startsWith("#")) {
      throw new IllegalStateException("unexpected reference " + ref);
    }
    JsonNode target = root.at(JsonPointer.compile(ref.substring(1)));
    if (target.isMissingNode()) {
      throw new IllegalStateException("dangling reference " + ref);
    }
    return target;
  }

  private boolean acceptsNull(JsonNode schema, int depth) {
    return check(com.fasterxml.jackson.databind.node.NullNode.instance, schema, "$", depth + 1)
        == null;
  }

  private static boolean isNullOnly(JsonNode schema) {
    JsonNode type = schema.get("type");
    return type != null && type.isTextual() && type.asText().equals("null");
  }

  private static boolean typeMatches(JsonNode value, JsonNode type) {
    if (type.isTextual()) {
      return typeMatches(value, type.asText());
    }
    for (JsonNode t : type) {
      if (typeMatches(value, t.asText())) {
        return true;
      }
    }
    return false;
  }

  private static boolean typeMatches(JsonNode value, String type) {
    return switch (type) {
      case "object" -> value.isObject();
      case "array" -> value.isArray();
      case "string" -> value.isTextual();
      case "boolean" -> value.isBoolean();
      case "null" -> value.isNull();
      case "number" -> value.isNumber();
      // JSON Schema's integer is a number without a fraction: 3.0 is one, 3.5 is not.
      case "integer" -> value.isIntegralNumber()
          || value.isNumber() && value.decimalValue().stripTrailingZeros().scale() <= 0;
      default -> true;
    };
  }

  private static boolean contains(JsonNode values, JsonNode value) {
    for (JsonNode v : values) {
      if (v.equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String describe(JsonNode type) {
    if (type.isTextual()) {
      return type.asText();
    }
    List<String> names = new ArrayList<>();
    type.forEach(t -> names.add(t.asText()));
    return String.join(" or ", names);
  }

  /** The JSON type of {@code value}, as JSON Schema names it. */
  static String jsonType(JsonNode value) {
    if (value.isObject()) {
      return "an object";
    }
    if (value.isArray()) {
      return "an array";
    }
    if (value.isTextual()) {
      return "a string";
    }
    if (value.isBoolean()) {
      return "a boolean";
    }
    if (value.isNull()) {
      return "null";
    }
    if (value.isIntegralNumber()) {
      return "an integer";
    }
    if (value.isNumber()) {
      return "a number";
    }
    return value.getNodeType().toString().toLowerCase(java.util.Locale.ROOT);
  }

  /** {@code .name}, or {@code ['na me']} when the name is not a plain identifier. */
  static String member(String name) {
    boolean plain = !name.isEmpty() && Character.isJavaIdentifierStart(name.charAt(0));
    for (int i = 1; plain && i < name.length(); i++) {
      plain = Character.isJavaIdentifierPart(name.charAt(i));
    }
    return plain ? "." + name : "['" + name.replace("'", "\\'") + "']";
  }
}
