package dev.aigateway.core.structured;

import com.fasterxml.classmate.ResolvedType;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.MemberScope;
import com.github.victools.jsonschema.generator.MethodScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import com.github.victools.jsonschema.module.jackson.JacksonOption;
import java.lang.annotation.Annotation;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Derives the JSON Schema of a Java type with victools' generator and its Jackson module, in the
 * form every vendor's strict mode accepts (OpenAI's being the narrowest): the root is an object;
 * every object lists all its properties as required and forbids others
 * ({@code additionalProperties: false}); a property that may be null has a {@code ["type",
 * "null"]} union (or an {@code anyOf} with {@code {"type": "null"}} around a reference); only
 * keywords that OpenAI, Anthropic and Gemini all take are kept, and {@code format} only with the
 * values they share. Types that strict mode cannot express (maps, {@code Object}, {@code
 * JsonNode}) are refused here, with the property that holds them, not by a vendor later.
 *
 * <p>Properties keep their declaration order (record components, bean fields), since models write
 * them in the order of the schema. Jackson's annotations are honoured: {@code @JsonProperty}
 * renames, {@code @JsonPropertyDescription} and {@code @JsonClassDescription} describe,
 * {@code @JsonIgnore} leaves out, {@code @JsonPropertyOrder} reorders; enum values are the
 * strings Jackson writes for the constants.
 *
 * <p>What may be null: a property whose field or getter carries an annotation named
 * {@code Nullable} or {@code CheckForNull} (JSpecify, JSR-305, Jakarta, JetBrains, Checker
 * Framework: by simple name, as a declaration or a type-use annotation), and an
 * {@code Optional}. Everything else is required and non-null, primitives and references alike.
 *
 * <p>Thread safe: the generator is made per call (derivation is once per type).
 */
final class SchemaDerivation {
  /** The keywords every vendor's strict mode takes; anything else is dropped. */
  private static final Set<String> KEPT = Set.of("type", "properties", "required",
      "additionalProperties", "items", "enum", "const", "anyOf", "$ref", "$defs", "description",
      "format");
  /** The {@code format} values OpenAI, Anthropic and Gemini all accept. */
  private static final Set<String> FORMATS = Set.of("date-time", "date", "time", "duration",
      "email", "hostname", "ipv4", "ipv6", "uuid");

  private SchemaDerivation() {}

  /**
   * The strict schema of {@code type}.
   *
   * @throws IllegalArgumentException when {@code type} cannot be expressed in strict JSON Schema,
   *     naming the property and what to use instead
   */
  static ObjectNode derive(Class<?> type, ObjectMapper mapper) {
    ObjectNode schema;
    try {
      schema = generator(mapper).generateSchema(type);
    } catch (Unsupported e) {
      throw new IllegalArgumentException(type.getName() + ": " + e.getMessage(), e);
    }
    JsonNode rootType = schema.get("type");
    if (rootType == null || !rootType.isTextual() || !"object".equals(rootType.asText())
        || !schema.has("properties")) {
      throw new IllegalArgumentException(type.getName() + " is not an object with properties;"
          + " structured output needs a record or bean at its root (wrap a list, an enum or a"
          + " single value in a record)");
    }
    strict(schema, "$", true);
    return schema;
  }

  private static SchemaGenerator generator(ObjectMapper mapper) {
    SchemaGeneratorConfigBuilder b =
        new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
            .with(new JacksonModule(JacksonOption.RESPECT_JSONPROPERTY_ORDER))
            .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT, Option.PLAIN_DEFINITION_KEYS)
            .without(Option.SCHEMA_VERSION_INDICATOR);
    b.forTypesInGeneral().withPropertySorter(SchemaDerivation::byJacksonOrder);
    b.forFields().withNullableCheck(SchemaDerivation::nullable);
    b.forMethods().withNullableCheck(m -> false);
    b.forTypesInGeneral().withCustomDefinitionProvider((javaType, context) -> {
      refuseUnsupported(javaType);
      if (javaType.getErasedType().isEnum()) {
        ObjectNode node = context.getGeneratorConfig().createObjectNode().put("type", "string");
        ArrayNode values = node.putArray("enum");
        for (Object constant : javaType.getErasedType().getEnumConstants()) {
          values.add(mapper.convertValue(constant, String.class));
        }
        return new CustomDefinition(node, CustomDefinition.DefinitionType.INLINE,
            CustomDefinition.AttributeInclusion.YES);
      }
      return null;
    });
    return new SchemaGenerator(b.build());
  }

  /**
   * The order of {@code @JsonPropertyOrder} where the type has one (the names it lists first, in
   * its order; {@code alphabetic} for the rest), else declaration order: not victools'
   * alphabetical default. The sort is stable, so 0 keeps the declaration's order.
   */
  private static int byJacksonOrder(MemberScope<?, ?> x, MemberScope<?, ?> y) {
    JsonPropertyOrder order =
        x.getDeclaringType().getErasedType().getAnnotation(JsonPropertyOrder.class);
    if (order == null) {
      return 0;
    }
    List<String> listed = List.of(order.value());
    String a = x.getSchemaPropertyName();
    String b = y.getSchemaPropertyName();
    int byList = Integer.compare(rank(listed, a), rank(listed, b));
    if (byList != 0 || !order.alphabetic() || listed.contains(a)) {
      return byList;
    }
    return a.compareTo(b);
  }

  private static int rank(List<String> listed, String name) {
    int i = listed.indexOf(name);
    return i < 0 ? listed.size() : i;
  }

  private static void refuseUnsupported(ResolvedType javaType) {
    Class<?> raw = javaType.getErasedType();
    if (Map.class.isAssignableFrom(raw)) {
      throw new Unsupported(javaType.getBriefDescription() + " is a map, which strict JSON Schema"
          + " cannot express (every property must be named in advance); use a list of"
          + " key/value records");
    }
    if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
      throw new Unsupported(javaType.getBriefDescription() + " has no JSON type that strict"
          + " JSON Schema can express; use a record, a list or a scalar");
    }
  }

  /** Whether a field's property may be null: see the class documentation. */
  static boolean nullable(FieldScope field) {
    if (field.isFakeContainerItemScope()) {
      return false; // the items of a list are never null
    }
    Field raw = field.getRawMember();
    if (raw.getType() == Optional.class) {
      return true;
    }
    if (marksNullable(raw) || marksNullable(raw.getAnnotatedType())) {
      return true;
    }
    MethodScope getter = field.findGetter();
    if (getter != null) {
      Method m = getter.getRawMember();
      return marksNullable(m) || marksNullable(m.getAnnotatedReturnType());
    }
    return false;
  }

  private static boolean marksNullable(AnnotatedElement element) {
    for (Annotation a : element.getAnnotations()) {
      String name = a.annotationType().getSimpleName();
      if (name.equals("Nullable") || name.equals("CheckForNull")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Puts {@code schema} (at {@code path}) in strict form, in place: all properties required, no
   * others allowed, no keyword or format that a vendor refuses.
   */
  private static void strict(ObjectNode schema, String path, boolean root) {
    for (Iterator<String> it = schema.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEPT.contains(key) || key.equals("$defs") && !root) {
        it.remove();
      }
    }
    if (schema.has("$ref")) {
      // OpenAI refuses keywords beside a reference ("$ref cannot have keywords"): the
      // referenced type says what it is (its @JsonClassDescription included).
      schema.retain("$ref");
      return;
    }
    JsonNode format = schema.get("format");
    if (format != null && !FORMATS.contains(format.asText())) {
      schema.remove("format");
    }
    if (!schema.has("type") && !schema.has("$ref") && !schema.has("anyOf")
        && !schema.has("enum") && !schema.has("const")) {
      throw new IllegalArgumentException(path + " has no JSON type that strict JSON Schema can"
          + " express");
    }
    JsonNode properties = schema.get("properties");
    if (properties instanceof ObjectNode props) {
      List<String> names = new ArrayList<>();
      props.fieldNames().forEachRemaining(names::add);
      ArrayNode required = schema.putArray("required");
      for (String name : names) {
        required.add(name);
        strict((ObjectNode) props.get(name), path + "." + name, false);
      }
      schema.put("additionalProperties", false);
    } else if (isObjectType(schema)) {
      throw new IllegalArgumentException(path + " is an object without properties, which strict"
          + " JSON Schema cannot express");
    }
    if (schema.get("items") instanceof ObjectNode items) {
      strict(items, path + "[]", false);
    }
    if (schema.get("anyOf") instanceof ArrayNode anyOf) {
      for (JsonNode branch : anyOf) {
        strict((ObjectNode) branch, path, false);
      }
      // The value first, null last: it reads as "X, or null".
      if (anyOf.size() > 1 && "null".equals(anyOf.get(0).path("type").asText(null))) {
        anyOf.add(anyOf.remove(0));
      }
    }
    if (root && schema.get("$defs") instanceof ObjectNode defs) {
      defs.fields().forEachRemaining(e ->
          strict((ObjectNode) e.getValue(), "$defs." + e.getKey(), false));
    }
    reorder(schema);
  }

  /** The order the keywords are written in, so that a schema reads from the top. */
  private static final List<String> ORDER = List.of("type", "description", "format", "enum",
      "const", "anyOf", "items", "properties", "required", "additionalProperties", "$defs");

  private static void reorder(ObjectNode schema) {
    for (String key : ORDER) {
      JsonNode value = schema.remove(key);
      if (value != null) {
        schema.set(key, value);
      }
    }
  }

  private static boolean isObjectType(ObjectNode schema) {
    JsonNode type = schema.get("type");
    if (type == null) {
      return false;
    }
    if (type.isTextual()) {
      return type.asText().equals("object");
    }
    for (JsonNode t : type) {
      if (t.asText().equals("object")) {
        return true;
      }
    }
    return false;
  }

  /** A type the generator met that strict JSON Schema cannot express. */
  private static final class Unsupported extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }
}
