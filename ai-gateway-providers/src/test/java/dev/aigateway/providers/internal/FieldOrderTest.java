package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Expecting field names in a learned order reads exactly what reading them one by one reads,
 * whatever order, names, spacing or nesting the objects have; and it never passes malformed JSON.
 */
class FieldOrderTest {
  /** Names that stress the byte compare: escapes, non-ASCII, prefixes of each other, lengths. */
  private static final String[] NAMES = {
      "id", "i", "text", "te", "texts", "model", "choices", "finish_reason", "é", "naïve",
      "a\\\"b", "\\u0041", "system_fingerprint", "candidatesTokenCount", "x".repeat(40), "",
      "promptTokenCount", "\\n"};

  /** Each field as the plain loop reads it: "name=value", one level deep into objects. */
  private static List<String> plain(JsonParser p) throws IOException {
    List<String> seen = new ArrayList<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        seen.add(name + "={");
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String inner = p.currentName();
          p.nextToken();
          seen.add("  " + inner + "=" + valueOf(p));
        }
        seen.add("}");
      } else {
        seen.add(name + "=" + valueOf(p));
      }
    }
    return seen;
  }

  /** The same, through two orders: the outer object's and the inner objects'. */
  private static List<String> ordered(JsonParser p, FieldOrder outer, FieldOrder inner)
      throws IOException {
    List<String> seen = new ArrayList<>();
    outer.start();
    String name;
    while ((name = outer.next(p)) != null) {
      assertThat(p.currentToken()).isEqualTo(JsonToken.FIELD_NAME);
      assertThat(p.currentName()).isEqualTo(name);
      JsonToken v = p.nextToken();
      if (v == JsonToken.START_OBJECT) {
        seen.add(name + "={");
        inner.start();
        String in;
        while ((in = inner.next(p)) != null) {
          p.nextToken();
          seen.add("  " + in + "=" + valueOf(p));
        }
        seen.add("}");
      } else {
        seen.add(name + "=" + valueOf(p));
      }
    }
    assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
    return seen;
  }

  private static String valueOf(JsonParser p) throws IOException {
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_ARRAY) {
      p.skipChildren();
      return "[...]";
    }
    return t + ":" + p.getText();
  }

  /** An object of {@code names} in that order, with random spacing and values. */
  private static String object(List<String> names, Random random, boolean nest) {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        sb.append(space(random)).append(',');
      }
      sb.append(space(random)).append('"').append(names.get(i)).append('"')
          .append(space(random)).append(':').append(space(random));
      switch (random.nextInt(nest ? 5 : 4)) {
        case 0 -> sb.append('"').append("v").append(random.nextInt(1000)).append('"');
        case 1 -> sb.append(random.nextInt(100000));
        case 2 -> sb.append("null");
        case 3 -> sb.append("[1,{\"text\":\"no\"},[]]");
        default -> sb.append(object(shuffledSome(random), random, false));
      }
    }
    return sb.append(space(random)).append('}').toString();
  }

  private static String space(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> " ";
      case 1 -> "\n\t ";
      default -> "";
    };
  }

  /** Some distinct names in a random order. */
  private static List<String> shuffledSome(Random random) {
    List<String> all = new ArrayList<>(List.of(NAMES));
    java.util.Collections.shuffle(all, random);
    return new ArrayList<>(all.subList(0, random.nextInt(all.size() + 1)));
  }

  @Test
  void readsWhatTheFieldByFieldLoopReadsWhateverTheOrder() throws IOException {
    Random random = new Random(13);
    JsonEvents events = new JsonEvents();
    FieldOrder outer = new FieldOrder();
    FieldOrder inner = new FieldOrder();
    List<String> usual = shuffledSome(random);
    int hits = 0;
    for (int i = 0; i < 3000; i++) {
      // Mostly the same order (the shortcut taken), sometimes another one (the shortcut missed).
      List<String> names = random.nextInt(4) == 0 ? shuffledSome(random) : usual;
      if (random.nextInt(8) == 0 && !names.isEmpty()) {
        names = new ArrayList<>(names);
        names.remove(random.nextInt(names.size())); // a field missing from the usual order
      }
      String json = object(names, random, true);
      List<String> expected;
      try (JsonParser p = Json.MAPPER.getFactory().createParser(json)) {
        p.nextToken();
        expected = plain(p);
      }
      JsonParser p = events.begin(EventData.of(json));
      assertThat(ordered(p, outer, inner)).as(json).isEqualTo(expected);
      events.end();
      hits += names == usual ? 1 : 0;
    }
    assertThat(hits).as("the usual order came often enough to be learned").isGreaterThan(1000);
  }

  @Test
  void moreFieldsThanItHoldsAreReadAsUsual() throws IOException {
    StringBuilder sb = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      sb.append(i == 0 ? "" : ",").append("\"f").append(i).append("\":").append(i);
    }
    String json = sb.append('}').toString();
    JsonEvents events = new JsonEvents();
    FieldOrder order = new FieldOrder();
    for (int round = 0; round < 3; round++) {
      JsonParser p = events.begin(EventData.of(json));
      order.start();
      List<String> names = new ArrayList<>();
      String name;
      while ((name = order.next(p)) != null) {
        p.nextToken();
        names.add(name + "=" + p.getIntValue());
      }
      events.end();
      assertThat(names).hasSize(40).startsWith("f0=0").endsWith("f39=39");
    }
  }

  @Test
  void malformedJsonFailsWhereTheExpectedNameWouldHaveMatched() throws IOException {
    FieldOrder order = new FieldOrder();
    JsonEvents events = new JsonEvents();
    read(events, order, "{\"id\":1,\"text\":2}"); // learns id, text
    for (String bad : List.of("{\"id\":1 \"text\":2}", "{\"id\":1,\"text\" 2}",
        "{\"id\":1,,\"text\":2}", "{\"id\":1,\"text\":2,}", "{\"id\":1,\"text\":2")) {
      assertThatThrownBy(() -> read(events, order, bad)).as(bad)
          .isInstanceOf(JsonParseException.class);
    }
    assertThat(read(events, order, "{\"id\":1,\"text\":2}"))
        .as("and the next good event reads").containsExactly("id", "text");
  }

  private static List<String> read(JsonEvents events, FieldOrder order, String json)
      throws IOException {
    JsonParser p = events.begin(EventData.of(json));
    order.start();
    List<String> names = new ArrayList<>();
    String name;
    while ((name = order.next(p)) != null) {
      names.add(name);
      p.nextToken();
      p.skipChildren();
    }
    events.end();
    return names;
  }
}
