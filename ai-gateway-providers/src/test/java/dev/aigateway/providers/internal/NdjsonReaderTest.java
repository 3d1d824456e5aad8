package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import okhttp3.MediaType;
import okio.Buffer;
import okio.BufferedSource;
import org.junit.jupiter.api.Test;

/**
 * Newline-delimited JSON framing; every case is read whole, split into two reads at every byte
 * boundary, and one byte per read (as SseReaderTest does), and must give the same lines.
 */
class NdjsonReaderTest {
  private static final long LIMIT = 64;

  private static List<String> read(BufferedSource source, long limit) throws IOException {
    Framing.FrameReader reader = Framing.NDJSON.open(source, "vendor", limit);
    List<String> lines = new ArrayList<>();
    while (reader.next()) {
      assertThat(reader.type()).isNull();
      lines.add(reader.data().text());
    }
    assertThat(reader.endedInFrame()).isFalse();
    return lines;
  }

  private static void assertLines(String body, String... expected) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    for (Function<byte[], BufferedSource> way : SseReaderTest.ways(bytes)) {
      assertThat(read(way.apply(bytes), LIMIT)).as(body).containsExactly(expected);
    }
  }

  @Test
  void oneValuePerLineWithLfOrCrLfBlankLinesSkippedAndALastLineWithoutItsLf()
      throws IOException {
    assertLines("{\"a\":1}\n{\"b\":\"é😀\"}\r\n\n  \r\n{\"c\":[]}",
        "{\"a\":1}", "{\"b\":\"é😀\"}", "{\"c\":[]}");
    assertLines("{\"a\":1}\n\n", "{\"a\":1}");
    assertLines("");
    assertLines("\n\r\n");
  }

  @Test
  void aLineOverTheLimitFailsBeforeItIsReadWhole() {
    byte[] body = ("{\"a\":\"" + "x".repeat(100) + "\"}\n").getBytes(StandardCharsets.UTF_8);
    for (Function<byte[], BufferedSource> way : SseReaderTest.ways(body)) {
      assertThat(catchThrowable(() -> read(way.apply(body), LIMIT)))
          .isInstanceOf(ProviderException.class)
          .satisfies(e -> assertThat(((ProviderException) e).errorCode())
              .isEqualTo("response_too_large"));
    }
    byte[] unterminated = ("{\"a\":\"" + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
    assertThat(catchThrowable(() -> read(new Buffer().write(unterminated), LIMIT)))
        .isInstanceOf(ProviderException.class);
  }

  @Test
  void aLineThatIsNotUtf8IsMalformed() {
    byte[] body = "{\"a\":\"?\"}\n".getBytes(StandardCharsets.UTF_8);
    body[6] = (byte) 0xC0; // an overlong lead
    for (Function<byte[], BufferedSource> way : SseReaderTest.ways(body)) {
      assertThat(catchThrowable(() -> read(way.apply(body), LIMIT)))
          .isInstanceOf(MalformedResponseException.class).hasMessageContaining("offset 6");
    }
  }

  @Test
  void aLineCutShortIsHandedOnAndFailsAsJson() throws IOException {
    Framing.FrameReader reader = Framing.NDJSON.open(new Buffer().writeUtf8("{\"a\":1}\n{\"b\":"),
        "vendor", LIMIT);
    JsonEvents json = new JsonEvents();
    assertThat(reader.next()).isTrue();
    json.begin(reader.data());
    json.end();
    assertThat(reader.next()).isTrue();
    assertThat(catchThrowable(() -> {
      json.begin(reader.data());
      json.end();
    })).isInstanceOf(IOException.class);
    assertThat(reader.next()).isFalse();
  }

  @Test
  void acceptsTheNdjsonAndJsonLinesTypes() {
    assertThat(Framing.NDJSON.accepts(MediaType.get("application/x-ndjson"))).isTrue();
    assertThat(Framing.NDJSON.accepts(MediaType.get("application/jsonl; charset=utf-8"))).isTrue();
    assertThat(Framing.NDJSON.accepts(MediaType.get("application/json"))).isFalse();
    assertThat(Framing.NDJSON.accepts(MediaType.get("text/event-stream"))).isFalse();
    assertThat(Framing.NDJSON.accept()).isEqualTo("application/x-ndjson");
  }
}
