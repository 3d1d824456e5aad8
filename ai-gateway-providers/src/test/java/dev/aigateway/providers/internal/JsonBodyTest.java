package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** {@link Json#requestBody}: the one place where {@code extra} replaces an adapter's field. */
class JsonBodyTest {

  private static String body(Map<String, Object> extra, AtomicInteger calls) {
    return new String(Json.requestBody(extra, b -> {
      b.field("model", g -> g.writeStringField("model", "m"));
      b.field("temperature", g -> {
        calls.incrementAndGet();
        g.writeNumberField("temperature", 0.5);
      });
      b.field("stop", g -> { }); // a writer may write nothing
    }), StandardCharsets.UTF_8);
  }

  @Test
  void anExtraFieldReplacesTheAdaptersAndItsWriterIsNotCalled() {
    AtomicInteger calls = new AtomicInteger();
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("temperature", 1);
    extra.put("metadata", Map.of("run", 42));
    assertThat(body(extra, calls))
        .isEqualTo("{\"model\":\"m\",\"temperature\":1,\"metadata\":{\"run\":42}}");
    assertThat(calls).as("what the adapter would check or compute for it does not run")
        .hasValue(0);
  }

  @Test
  void withoutExtraEveryWriterRunsOnce() {
    AtomicInteger calls = new AtomicInteger();
    assertThat(body(Map.of(), calls)).isEqualTo("{\"model\":\"m\",\"temperature\":0.5}");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aWriterThatWritesAnotherFieldIsAProgrammingError() {
    assertThatThrownBy(() -> Json.requestBody(Map.of("x", List.of()),
        b -> b.field("tools", g -> g.writeStringField("tool_choice", "auto"))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("the writer of 'tools' wrote 'tool_choice'");
  }
}
