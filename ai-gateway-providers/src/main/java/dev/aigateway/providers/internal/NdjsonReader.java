package dev.aigateway.providers.internal;

import dev.aigateway.api.MalformedResponseException;
import java.io.IOException;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * A pull reader of newline-delimited JSON ({@code application/x-ndjson}, JSON Lines): each
 * {@link #next()} reads one line, a JSON value (a decoder parses it), no more. Lines end with LF
 * (a CR before it is dropped); blank lines are skipped; the last line may go without its LF. A
 * line over the size limit fails with a {@link dev.aigateway.api.ProviderException} coded
 * {@code response_too_large} before it is read whole, and one that is not well-formed UTF-8
 * with a {@link MalformedResponseException}. A line is read into a buffer reused from one line to
 * the next and handed on where it lies. Events have no type. Not thread safe.
 */
final class NdjsonReader implements Framing.FrameReader {
  private final BufferedSource source;
  private final String provider;
  private final long limit;
  private final EventData data = new EventData();
  private byte[] line = new byte[512];
  private long offset;

  NdjsonReader(BufferedSource source, String provider, long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.source = source;
    this.provider = provider;
    this.limit = limit;
  }

  @Override
  public boolean next() throws IOException {
    while (true) {
      // Wait for a line end no further than the limit; a longer line is refused unread.
      long lf = source.indexOf((byte) '\n', 0, limit + 1);
      boolean last = lf < 0;
      long length = lf;
      if (last) {
        if (source.request(limit + 1)) {
          throw ResponseLimit.exceeded(provider, "a stream line", limit);
        }
        length = source.getBuffer().size(); // the body ended: what is left is its last line
        if (length == 0) {
          return false;
        }
      }
      int n = (int) length;
      if (line.length < n) {
        line = new byte[Math.max(n, 2 * line.length)];
      }
      Buffer buffer = source.getBuffer();
      for (int read = 0; read < n; ) {
        read += buffer.read(line, read, n - read);
      }
      if (!last) {
        buffer.skip(1); // the LF
      }
      int end = n > 0 && line[n - 1] == '\r' ? n - 1 : n;
      int bad = Utf8.firstInvalid(line, 0, end);
      if (bad >= 0) {
        throw new MalformedResponseException(provider, 200, String.format(
            "%s: the stream is not valid UTF-8 (byte 0x%02X at offset %d)", provider,
            line[bad] & 0xFF, offset + bad), null);
      }
      offset += n + (last ? 0 : 1);
      if (isBlank(end)) {
        if (last) {
          return false;
        }
        continue;
      }
      // A last line without its LF is handed on like any other: a decoder reading it as JSON
      // fails it as cut short when it is not a whole value, which is what a cut leaves.
      data.set(line, 0, end);
      return true;
    }
  }

  private boolean isBlank(int end) {
    for (int i = 0; i < end; i++) {
      byte b = line[i];
      if (b != ' ' && b != '\t' && b != '\r') {
        return false;
      }
    }
    return true;
  }

  /** Events of newline-delimited JSON have no type. */
  @Override
  public @Nullable String type() {
    return null;
  }

  @Override
  public EventData data() {
    return data;
  }

  /**
   * Always false: a body that ends inside a line hands that line on as the last event, and the
   * decoder's JSON reading says whether it was whole.
   */
  @Override
  public boolean endedInFrame() {
    return false;
  }
}
