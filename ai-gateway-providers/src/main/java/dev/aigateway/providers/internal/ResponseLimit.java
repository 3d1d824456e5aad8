package dev.aigateway.providers.internal;

import dev.aigateway.api.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import okio.BufferedSource;

/**
 * The cap on what one reply may make the gateway hold in memory (see
 * {@link HttpProviderBuilder#maxResponseSize(long)}): the error it raises, and the stream a plain
 * reply's body is parsed from, which counts the bytes, stops at the limit, and keeps the first few
 * KB for an error message. Not thread safe.
 */
final class ResponseLimit {
  /** How much of a body's start is kept for an error message. */
  static final int EXCERPT_BYTES = 4096;

  private ResponseLimit() {}

  /**
   * The error for {@code what} (such as "the response") being larger than {@code limit}: not
   * retryable, since the same target tends to send the same reply again, so the gateway fails
   * over instead; it does not count against the target's health.
   */
  static ProviderException exceeded(String provider, String what, long limit) {
    return new ProviderException(provider, 200, "response_too_large",
        provider + ": " + what + " is larger than the limit of " + describe(limit)
            + " (maxResponseSize)", false, null);
  }

  /** {@code bytes} for people: "32 MiB (33554432 bytes)", or "1000 bytes". */
  static String describe(long bytes) {
    if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) == 0) {
      return bytes / (1024 * 1024) + " MiB (" + bytes + " bytes)";
    }
    if (bytes >= 1024 && bytes % 1024 == 0) {
      return bytes / 1024 + " KiB (" + bytes + " bytes)";
    }
    return bytes + " bytes";
  }

  /** Raised by {@link Body} when the body passes the limit. */
  static final class Exceeded extends IOException {
    private static final long serialVersionUID = 1L;

    Exceeded() {
      super("the body is over the limit", null);
    }
  }

  /**
   * A plain reply's body as an {@link InputStream} for the JSON parser: it fails with
   * {@link Exceeded} once more than the limit has been read, and keeps the body's first
   * {@link #EXCERPT_BYTES} bytes. Closing it leaves the body open, for the response to release.
   */
  static final class Body extends InputStream {
    private final BufferedSource source;
    private final long limit;
    private final byte[] head = new byte[EXCERPT_BYTES];
    private final byte[] one = new byte[1];
    private int headLength;
    private long read;

    Body(BufferedSource source, long limit) {
      this.source = source;
      this.limit = limit;
    }

    /**
     * Whether the body, looked at without consuming it, starts like a JSON object; reads at most
     * a few bytes.
     */
    boolean startsLikeJsonObject() throws IOException {
      for (int i = 0; i < 64 && source.request(i + 1L); i++) {
        byte b = source.getBuffer().getByte(i);
        if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
          return b == '{';
        }
      }
      return false;
    }

    @Override
    public int read() throws IOException {
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      // One byte past the limit tells a body of exactly the limit from a longer one.
      long allowed = limit + 1 - read;
      int n = source.read(b, off, (int) Math.min(len, allowed));
      if (n < 0) {
        return -1;
      }
      if (headLength < head.length) {
        int keep = Math.min(n, head.length - headLength);
        System.arraycopy(b, off, head, headLength, keep);
        headLength += keep;
      }
      read += n;
      if (read > limit) {
        throw new Exceeded();
      }
      return n;
    }

    /** The body's first bytes, as far as they were read. */
    byte[] head() {
      return Arrays.copyOf(head, headLength);
    }

    @Override
    public void close() {
      // The response owns the body and releases it.
    }
  }
}
