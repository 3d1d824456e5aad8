package dev.aigateway.core.cache;

import org.jspecify.annotations.Nullable;

/**
 * The 128-bit key of one cached answer: a hash of the canonical form of everything in a request
 * that changes the answer (see {@link ResponseCache} for what goes in). An immutable value;
 * two keys are equal when their bits are. {@link #toString()} is the 32 hexadecimal digits of
 * {@link #high()} followed by {@link #low()}, which a remote {@link CacheStore} can use as its
 * key; {@link #parse} reads it back.
 */
public final class CacheKey {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final long high;
  private final long low;

  private CacheKey(long high, long low) {
    this.high = high;
    this.low = low;
  }

  /** The key with these bits. */
  public static CacheKey of(long high, long low) {
    return new CacheKey(high, low);
  }

  /**
   * The key {@code request} is cached under: a 128-bit hash of what changes the answer (see
   * {@link ResponseCache}); with {@code partitionByClient}, of the client id too.
   */
  public static CacheKey of(dev.aigateway.api.ChatRequest request, boolean partitionByClient) {
    return RequestKeys.of(request, partitionByClient);
  }

  /**
   * The key that {@link #toString()} printed.
   *
   * @throws IllegalArgumentException when {@code hex} is not 32 hexadecimal digits
   */
  public static CacheKey parse(String hex) {
    if (hex == null || hex.length() != 32) {
      throw new IllegalArgumentException(
          "a cache key is 32 hexadecimal digits but was " + (hex == null ? "null" : "'" + hex + "'"));
    }
    try {
      return new CacheKey(
          Long.parseUnsignedLong(hex.substring(0, 16), 16),
          Long.parseUnsignedLong(hex.substring(16), 16));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "a cache key is 32 hexadecimal digits but was '" + hex + "'", e);
    }
  }

  /** The first 64 bits. */
  public long high() {
    return high;
  }

  /** The last 64 bits. */
  public long low() {
    return low;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof CacheKey k && k.high == high && k.low == low;
  }

  @Override
  public int hashCode() {
    return (int) (low ^ (low >>> 32));
  }

  @Override
  public String toString() {
    char[] out = new char[32];
    write(high, out, 0);
    write(low, out, 16);
    return new String(out);
  }

  private static void write(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = HEX[(int) (v & 0xF)];
      v >>>= 4;
    }
  }
}
