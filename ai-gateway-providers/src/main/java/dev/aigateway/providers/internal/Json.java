package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.ChatRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The one Jackson setup the adapters share, and null-tolerant accessors for JSON trees. */
public final class Json {
  /**
   * Shared and thread safe once configured; never reconfigure it. Jackson's own cap on the length
   * of one string (20 million characters) is lifted: a provider's {@code maxResponseSize} bounds
   * every body it parses, and a legitimate reply may inline an image larger than that as base64.
   */
  public static final ObjectMapper MAPPER = new ObjectMapper(JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxStringLength(Integer.MAX_VALUE).build())
      .build());

  private Json() {}

  /** Parses JSON text into a tree. */
  public static JsonNode parse(String json) throws JsonProcessingException {
    return MAPPER.readTree(json);
  }

  /** Parses JSON bytes into a tree. */
  public static JsonNode parse(byte[] json) throws IOException {
    return MAPPER.readTree(json);
  }

  /**
   * The text of the value the parser stands on ({@code token}), reusing {@code previous} when it
   * has the same characters, so that a value every stream event repeats (an id, a model) costs no
   * new string; null for JSON null, and for an object or an array, which is skipped.
   */
  public static @Nullable String sameText(JsonParser p, JsonToken token, @Nullable String previous)
      throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    if (previous != null && token == JsonToken.VALUE_STRING && textIs(p, previous)) {
      return previous;
    }
    return p.getText();
  }

  /**
   * {@code known} when it is a non-empty string, skipping the value the parser stands on
   * ({@code token}) undecoded; otherwise the value's text as {@link #sameText} reads it. For a
   * value every stream event repeats (an id, a model), of which the first non-empty one counts.
   */
  public static @Nullable String firstText(JsonParser p, JsonToken token, @Nullable String known)
      throws IOException {
    if (known != null && !known.isEmpty()) {
      p.skipChildren();
      return known;
    }
    return sameText(p, token, known);
  }

  /**
   * Whether the string value the parser stands on is {@code s}, compared where the parser holds
   * its characters, so that no string is made for it.
   */
  public static boolean textIs(JsonParser p, String s) throws IOException {
    int n = p.getTextLength();
    if (n != s.length()) {
      return false;
    }
    char[] chars = p.getTextCharacters();
    int at = p.getTextOffset();
    for (int i = 0; i < n; i++) {
      if (chars[at + i] != s.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The value the parser stands on ({@code token}) when it is an int of 0 or more (an index); -1
   * for anything else (a negative or too large number, another type, which is skipped).
   */
  public static int index(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      int i = p.getIntValue();
      return i >= 0 ? i : -1;
    }
    p.skipChildren();
    return -1;
  }

  /**
   * The number the parser stands on ({@code token}) as an int, narrowed as
   * {@link Number#intValue} does (a tree's {@code intValue}); 0 for any other value, which is
   * skipped. The streaming counterpart of {@link #integer(JsonNode, String)}.
   */
  public static int intValue(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
      return p.getIntValue();
    }
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getNumberValue().intValue();
    }
    p.skipChildren();
    return 0;
  }

  /**
   * The value the parser stands on ({@code token}) as text: a string's, number's or boolean's
   * text; an object or an array as its compact JSON, copied exactly as it came (numbers keep their
   * digits); null for JSON null. The streaming counterpart of {@link #text(JsonNode, String)}.
   */
  public static @Nullable String valueText(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    if (token != JsonToken.START_OBJECT && token != JsonToken.START_ARRAY) {
      return p.getText();
    }
    java.io.StringWriter out = new java.io.StringWriter();
    try (JsonGenerator g = MAPPER.getFactory().createGenerator(out)) {
      g.copyCurrentStructureExact(p);
    }
    return out.toString();
  }

  /** A generator that can write POJOs and trees, writing to {@code out}. */
  public static JsonGenerator generator(OutputStream out) throws IOException {
    return MAPPER.createGenerator(out);
  }

  /** Writes one top-level field (its name and value) of a request body, or nothing. */
  @FunctionalInterface
  public interface FieldWriter {
    /** Writes the field into the open object. */
    void write(JsonGenerator g) throws IOException;
  }

  /** Writes an adapter's own fields of a request body, each through {@link Body#field}. */
  @FunctionalInterface
  public interface BodyWriter {
    /** Writes the adapter's fields. */
    void write(Body body) throws IOException;
  }

  /**
   * The body object being written. {@link #field} is the one place where a field of
   * {@link ChatRequest#extra()} replaces the adapter's field of the same name: the adapter's
   * writer for it is not called at all, so nothing it would check or compute for that field
   * runs either.
   */
  public static final class Body {
    private final JsonGenerator g;
    private final Map<String, @Nullable Object> extra;

    Body(JsonGenerator g, Map<String, @Nullable Object> extra) {
      this.g = g;
      this.extra = extra;
    }

    /**
     * Writes the field {@code name} with {@code writer}, unless {@code extra} has a field of that
     * name. The writer writes that field (or nothing), never another.
     *
     * @throws IllegalStateException when the writer wrote a field of another name
     */
    public void field(String name, FieldWriter writer) throws IOException {
      if (extra.containsKey(name)) {
        return;
      }
      String before = g.getOutputContext().getCurrentName();
      writer.write(g);
      String after = g.getOutputContext().getCurrentName();
      if (after != null && !after.equals(before) && !after.equals(name)) {
        throw new IllegalStateException("the writer of '" + name + "' wrote '" + after + "'");
      }
    }
  }

  /**
   * A request body: one JSON object with the adapter's fields, each written through
   * {@link Body#field} (which leaves out those {@code extra} replaces), then every {@code extra}
   * field as it is.
   */
  public static byte[] requestBody(Map<String, @Nullable Object> extra, BodyWriter fields) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = generator(out)) {
      g.writeStartObject();
      fields.write(new Body(g, extra));
      for (Map.Entry<String, @Nullable Object> e : extra.entrySet()) {
        g.writeFieldName(e.getKey());
        g.writeObject(e.getValue());
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // writing to memory does not fail
    }
    return out.toByteArray();
  }

  /** The first 200 characters of {@code s}, for an error message about a bad payload. */
  public static String excerpt(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  /** The text of {@code node.field}, or null when it is missing or JSON null. */
  public static @Nullable String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    return value.isValueNode() ? value.asText() : value.toString();
  }

  /** The int value of {@code node.field}, or 0 when it is missing, null or not a number. */
  public static int integer(@Nullable JsonNode node, String field) {
    if (node == null) {
      return 0;
    }
    JsonNode value = node.get(field);
    return value != null && value.isNumber() ? value.intValue() : 0;
  }

  /** Whether {@code node.field} is present and not JSON null. */
  public static boolean has(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && !value.isNull();
  }

  /** Parses {@code json}, which must be a JSON object, for writing into a request body. */
  public static JsonNode parseObject(String json, String what) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          what + " is not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(what + " must be a JSON object");
    }
    return node;
  }
}
