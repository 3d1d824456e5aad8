package dev.aigateway.core.cache;

import com.dynatrace.hash4j.hashing.HashStream128;
import com.dynatrace.hash4j.hashing.HashValue128;
import com.dynatrace.hash4j.hashing.Hasher128;
import com.dynatrace.hash4j.hashing.Hashing;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Feeds a request, field by field, into hash4j's XXH3-128 and gives the {@link CacheKey}. One
 * instance per key: {@link #open} borrows one, {@link #finish} gives it back.
 *
 * <p><b>Why strings are not simply {@code putChars}.</b> hash4j reads a {@code CharSequence}
 * one {@code charAt} at a time (about 0.7 ns a character here), which made a 1 MB prompt cost
 * most of a millisecond per lookup. A string longer than {@link #SHORT} is instead cut into
 * chunks of {@link #CHUNK} characters; each chunk is copied out with {@code String.getChars}
 * and narrowed to bytes by the JDK's ISO-8859-1 encoder (both bulk intrinsics), and those
 * bytes are hashed in one XXH3 pass. A chunk holding any character above U+00FF is hashed
 * instead as its UTF-16LE bytes (a bulk view copy), with another seed, so the two forms never
 * meet. The chunk's 128-bit hash goes into the request's stream. What goes in depends only on
 * the characters, never on how the JVM stores the string.
 *
 * <p>zero-allocation-hashing would read the string in place, but it does so through
 * {@code sun.misc.Unsafe}, whose memory access methods print a warning from JDK 24 on and are
 * being removed; hash4j uses {@code VarHandle}s only.
 *
 * <p>Scratch buffers are pooled in a few lock-free slots rather than kept per thread, so that a
 * virtual thread per call does not allocate them anew for each call. Not thread safe itself.
 */
final class KeyHasher {
  /** Strings up to this length go into the stream character by character. */
  static final int SHORT = 32;
  /** Characters per chunk of a longer string. */
  static final int CHUNK = 4096;

  private static final long SEED = 0x6169_6777_0002L; // bump when the canonical form changes
  private static final Hasher128 STREAM = Hashing.xxh3_128(SEED);
  private static final Hasher128 NARROW = Hashing.xxh3_128(SEED + 1);
  private static final Hasher128 WIDE = Hashing.xxh3_128(SEED + 2);
  private static final int SLOTS = 8;
  private static final AtomicReferenceArray<KeyHasher> POOL = new AtomicReferenceArray<>(SLOTS);

  private final HashStream128 stream = STREAM.hashStream();
  private final char[] chars = new char[CHUNK];
  private final byte[] bytes = new byte[2 * CHUNK];
  private final CharBuffer charView = CharBuffer.wrap(chars);
  private final ByteBuffer narrow = ByteBuffer.wrap(bytes);
  private final CharBuffer wide =
      ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asCharBuffer();
  private final CharsetEncoder latin1 = StandardCharsets.ISO_8859_1.newEncoder();
  private int slot;

  private KeyHasher() {}

  /** A hasher with an empty stream, from the pool when one is free there. */
  static KeyHasher open() {
    int slot = System.identityHashCode(Thread.currentThread()) & (SLOTS - 1);
    KeyHasher h = POOL.getAndSet(slot, null);
    if (h == null) {
      h = new KeyHasher();
    }
    h.slot = slot;
    h.stream.reset();
    return h;
  }

  void putLong(long word) {
    stream.putLong(word);
  }

  /** A tag and a length (or small value) in one word. */
  void putTagged(int tag, int value) {
    stream.putLong(((long) tag << 32) | (value & 0xFFFFFFFFL));
  }

  /** {@code tag} and the string's length, then its characters. */
  void putString(int tag, String s) {
    int n = s.length();
    putTagged(tag, n);
    if (n <= SHORT) {
      stream.putChars(s);
      return;
    }
    for (int at = 0; at < n; at += CHUNK) {
      int len = Math.min(CHUNK, n - at);
      s.getChars(at, at + len, chars, 0);
      putChunk(len);
    }
  }

  private void putChunk(int len) {
    charView.clear().limit(len);
    narrow.clear();
    latin1.reset();
    HashValue128 v;
    if (latin1.encode(charView, narrow, true).isUnderflow()) {
      v = NARROW.hashBytesTo128Bits(bytes, 0, len);
    } else { // a character above U+00FF (or a lone surrogate): all of the chunk as UTF-16LE
      wide.clear();
      wide.put(chars, 0, len);
      v = WIDE.hashBytesTo128Bits(bytes, 0, 2 * len);
    }
    stream.putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
  }

  /** {@code tag} and the length, then the bytes. */
  void putBytes(int tag, byte[] data) {
    putTagged(tag, data.length);
    if (data.length <= 8 * SHORT) {
      stream.putBytes(data);
    } else {
      HashValue128 v = NARROW.hashBytesTo128Bits(data);
      stream.putLong(v.getMostSignificantBits()).putLong(v.getLeastSignificantBits());
    }
  }

  /** The key of what was fed; this hasher goes back to the pool and must not be used again. */
  CacheKey finish() {
    HashValue128 v = stream.get();
    POOL.set(slot, this);
    return CacheKey.of(v.getMostSignificantBits(), v.getLeastSignificantBits());
  }
}
