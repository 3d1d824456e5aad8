package dev.aigateway.providers.internal;

import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * A pull parser for a {@code text/event-stream} body: each {@link #next()} reads from the source
 * only as much as it needs to return one event, so the caller's demand decides when the socket is
 * read.
 *
 * <p>Why the gateway has its own: okhttp-sse's public API ({@code EventSource}) pushes events from
 * OkHttp's thread as fast as they arrive and cannot wait for demand, and the pull reader behind it
 * ({@code okhttp3.sse.internal.ServerSentEventReader}) is internal: not exported on the module
 * path, and free to change in any OkHttp release. The framing is small enough to own.
 *
 * <p>It follows the event stream rules of the WHATWG HTML standard:
 * <ul>
 *   <li>a line ends with LF, CRLF or a lone CR; a CRLF split across two reads counts once;
 *   <li>a UTF-8 byte order mark at the very start is skipped;
 *   <li>a line that starts with {@code :} is a comment; any other line is a field whose name runs
 *       to the first colon (or is the whole line), and a single space after the colon is dropped
 *       from the value;
 *   <li>{@code data} values are joined with LF; {@code event} names the event; {@code id},
 *       {@code retry} and unknown fields are read and ignored, since the gateway neither
 *       reconnects nor resumes a stream;
 *   <li>a blank line dispatches the event, unless it had no {@code data} field;
 *   <li>at the end of the body, an unfinished event is discarded ({@link #endedInFrame()} says
 *       whether the body stopped in the middle of a line).
 * </ul>
 *
 * <p>Unlike a browser it decodes strictly: bytes that are not well-formed UTF-8 (a stray
 * continuation byte, a sequence cut short, an overlong form, an encoded surrogate, a code point
 * above U+10FFFF) end the stream with a {@link MalformedResponseException} rather than becoming
 * U+FFFD, so a corrupted answer is never passed off as the vendor's. A line, or an event's data,
 * longer than the size limit ends it with a {@link ProviderException} coded
 * {@code response_too_large}; so the memory a stream holds is bounded by a small multiple of the
 * limit, whatever the vendor sends.
 *
 * <p>It is the per-chunk hot path: bytes are scanned once, in a buffer reused from one event to the
 * next; an event costs, in the common case, nothing: a single data line is handed on where it lies in
 * the buffer ({@link EventData}, its string made only if a decoder asks), and event names are
 * reused. No
 * regular expressions. Not thread safe: one per stream, used by the thread that reads it.
 */
final class SseReader implements Framing.FrameReader {
  private static final int INITIAL_CAPACITY = 8192;
  /** Below this much free space, the buffer is compacted or grown before a read. */
  private static final int MIN_READ = 2048;
  /** A buffer that grew past this for one large event is dropped once that event is done. */
  private static final int KEEP_CAPACITY = 64 * 1024;
  private static final int NAMES = 8;
  private static final int MAX_CACHED_NAME = 64;
  private static final byte[] DATA = {'d', 'a', 't', 'a'};
  private static final byte[] EVENT = {'e', 'v', 'e', 'n', 't'};
  /** Reads eight bytes of a {@code byte[]} as a long, the first byte lowest. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private final BufferedSource source;
  private final String provider;
  private final long limit;
  private final int maxLine;

  /** Bytes read from the source; {@code [pos, end)} are not consumed yet. */
  private byte[] buf = new byte[INITIAL_CAPACITY];
  private int pos;
  private int end;
  /** How many bytes after {@code pos} are known to hold no line end and to be valid UTF-8. */
  private int scanned;
  /** The offset in the body of {@code buf[0]}, for error messages. */
  private long base;
  private boolean started;
  /** The last line ended with CR: an LF that follows belongs to it. */
  private boolean skipLf;
  private boolean endedInLine;

  /** The data lines of the event being read, each followed by LF. */
  private byte[] data = new byte[256];
  private int dataLength;
  private @Nullable String pendingType;

  // Event names seen recently, so that a repeated name costs no allocation.
  private final byte[][] nameBytes = new byte[NAMES][];
  private final String[] names = new String[NAMES];
  private int nextName;

  private @Nullable String type;
  private final EventData eventData = new EventData();

  /**
   * @param provider the provider's id, for error messages
   * @param limit the longest line, and the most data one event may carry, in bytes
   */
  SseReader(BufferedSource source, String provider, long limit) {
    if (limit <= 0) {
      throw new IllegalArgumentException("limit must be positive: " + limit);
    }
    this.source = source;
    this.provider = provider;
    this.limit = limit;
    this.maxLine = (int) Math.min(limit, Integer.MAX_VALUE - 2L * INITIAL_CAPACITY);
  }

  /**
   * Reads the next event.
   *
   * @return true with {@link #type()} and {@link #data()} set; false at the end of the body
   * @throws IOException when reading the body fails
   * @throws MalformedResponseException when the body is not valid UTF-8
   * @throws ProviderException coded {@code response_too_large} for a line or an event over the
   *     limit
   */
  @Override
  public boolean next() throws IOException {
    if (!started) {
      started = true;
      skipByteOrderMark();
    }
    while (true) {
      int eol = lineEnd();
      if (eol < 0) {
        endedInLine = end > pos;
        dataLength = 0;
        pendingType = null;
        return false;
      }
      int start = pos;
      consumeLine(eol);
      if (eol == start) {
        if (dataLength == 0) {
          pendingType = null; // an event without data is not dispatched
          continue;
        }
        dispatch(data, 0, dataLength - 1);
        if (data.length > KEEP_CAPACITY) {
          data = new byte[256];
        }
        return true;
      }
      if (buf[start] == ':') {
        continue; // a comment
      }
      int colon = start;
      while (colon < eol && buf[colon] != ':') {
        colon++;
      }
      int value = colon < eol ? colon + 1 : eol;
      if (value < eol && buf[value] == ' ') {
        value++;
      }
      if (is(DATA, start, colon)) {
        if (dataLength == 0 && blankLineFollows()) {
          // The usual event, one data line and its blank line already here: no copy at all, the
          // event's data is read where it lies in the buffer.
          consumeLine(pos);
          dispatch(buf, value, eol - value);
          return true;
        }
        appendData(value, eol);
      } else if (is(EVENT, start, colon)) {
        pendingType = name(value, eol);
      }
      // id, retry and other fields change nothing the gateway uses
    }
  }

  /** The last event's name, or null when it had none (the standard's default, "message"). */
  @Override
  public @Nullable String type() {
    return type;
  }

  /** The last event's data lines, joined with LF; valid until the next {@link #next()}. */
  @Override
  public EventData data() {
    return eventData;
  }

  /**
   * Whether the body, once {@link #next()} returned false, stopped in the middle of a line: the
   * bytes of a line without its line end, which a cut is more likely to leave than a server.
   */
  @Override
  public boolean endedInFrame() {
    return endedInLine;
  }

  private void dispatch(byte[] bytes, int offset, int length) {
    eventData.set(bytes, offset, length);
    type = pendingType;
    pendingType = null;
    dataLength = 0;
  }

  /** Consumes the line that ends at {@code eol} (a CR or LF in the buffer) and its line end. */
  private void consumeLine(int eol) {
    skipLf = buf[eol] == '\r';
    pos = eol + 1;
    scanned = 0;
    if (skipLf && pos < end && buf[pos] == '\n') {
      pos++;
      skipLf = false;
    }
  }

  /** Whether the bytes already read begin with a blank line, without reading more. */
  private boolean blankLineFollows() {
    return pos < end && (buf[pos] == '\n' || buf[pos] == '\r');
  }

  private boolean is(byte[] name, int from, int to) {
    return to - from == name.length && Arrays.equals(buf, from, to, name, 0, name.length);
  }

  private @Nullable String name(int from, int to) {
    int length = to - from;
    if (length == 0) {
      return null;
    }
    if (length <= MAX_CACHED_NAME) {
      for (int i = 0; i < NAMES; i++) {
        byte[] known = nameBytes[i];
        if (known != null && known.length == length
            && Arrays.equals(known, 0, length, buf, from, to)) {
          return names[i];
        }
      }
    }
    String name = new String(buf, from, length, StandardCharsets.UTF_8);
    if (length <= MAX_CACHED_NAME) {
      nameBytes[nextName] = Arrays.copyOfRange(buf, from, to);
      names[nextName] = name;
      nextName = (nextName + 1) % NAMES;
    }
    return name;
  }

  private void appendData(int from, int to) {
    int length = to - from;
    if (dataLength + (long) length + 1 > limit) {
      throw tooLarge();
    }
    int needed = dataLength + length + 1;
    if (needed > data.length) {
      data = Arrays.copyOf(data, (int) Math.min(Math.max(needed, 2L * data.length), limit + 1));
    }
    System.arraycopy(buf, from, data, dataLength, length);
    dataLength += length;
    data[dataLength++] = '\n';
  }

  private void skipByteOrderMark() throws IOException {
    byte[] bom = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    for (int i = 0; i < bom.length; i++) {
      while (end - pos <= i) {
        if (!fill()) {
          return;
        }
      }
      if (buf[pos + i] != bom[i]) {
        return;
      }
    }
    pos += bom.length;
  }

  /**
   * The index of the CR or LF that ends the current line, reading as much as that takes and
   * checking the line's UTF-8 on the way; -1 when the body ends first.
   */
  private int lineEnd() throws IOException {
    while (true) {
      if (skipLf && pos < end) {
        if (buf[pos] == '\n') {
          pos++;
        }
        skipLf = false;
      }
      int i = pos + scanned;
      while (i < end) {
        // Eight bytes at a time while none of them is a line end (or any byte below 0x0E) or
        // a byte of a multi-byte character: the high bit of a lane is set by either.
        while (i + 8 <= end) {
          long x = (long) LONGS.get(buf, i);
          if ((((x - 0x0E0E0E0E0E0E0E0EL) | x) & 0x8080808080808080L) != 0) {
            break; // a borrow only runs from a flagged byte to the later ones: none is missed
          }
          i += 8;
        }
        if (i >= end) {
          break;
        }
        byte b = buf[i];
        if (b > '\r') {
          i++; // the common case first: one comparison for a byte that is ASCII and no line end
        } else if (b >= 0) {
          if (b == '\n' || b == '\r') {
            if (i - pos > maxLine) {
              throw tooLarge();
            }
            return i;
          }
          i++;
        } else {
          int n = sequence(i);
          if (n == 0) {
            break; // the rest of the character has not arrived yet
          }
          i += n;
        }
      }
      scanned = i - pos;
      if (scanned > maxLine) {
        throw tooLarge();
      }
      if (!fill()) {
        if (i < end) {
          throw notUtf8(i); // a character cut short by the end of the body
        }
        return -1;
      }
    }
  }

  /**
   * The length of the well-formed UTF-8 sequence that starts at {@code i} with a byte of 0x80 or
   * more; 0 when it is well-formed so far but not all of it has been read.
   *
   * @throws MalformedResponseException when it is not well-formed
   */
  private int sequence(int i) {
    int n = Utf8.sequence(buf, i, end);
    if (n < 0) {
      throw notUtf8(i);
    }
    return n;
  }

  /** Reads what the source has, at least one byte; false at the end of the body. */
  private boolean fill() throws IOException {
    if (pos == end) {
      base += end;
      pos = 0;
      end = 0;
      if (buf.length > KEEP_CAPACITY) {
        buf = new byte[INITIAL_CAPACITY];
      }
    } else if (buf.length - end < MIN_READ) {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, end - pos);
        base += pos;
        end -= pos;
        pos = 0;
      }
      if (buf.length - end < MIN_READ) {
        buf = Arrays.copyOf(buf, (int) Math.min(2L * buf.length, maxLine + 2L * INITIAL_CAPACITY));
      }
    }
    int n = source.read(buf, end, buf.length - end);
    if (n < 0) {
      return false;
    }
    end += n;
    return true;
  }

  private MalformedResponseException notUtf8(int i) {
    return new MalformedResponseException(provider, 200, String.format(
        "%s: the stream is not valid UTF-8 (byte 0x%02X at offset %d)", provider,
        buf[i] & 0xFF, base + i), null);
  }

  private ProviderException tooLarge() {
    return ResponseLimit.exceeded(provider, "a stream event", limit);
  }
}
