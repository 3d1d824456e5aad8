package dev.aigateway.bedrock;

import static dev.aigateway.bedrock.EventStreams.concat;
import static dev.aigateway.bedrock.EventStreams.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.providers.internal.Framing;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import okhttp3.MediaType;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

class EventStreamFramingTest {
  private static final long LIMIT = 1 << 20;

  private record Outcome(List<String> frames, boolean endedInFrame) {}

  private static Outcome readAll(BufferedSource source, long limit) throws IOException {
    Framing.FrameReader reader = EventStreamFraming.INSTANCE.open(source, "bedrock", limit);
    List<String> frames = new ArrayList<>();
    while (reader.next()) {
      frames.add(reader.type() + "|" + reader.data().text());
    }
    return new Outcome(frames, reader.endedInFrame());
  }

  private static Outcome readAll(byte[] body) throws IOException {
    return readAll(new Buffer().write(body), LIMIT);
  }

  @Test
  void readsEventsExceptionsAndErrorsWithTheirTypes() throws IOException {
    byte[] body = concat(event("messageStart", "{\"role\":\"assistant\"}"),
        EventStreams.exception("throttlingException", "slow down"),
        EventStreams.error("InternalFailure", "it broke"));
    Outcome o = readAll(body);
    assertThat(o.frames()).containsExactly(
        "messageStart|{\"role\":\"assistant\"}",
        "exception:throttlingException|{\"message\":\"slow down\"}",
        "error:InternalFailure|it broke");
    assertThat(o.endedInFrame()).isFalse();
  }

  @Test
  void anEmptyBodyHasNoFramesAndDidNotEndInOne() throws IOException {
    Outcome o = readAll(new byte[0]);
    assertThat(o.frames()).isEmpty();
    assertThat(o.endedInFrame()).isFalse();
  }

  @Test
  void splitAtEveryByteBoundaryYieldsTheSameFrames() throws IOException {
    for (byte[] body : List.of(EventStreams.textStream(), EventStreams.toolStream())) {
      List<String> whole = readAll(body).frames();
      assertThat(whole).hasSize(body == null ? 0 : whole.size()).isNotEmpty();
      for (int cut = 1; cut < body.length; cut++) {
        Outcome split = readAll(Okio.buffer(new Reads(body, cut)), LIMIT);
        assertThat(split.frames()).as("cut at %d of %d", cut, body.length).isEqualTo(whole);
        assertThat(split.endedInFrame()).as("cut at %d", cut).isFalse();
      }
      Outcome bytewise = readAll(Okio.buffer(new Reads(body, 1, 1)), LIMIT);
      assertThat(bytewise.frames()).as("one byte per read").isEqualTo(whole);
    }
  }

  @Test
  void aBodyEndingAtEveryByteYieldsTheWholeFramesBeforeItAndSaysWhetherItEndedInOne()
      throws IOException {
    byte[] body = EventStreams.textStream();
    List<String> whole = readAll(body).frames();
    List<Integer> boundaries = new ArrayList<>();
    int at = 0;
    boundaries.add(0);
    for (int i = 0; i < whole.size(); i++) {
      at += (int) new Buffer().write(body, at, 4).readInt();
      boundaries.add(at);
    }
    for (int cut = 0; cut < body.length; cut++) {
      Outcome o = readAll(new Buffer().write(body, 0, cut), LIMIT);
      int complete = 0;
      while (complete + 1 < boundaries.size() && boundaries.get(complete + 1) <= cut) {
        complete++;
      }
      assertThat(o.frames()).as("cut at %d", cut).isEqualTo(whole.subList(0, complete));
      assertThat(o.endedInFrame()).as("cut at %d", cut).isEqualTo(!boundaries.contains(cut));
    }
  }

  @Test
  void aCorruptedByteAnywhereIsMalformedNeverAWaitOrAnotherFrame() {
    byte[] frame = event("contentBlockDelta",
        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"}}");
    for (int i = 0; i < frame.length; i++) {
      byte[] bad = frame.clone();
      bad[i] ^= 0x01;
      // Trailing bytes, so that a corrupted length cannot pass for a body cut short.
      byte[] body = concat(bad, new byte[64]);
      Throwable t = catchThrowable(() -> readAll(body));
      assertThat(t).as("byte %d flipped", i).isInstanceOf(MalformedResponseException.class);
      assertThat(((MalformedResponseException) t).provider()).isEqualTo("bedrock");
    }
  }

  @Test
  void aPayloadThatIsNotUtf8IsMalformed() {
    byte[] body = EventStreams.encode(java.util.Map.of(":message-type",
        software.amazon.eventstream.HeaderValue.fromString("event"), ":event-type",
        software.amazon.eventstream.HeaderValue.fromString("messageStart")),
        new byte[] {'{', (byte) 0xC3, '}'});
    assertThat(catchThrowable(() -> readAll(body)))
        .isInstanceOf(MalformedResponseException.class).hasMessageContaining("UTF-8");
  }

  @Test
  void aFrameOverTheLimitFailsBeforeItIsRead() {
    byte[] frame = event("contentBlockDelta",
        "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"" + "x".repeat(500) + "\"}}");
    // Only the prelude is there: the limit is checked before the rest is waited for.
    Throwable t = catchThrowable(() -> readAll(new Buffer().write(frame, 0, 12), 100));
    assertThat(t).isInstanceOf(ProviderException.class);
    assertThat(((ProviderException) t).errorCode()).isEqualTo("response_too_large");
    assertThat(((ProviderException) t).retryable()).isFalse();
  }

  @Test
  void agreesWithAwsLibraryOnMessagesWithEveryHeaderType() throws IOException {
    // Messages encoded by AWS's library, with headers of every value type in every order (but
    // byte and short: eventstream 1.0.1 writes those without their value, and cannot decode
    // them; byteAndShortHeadersAreSkippedByTheirSize covers them by hand),
    // before and after the ones the reader uses; the reader must find the same type and payload
    // the library decodes.
    java.util.Random random = new java.util.Random(13);
    List<byte[]> messages = new ArrayList<>();
    List<String> expected = new ArrayList<>();
    for (int m = 0; m < 200; m++) {
      List<java.util.Map.Entry<String, HeaderValue>> headers = new ArrayList<>(List.of(
          java.util.Map.entry("flag", HeaderValue.fromBoolean(random.nextBoolean())),
          java.util.Map.entry("i", HeaderValue.fromInteger(random.nextInt())),
          java.util.Map.entry("l", HeaderValue.fromLong(random.nextLong())),
          java.util.Map.entry("bytes", HeaderValue.fromByteArray(new byte[1 + random.nextInt(40)])),
          java.util.Map.entry("t", HeaderValue.fromTimestamp(java.time.Instant.ofEpochMilli(
              random.nextInt()))),
          java.util.Map.entry("u", HeaderValue.fromUuid(new java.util.UUID(random.nextLong(),
              random.nextLong()))),
          java.util.Map.entry(":event-type", HeaderValue.fromString("ev" + random.nextInt(12))),
          java.util.Map.entry(":message-type", HeaderValue.fromString("event")),
          java.util.Map.entry(":content-type", HeaderValue.fromString("application/json"))));
      java.util.Collections.shuffle(headers, random);
      java.util.Map<String, HeaderValue> map = new java.util.LinkedHashMap<>();
      headers.forEach(e -> map.put(e.getKey(), e.getValue()));
      byte[] payload = ("{\"n\":" + m + ",\"s\":\"é€😀" + "x".repeat(random.nextInt(300))
          + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      byte[] encoded = EventStreams.encode(map, payload);
      Message decoded = Message.decode(java.nio.ByteBuffer.wrap(encoded));
      messages.add(encoded);
      expected.add(decoded.getHeaders().get(":event-type").getString() + "|"
          + new String(decoded.getPayload(), java.nio.charset.StandardCharsets.UTF_8));
    }
    assertThat(readAll(concat(messages.toArray(new byte[0][]))).frames())
        .containsExactlyElementsOf(expected);
  }

  @Test
  void byteAndShortHeadersAreSkippedByTheirSize() throws IOException {
    java.io.ByteArrayOutputStream headers = new java.io.ByteArrayOutputStream();
    headers.writeBytes(new byte[] {1, 'b', 2, 0x7F}); // a byte header: one byte of value
    headers.writeBytes(new byte[] {1, 's', 3, 0x01, 0x02}); // a short header: two bytes
    byte[] name = ":event-type".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    headers.write(name.length);
    headers.writeBytes(name);
    headers.writeBytes(new byte[] {7, 0, 3, 'a', 'b', 'c'});
    byte[] h = headers.toByteArray();
    byte[] payload = "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int total = 16 + h.length + payload.length;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(total);
    b.putInt(total).putInt(h.length);
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b.array(), 0, 8);
    b.putInt((int) crc.getValue()).put(h).put(payload);
    crc.reset();
    crc.update(b.array(), 0, total - 4);
    b.putInt((int) crc.getValue());
    assertThat(readAll(b.array()).frames()).containsExactly("abc|{}");
  }

  @Test
  void headersThatDoNotAddUpAreMalformed() {
    // One string header whose length claims more than the headers hold; the CRCs are right.
    java.util.Map<String, HeaderValue> h = new java.util.LinkedHashMap<>();
    h.put(":event-type", HeaderValue.fromString("messageStart"));
    byte[] good = EventStreams.encode(h, "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    byte[] bad = good.clone();
    int valueLength = 12 + 1 + ":event-type".length() + 1; // the string's two-byte length
    bad[valueLength] = (byte) 0x7F;
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(bad, 0, bad.length - 4);
    long v = crc.getValue();
    for (int k = 0; k < 4; k++) {
      bad[bad.length - 4 + k] = (byte) (v >>> (24 - 8 * k));
    }
    assertThat(catchThrowable(() -> readAll(bad)))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("header");
  }

  @Test
  void acceptsOnlyTheEventStreamContentType() {
    assertThat(EventStreamFraming.INSTANCE.accepts(
        MediaType.get("application/vnd.amazon.eventstream"))).isTrue();
    assertThat(EventStreamFraming.INSTANCE.accepts(MediaType.get("application/json"))).isFalse();
    assertThat(EventStreamFraming.INSTANCE.accepts(MediaType.get("text/event-stream"))).isFalse();
    assertThat(EventStreamFraming.INSTANCE.accept())
        .isEqualTo("application/vnd.amazon.eventstream");
  }

  /** Hands out the first {@code cut} bytes, then the rest {@code step} bytes at a time. */
  static final class Reads implements Source {
    private final Buffer first = new Buffer();
    private final Buffer rest = new Buffer();
    private final long step;

    Reads(byte[] body, int cut) {
      this(body, cut, Long.MAX_VALUE);
    }

    Reads(byte[] body, int cut, long step) {
      first.write(body, 0, cut);
      rest.write(body, cut, body.length - cut);
      this.step = step;
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      Buffer from = first.size() > 0 ? first : rest;
      if (from.size() == 0) {
        return -1;
      }
      long n = Math.min(Math.min(byteCount, from.size()), from == first ? Long.MAX_VALUE : step);
      sink.write(from, n);
      return n;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }
}
