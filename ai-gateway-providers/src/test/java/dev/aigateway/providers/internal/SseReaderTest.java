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
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.Test;

/**
 * The SSE framing against the WHATWG event stream rules. Every case is read whole, split into two
 * reads at every byte boundary, and one byte per read, and must give the same events each time.
 */
class SseReaderTest {
  private static final long LIMIT = 1024;

  /** What reading a whole body gave: its events as "type|data", and how it ended. */
  private record Outcome(List<String> events, boolean endedInLine) {}

  private static Outcome read(BufferedSource source, long limit) throws IOException {
    SseReader reader = new SseReader(source, "vendor", limit);
    List<String> events = new ArrayList<>();
    while (reader.next()) {
      events.add(reader.type() + "|" + reader.data().text());
    }
    return new Outcome(events, reader.endedInFrame());
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** The body read in every way the test splits it; each must give {@code expected}. */
  private static void assertEvents(byte[] body, boolean endedInLine, String... expected)
      throws IOException {
    for (Function<byte[], BufferedSource> way : ways(body)) {
      Outcome outcome = read(way.apply(body), LIMIT);
      assertThat(outcome.events()).as(describe(body)).containsExactly(expected);
      assertThat(outcome.endedInLine()).as(describe(body)).isEqualTo(endedInLine);
    }
  }

  private static void assertEvents(String body, String... expected) throws IOException {
    assertEvents(utf8(body), false, expected);
  }

  private static String describe(byte[] body) {
    return new String(body, StandardCharsets.UTF_8).replace("\r", "\\r").replace("\n", "\\n");
  }

  /** The body whole, split into two reads at every byte boundary, and one byte per read. */
  static List<Function<byte[], BufferedSource>> ways(byte[] body) {
    List<Function<byte[], BufferedSource>> ways = new ArrayList<>();
    ways.add(b -> new Buffer().write(b));
    for (int cut = 1; cut < body.length; cut++) {
      int at = cut;
      ways.add(b -> Okio.buffer(new Reads(b, at)));
    }
    ways.add(b -> Okio.buffer(new Reads(b, 1, 1)));
    return ways;
  }

  // ---------------------------------------------------------------- line ends

  @Test
  void lineEndsAndMultiByteCharactersAreFoundAtEveryPositionOfAnEightByteWord()
      throws IOException {
    // The reader scans eight bytes at a time; put each kind of byte it must stop for at every
    // offset within a word and at every distance from the buffer's start.
    for (int lead = 0; lead < 17; lead++) {
      String pad = "x".repeat(lead);
      for (String end : new String[] {"\n", "\r", "\r\n"}) {
        assertEvents("data: " + pad + "é\t€😀" + pad + end + end + "data:" + pad + end + end,
            "null|" + pad + "é\t€😀" + pad, "null|" + pad);
      }
      byte[] bad = utf8("data: " + pad + "?" + pad + "\n\n");
      bad[6 + lead] = (byte) 0x80; // a stray continuation byte among ASCII
      for (Function<byte[], BufferedSource> way : ways(bad)) {
        assertThat(catchThrowable(() -> read(way.apply(bad), LIMIT)))
            .as(describe(bad)).isInstanceOf(MalformedResponseException.class);
      }
    }
  }

  @Test
  void linesEndWithLfCrlfOrALoneCr() throws IOException {
    assertEvents("data: a\n\n", "null|a");
    assertEvents("data: a\r\n\r\n", "null|a");
    assertEvents("data: a\r\r", "null|a");
    assertEvents("data: a\r\ndata: b\rdata: c\n\r\n", "null|a\nb\nc");
  }

  @Test
  void aCrlfCountsOnceEvenWhenSplitAcrossReads() throws IOException {
    // Were the LF after a CR a line of its own, this would be two events, "a" and "b".
    assertEvents("data: a\r\ndata: b\r\n\r\n", "null|a\nb");
    assertEvents("data: a\r\n\r\ndata: b\r\n\r\n", "null|a", "null|b");
  }

  // ---------------------------------------------------------------- fields

  @Test
  void commentLinesAreIgnored() throws IOException {
    assertEvents(": keep-alive\ndata: a\n: another\n\n", "null|a");
    assertEvents(":\n\n: only comments\n\n");
  }

  @Test
  void eventNamesTheEventAndResetsAfterIt() throws IOException {
    assertEvents("event: ping\ndata: {}\n\n", "ping|{}");
    assertEvents("event: x\ndata: 1\n\ndata: 2\n\n", "x|1", "null|2");
    assertEvents("event: x\nevent: y\ndata: 1\n\n", "y|1");
    assertEvents("event:\ndata: 1\n\n", "null|1");
    assertEvents("event: x\n\ndata: 1\n\n", "null|1"); // an event without data drops its name
  }

  @Test
  void dataLinesAreJoinedWithLf() throws IOException {
    assertEvents("data: a\ndata:\ndata: b\n\n", "null|a\n\nb");
    assertEvents("data: {\"a\":\ndata: 1}\n\n", "null|{\"a\":\n1}");
  }

  @Test
  void idRetryAndUnknownFieldsChangeNothing() throws IOException {
    assertEvents("id: 7\nretry: 1000\nfoo: bar\ndata: a\n\n", "null|a");
    assertEvents("id\nretry\nfoo\n\n");
    assertEvents("Data: a\n\n"); // field names are case-sensitive
  }

  @Test
  void aFieldWithoutAColonHasAnEmptyValue() throws IOException {
    assertEvents("data\n\n", "null|");
    assertEvents("event\ndata: x\n\n", "null|x");
  }

  @Test
  void oneLeadingSpaceIsDroppedFromTheValueAndNothingElse() throws IOException {
    assertEvents("data:a\n\n", "null|a");
    assertEvents("data:  a\n\n", "null| a");
    assertEvents("data: a \n\n", "null|a ");
    assertEvents("data: a:b: c\n\n", "null|a:b: c");
  }

  @Test
  void aByteOrderMarkIsSkippedOnlyAtTheVeryStart() throws IOException {
    assertEvents("\uFEFFdata: a\n\n", "null|a");
    // Later, it is part of a field name, which is then unknown.
    assertEvents("data: a\n\n\uFEFFdata: b\n\n", "null|a");
  }

  @Test
  void blankLinesWithoutDataDispatchNothing() throws IOException {
    assertEvents("\n\n\r\n\rdata: a\n\n\n\n", "null|a");
    assertEvents("");
  }

  @Test
  void anUnfinishedEventAtTheEndIsDiscarded() throws IOException {
    assertEvents(utf8("data: a\n\ndata: b\n"), false, "null|a");
    assertEvents(utf8("data: a\n\ndata: b"), true, "null|a");
    assertEvents(utf8("data: a\n\nevent: x\ndata: b\r"), false, "null|a");
  }

  @Test
  void multiByteCharactersArriveIntactWhereverTheReadsSplitThem() throws IOException {
    assertEvents("event: évènement\ndata: Grüße, 世界 🌍\n\n", "évènement|Grüße, 世界 🌍");
  }

  // ---------------------------------------------------------------- demand

  @Test
  void nextReadsNoFurtherThanTheEventItReturns() throws IOException {
    // The second read would fail: a reader that looked past its event would hit it.
    SseReader reader = new SseReader(Okio.buffer(new Reads(utf8("data: a\r\r"), 1 << 20, 0)),
        "vendor", LIMIT);
    assertThat(reader.next()).isTrue();
    assertThat(reader.data().text()).as("a lone CR ends the event without waiting for an LF")
        .isEqualTo("a");
    reader = new SseReader(Okio.buffer(new Reads(utf8("data: a\n\n"), 1 << 20, 0)), "vendor",
        LIMIT);
    assertThat(reader.next()).isTrue();
    assertThat(reader.data().text()).isEqualTo("a");
  }

  // ---------------------------------------------------------------- strict UTF-8

  private static byte[] bytes(String before, int[] bad, String after) {
    Buffer b = new Buffer().writeUtf8(before);
    for (int x : bad) {
      b.writeByte(x);
    }
    return b.writeUtf8(after).readByteArray();
  }

  private static void assertNotUtf8(byte[] body, String what) {
    for (Function<byte[], BufferedSource> way : ways(body)) {
      Throwable t = catchThrowable(() -> read(way.apply(body), LIMIT));
      assertThat(t).as("%s: %s", what, describe(body))
          .isExactlyInstanceOf(MalformedResponseException.class)
          .hasMessageContaining("not valid UTF-8");
      assertThat(((ProviderException) t).provider()).isEqualTo("vendor");
    }
  }

  @Test
  void bytesThatAreNotWellFormedUtf8AreMalformed() {
    int[][] bad = {
        {0x80}, // a lone continuation byte
        {0xBF},
        {0xC3, 'x'}, // a lead byte without its continuation
        {0xC0, 0xAF}, // overlong forms
        {0xC1, 0xBF},
        {0xE0, 0x80, 0xAF},
        {0xF0, 0x80, 0x80, 0xAF},
        {0xED, 0xA0, 0x80}, // surrogates, U+D800 and U+DFFF
        {0xED, 0xBF, 0xBF},
        {0xF4, 0x90, 0x80, 0x80}, // above U+10FFFF
        {0xF5, 0x80, 0x80, 0x80},
        {0xFF}};
    for (int[] b : bad) {
      assertNotUtf8(bytes("data: a", b, "b\n\n"), "in data");
      assertNotUtf8(bytes(": a comment ", b, "\ndata: x\n\n"), "in a comment");
    }
    assertNotUtf8(bytes("data: a", new int[] {0xE2, 0x82}, ""), "cut short by the end");
    assertNotUtf8(bytes("data: a", new int[] {0xE2, 0x82}, "\n\n"), "cut short by a line end");
  }

  @Test
  void theErrorSaysWhereTheBadByteIs() {
    Throwable t = catchThrowable(() -> read(new Buffer().write(bytes("data: ab",
        new int[] {0x80}, "\n\n")), LIMIT));
    assertThat(t).hasMessageContaining("0x80").hasMessageContaining("offset 8");
  }

  @Test
  void theLargestWellFormedCharactersAreAccepted() throws IOException {
    assertEvents(bytes("data: ", new int[] {0xF4, 0x8F, 0xBF, 0xBF, 0xEF, 0xBF, 0xBF, 0xDF,
        0xBF}, "\n\n"), false, "null|\uDBFF\uDFFF\uFFFF\u07FF");
  }

  // ---------------------------------------------------------------- the size limit

  @Test
  void aLineOrAnEventOverTheLimitIsATypedErrorThatNamesIt() throws IOException {
    String line = "data: " + "x".repeat((int) LIMIT - 6);
    assertThat(read(new Buffer().writeUtf8(line + "\n\n"), LIMIT).events())
        .as("a line of exactly the limit").hasSize(1);
    for (String body : new String[] {line + "x\n\n", line + "x", ": " + "c".repeat(2000) + "\n",
        ("data: " + "y".repeat(300) + "\n").repeat(4) + "\n"}) {
      for (Function<byte[], BufferedSource> way : List.<Function<byte[], BufferedSource>>of(
          b -> new Buffer().write(b), b -> Okio.buffer(new Reads(b, 1, 1)))) {
        Throwable t = catchThrowable(() -> read(way.apply(utf8(body)), LIMIT));
        assertThat(t).isExactlyInstanceOf(ProviderException.class)
            .hasMessageContaining("1 KiB (1024 bytes)").hasMessageContaining("maxResponseSize");
        assertThat(((ProviderException) t).errorCode()).isEqualTo("response_too_large");
      }
    }
  }

  @Test
  void eventsFarLargerThanTheBufferArriveWhole() throws IOException {
    String big = "z".repeat(200_000);
    assertThat(read(new Buffer().writeUtf8("data: " + big + "\n\ndata: " + big + "\ndata: "
        + big + "\n\n"), 1 << 20).events()).containsExactly("null|" + big,
        "null|" + big + "\n" + big);
  }

  /**
   * A source that hands out {@code first} bytes in its first read and then at most {@code rest}
   * per read; with {@code rest} 0, a read after the first fails.
   */
  static final class Reads implements Source {
    private final Buffer bytes = new Buffer();
    private final int first;
    private final int rest;
    private boolean started;

    Reads(byte[] body, int first, int rest) {
      bytes.write(body);
      this.first = first;
      this.rest = rest;
    }

    Reads(byte[] body, int cut) {
      this(body, cut, Integer.MAX_VALUE);
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      if (started && rest == 0) {
        throw new AssertionError("read past the event");
      }
      long max = started ? rest : first;
      started = true;
      if (bytes.size() == 0) {
        return -1;
      }
      long n = Math.min(Math.min(byteCount, max), bytes.size());
      sink.write(bytes, n);
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
