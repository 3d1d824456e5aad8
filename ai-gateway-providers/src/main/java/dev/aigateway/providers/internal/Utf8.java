package dev.aigateway.providers.internal;

/**
 * Strict UTF-8 checks over bytes where they lie, allocating nothing: the rules of RFC 3629 (no
 * stray continuation bytes, no overlong forms, no encoded surrogates, nothing above U+10FFFF),
 * which the framings apply so that a corrupted answer is never passed off as the vendor's.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * The length of the well-formed sequence that starts at {@code i} with a byte of 0x80 or more;
   * 0 when it is well-formed so far but runs past {@code end} (the rest has not arrived yet); -1
   * when it is not well-formed.
   */
  public static int sequence(byte[] bytes, int i, int end) {
    int lead = bytes[i] & 0xFF;
    int length;
    int low = 0x80;
    int high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) {
        low = 0xA0; // below is an overlong form
      } else if (lead == 0xED) {
        high = 0x9F; // above are the surrogates
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) {
        low = 0x90; // below is an overlong form
      } else if (lead == 0xF4) {
        high = 0x8F; // above is past U+10FFFF
      }
    } else {
      return -1; // a continuation byte, an overlong lead (C0, C1), or F5 to FF
    }
    for (int k = 1; k < length; k++) {
      if (i + k >= end) {
        return 0;
      }
      int b = bytes[i + k] & 0xFF;
      if (k == 1 ? b < low || b > high : b < 0x80 || b > 0xBF) {
        return -1;
      }
    }
    return length;
  }

  /**
   * The offset of the first byte of {@code [from, to)} that does not begin a well-formed
   * sequence (one cut short by {@code to} included), or -1 when all of it is well-formed UTF-8.
   */
  public static int firstInvalid(byte[] bytes, int from, int to) {
    int i = from;
    while (i < to) {
      if (bytes[i] >= 0) {
        i++;
      } else {
        int n = sequence(bytes, i, to);
        if (n <= 0) {
          return i;
        }
        i += n;
      }
    }
    return -1;
  }
}
