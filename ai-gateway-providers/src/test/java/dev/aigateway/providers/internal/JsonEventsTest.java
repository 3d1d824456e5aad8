package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** One parser per stream, fed event after event where the bytes lie. */
class JsonEventsTest {
  private final JsonEvents json = new JsonEvents();

  /** Reads the object's field "t" (a string), skipping everything else; null when absent. */
  private String t(EventData data) throws IOException {
    JsonParser p = json.begin(data);
    String t = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("t")) {
        t = p.getText();
      } else {
        p.skipChildren();
      }
    }
    json.end();
    return t;
  }

  /** An event's data in the middle of a larger buffer, as a framing hands it on. */
  private static EventData inBuffer(String text) {
    byte[] bytes = ("xx{\"junk" + text + "}}yy").getBytes(StandardCharsets.UTF_8);
    EventData d = new EventData();
    int offset = ("xx{\"junk").length();
    d.set(bytes, offset, text.getBytes(StandardCharsets.UTF_8).length);
    return d;
  }

  @Test
  void readsEventAfterEventFromTheSameParserWhereTheBytesLie() throws IOException {
    for (int i = 0; i < 100; i++) {
      assertThat(t(inBuffer("{\"a\":{\"b\":[1,2,{\"c\":null}]},\"t\":\"é" + i + "\"}")))
          .isEqualTo("é" + i);
      assertThat(t(inBuffer(" {\"t\":\"x\"}\n "))).as("white space around is fine").isEqualTo("x");
    }
  }

  @Test
  void aDecoderThatStopsEarlyStillLeavesTheParserReadyForTheNextEvent() throws IOException {
    JsonParser p = json.begin(EventData.of("{\"a\":{\"b\":[1]},\"c\":2}"));
    assertThat(p.nextToken()).isEqualTo(JsonToken.FIELD_NAME); // reads only "a", then stops
    json.end();
    assertThat(t(EventData.of("{\"t\":\"next\"}"))).isEqualTo("next");
  }

  @Test
  void anObjectCutShortFailsBeforeTheDecoderCanActOnIt() throws IOException {
    assertThatThrownBy(() -> {
      JsonParser p = json.begin(EventData.of("{\"t\":\"x\",\"choices\":[{\"d\":"));
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        p.nextToken();
        p.skipChildren();
      }
      json.end();
    }).isInstanceOf(IOException.class).hasMessageContaining("end-of-input");
    assertThat(t(EventData.of("{\"t\":\"after\"}"))).as("a new parser after a failure")
        .isEqualTo("after");
  }

  @Test
  void anObjectCutShortBetweenFieldsFails() {
    assertThatThrownBy(() -> t(EventData.of("{\"t\":\"x\","))).isInstanceOf(IOException.class);
    assertThatThrownBy(() -> t(EventData.of("{\"t\":\"x\""))).isInstanceOf(IOException.class);
  }

  @Test
  void anEventLargerThanTheParsersBufferIsReadWhole() throws IOException {
    String big = "y".repeat(100_000);
    assertThat(t(EventData.of("{\"pad\":\"" + big + "\",\"t\":\"" + big + "\"}  "))).isEqualTo(big);
    assertThatThrownBy(() -> t(EventData.of("{\"t\":\"x\"}" + " ".repeat(20_000) + "1")))
        .isInstanceOf(IOException.class).hasMessageContaining("more than one JSON value");
    assertThat(t(EventData.of("{\"t\":\"z\"}"))).isEqualTo("z");
  }

  @Test
  void aSecondValueAfterTheObjectFails() throws IOException {
    assertThatThrownBy(() -> t(EventData.of("{\"t\":\"x\"}{\"t\":\"y\"}")))
        .isInstanceOf(IOException.class).hasMessageContaining("more than one JSON value");
    assertThatThrownBy(() -> t(EventData.of("{\"t\":\"x\"} 1")))
        .isInstanceOf(IOException.class);
    assertThat(t(EventData.of("{\"t\":\"ok\"}"))).isEqualTo("ok");
  }

  @Test
  void dataThatIsNotAnObjectFails() {
    assertThatThrownBy(() -> t(EventData.of("[1]"))).isInstanceOf(IOException.class)
        .hasMessageContaining("not a JSON object");
    assertThatThrownBy(() -> t(EventData.of("   "))).isInstanceOf(IOException.class)
        .hasMessageContaining("no JSON value");
    assertThatThrownBy(() -> t(EventData.of("{\"t\":x}"))).isInstanceOf(IOException.class);
  }

  @Test
  void endWithoutBeginIsAProgrammingError() {
    assertThatThrownBy(json::end).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void sameTextReusesARepeatedStringAndReadsADifferentOne() throws IOException {
    String first = null;
    for (String value : new String[] {"chatcmpl-1", "chatcmpl-1", "chatcmpl-2"}) {
      JsonParser p = json.begin(EventData.of("{\"id\":\"" + value + "\"}"));
      p.nextToken();
      String id = Json.sameText(p, p.nextToken(), first);
      json.end();
      if (first != null && value.equals(first)) {
        assertThat(id).isSameAs(first);
      }
      assertThat(id).isEqualTo(value);
      first = id;
    }
  }

  @Test
  void eventDataKnowsItsBytesAndMakesItsTextOnce() {
    EventData d = inBuffer(" [DONE]\n");
    assertThat(d.is("[DONE]")).isTrue();
    assertThat(d.is("[DONE")).isFalse();
    assertThat(d.text()).isEqualTo(" [DONE]\n").isSameAs(d.text());
    assertThat(d.toString()).doesNotContain("DONE");
  }
}
