package dev.aigateway.core.cache;

/**
 * MurmurHash3 x64 128 over a stream of 64-bit words (read as their little-endian bytes), kept
 * incremental so that a request can be hashed field by field without building a string of it.
 * Not thread safe: one instance per hash.
 */
final class Murmur3 {
  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;
  // Per thread, reused by every hash on it: strings are copied through it in blocks.
  private static final ThreadLocal<char[]> BUFFER = ThreadLocal.withInitial(() -> new char[512]);

  private long h1;
  private long h2;
  private long pending;
  private boolean hasPending;
  private long length; // bytes fed

  Murmur3(long seed) {
    h1 = seed;
    h2 = seed;
  }

  void putLong(long word) {
    length += 8;
    if (!hasPending) {
      pending = word;
      hasPending = true;
      return;
    }
    hasPending = false;
    mix(pending, word);
  }

  private void mix(long k1, long k2) {
    k1 *= C1;
    k1 = Long.rotateLeft(k1, 31);
    k1 *= C2;
    h1 ^= k1;
    h1 = Long.rotateLeft(h1, 27);
    h1 += h2;
    h1 = h1 * 5 + 0x52dce729;
    k2 *= C2;
    k2 = Long.rotateLeft(k2, 33);
    k2 *= C1;
    h2 ^= k2;
    h2 = Long.rotateLeft(h2, 31);
    h2 += h1;
    h2 = h2 * 5 + 0x38495ab5;
  }

  /** A tag and a length (or small value) in one word. */
  void putTagged(int tag, int value) {
    putLong(((long) tag << 32) | (value & 0xFFFFFFFFL));
  }

  /** {@code tag} and the string's length, then its UTF-16 code units, four to a word. */
  void putString(int tag, String s) {
    int n = s.length();
    putTagged(tag, n);
    int i = 0;
    if (hasPending && n >= 4) {
      putLong(fourChars(s, 0));
      i = 4;
    }
    // Whole blocks straight into the mix, without the pending-word shuffle. The chars are
    // copied out in bulk (an intrinsic), which is several times faster than charAt per char.
    if (n - i >= 8) {
      char[] buf = BUFFER.get();
      long blocks = 0;
      while (n - i >= 8) {
        int take = Math.min(buf.length, (n - i) & ~7);
        s.getChars(i, i + take, buf, 0);
        for (int j = 0; j < take; j += 8) {
          mix(fourChars(buf, j), fourChars(buf, j + 4));
        }
        blocks += take >>> 3;
        i += take;
      }
      length += blocks * 16;
    }
    for (; i + 4 <= n; i += 4) {
      putLong(fourChars(s, i));
    }
    if (i < n) {
      long word = 0;
      for (int shift = 0; i < n; i++, shift += 16) {
        word |= (long) s.charAt(i) << shift;
      }
      putLong(word);
    }
  }

  private static long fourChars(char[] c, int i) {
    return c[i] | (long) c[i + 1] << 16 | (long) c[i + 2] << 32 | (long) c[i + 3] << 48;
  }

  private static long fourChars(String s, int i) {
    return s.charAt(i)
        | (long) s.charAt(i + 1) << 16
        | (long) s.charAt(i + 2) << 32
        | (long) s.charAt(i + 3) << 48;
  }

  /** {@code tag} and the length, then the bytes, eight to a word. */
  void putBytes(int tag, byte[] bytes) {
    int n = bytes.length;
    putTagged(tag, n);
    int i = 0;
    for (; i + 8 <= n; i += 8) {
      long word = 0;
      for (int j = 7; j >= 0; j--) {
        word = (word << 8) | (bytes[i + j] & 0xFF);
      }
      putLong(word);
    }
    if (i < n) {
      long word = 0;
      for (int shift = 0; i < n; i++, shift += 8) {
        word |= (long) (bytes[i] & 0xFF) << shift;
      }
      putLong(word);
    }
  }

  CacheKey finish() {
    long a = h1;
    long b = h2;
    if (hasPending) {
      long k1 = pending * C1;
      k1 = Long.rotateLeft(k1, 31);
      k1 *= C2;
      a ^= k1;
    }
    a ^= length;
    b ^= length;
    a += b;
    b += a;
    a = fmix(a);
    b = fmix(b);
    a += b;
    b += a;
    return CacheKey.of(a, b);
  }

  private static long fmix(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
