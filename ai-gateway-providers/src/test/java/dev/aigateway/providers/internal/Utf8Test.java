package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link Utf8#firstInvalid} against the JDK's own strict decoder, on bytes placed at every offset
 * of a word (the ASCII check reads eight bytes at a time), so that the fast path can skip no bad
 * byte wherever it lies.
 */
class Utf8Test {
  private static final byte[][] PIECES = {
      "a".getBytes(StandardCharsets.UTF_8), "é".getBytes(StandardCharsets.UTF_8),
      "€".getBytes(StandardCharsets.UTF_8), "😀".getBytes(StandardCharsets.UTF_8),
      {(byte) 0x80}, {(byte) 0xC0, (byte) 0xAF}, {(byte) 0xE0, (byte) 0x80, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
      {(byte) 0xF5}, {(byte) 0xFF}, {(byte) 0xE2, (byte) 0x82}, {0x7F}, {0x00},
  };

  /** Whether the JDK's decoder, reporting every malformed input, accepts {@code [from, to)}. */
  private static boolean jdkAccepts(byte[] b, int from, int to) {
    CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      d.decode(ByteBuffer.wrap(b, from, to - from));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  @Test
  void agreesWithTheJdksStrictDecoderAtEveryOffset() {
    Random random = new Random(13);
    for (int round = 0; round < 20_000; round++) {
      int lead = random.nextInt(9); // ASCII before the piece: every word offset
      byte[] b = new byte[40];
      int n = 0;
      int from = random.nextInt(3);
      for (int i = 0; i < from + lead; i++) {
        b[n++] = (byte) ('a' + random.nextInt(26));
      }
      int pieces = 1 + random.nextInt(4);
      for (int k = 0; k < pieces && n < 30; k++) {
        byte[] piece = PIECES[random.nextInt(PIECES.length)];
        System.arraycopy(piece, 0, b, n, piece.length);
        n += piece.length;
        for (int i = random.nextInt(10); i > 0 && n < 39; i--) {
          b[n++] = 'x';
        }
      }
      int to = n;
      int bad = Utf8.firstInvalid(b, from, to);
      assertThat(bad < 0).as("round %d", round).isEqualTo(jdkAccepts(b, from, to));
      if (bad >= 0) {
        assertThat(jdkAccepts(b, from, bad)).as("all before the first invalid byte is valid")
            .isTrue();
        assertThat(bad).isBetween(from, to - 1);
      }
    }
  }

  @Test
  void aBadByteAfterLongAsciiRunsIsFoundWhereItIs() {
    for (int at = 0; at < 64; at++) {
      byte[] b = new byte[64];
      java.util.Arrays.fill(b, (byte) 'a');
      assertThat(Utf8.firstInvalid(b, 0, 64)).isEqualTo(-1);
      b[at] = (byte) 0x80;
      assertThat(Utf8.firstInvalid(b, 0, 64)).as("at %d", at).isEqualTo(at);
      assertThat(Utf8.firstInvalid(b, 0, at)).as("before it").isEqualTo(-1);
    }
  }
}
