package dev.aigateway.bedrock;

import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Framing;
import dev.aigateway.providers.internal.Utf8;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.zip.CRC32;
import okhttp3.MediaType;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * The AWS event stream framing ({@code application/vnd.amazon.eventstream}), read one message
 * per demand. A message is a 12-byte prelude (total length, headers length, the prelude's
 * CRC-32), the headers, the payload and the message's CRC-32, all big-endian; a header is a
 * one-byte name length, the name, a one-byte value type and the value (types 0 and 1 are the
 * booleans and carry nothing; 2, 3, 4, 5 are integers of 1, 2, 4, 8 bytes; 6 and 7 are bytes
 * and a string behind a two-byte length; 8 a timestamp of 8 bytes; 9 a UUID of 16).
 *
 * <p>Why the gateway decodes it itself: AWS's {@code software.amazon.eventstream} library can
 * decode a message, but only into a {@code Message} with a map of header objects, their strings
 * and two copies of the payload (about 1.7 KB per ConverseStream delta, measured), and its
 * streaming {@code MessageDecoder} is push-based (it is fed bytes and calls back per message), so
 * it cannot pull one message per demand. This reader asks okio for exactly the bytes of one
 * message, into a buffer reused from one message to the next, checks the prelude's CRC before
 * trusting the length (so a corrupted length is reported as corruption, not waited for or taken
 * for a cut) and the message's CRC over all of it, and hands the payload on where it lies. Header
 * values it uses are read in place; a repeated event type costs no string. The library stays the
 * tests' independent encoder, and the tests check this reader against it.
 *
 * <p>What each message becomes, for the {@link dev.aigateway.providers.internal.StreamDecoder}:
 * an {@code event} message has its {@code :event-type} as the type and its payload as the data;
 * an {@code exception} message has the type {@code exception:} followed by its
 * {@code :exception-type}, and its payload; an {@code error} message has the type
 * {@code error:} followed by its {@code :error-code}, and its {@code :error-message} as the data.
 * A message larger than the limit fails with a {@link ProviderException} coded
 * {@code response_too_large}; a CRC that does not match, a prelude or headers that do not add up,
 * or a payload that is not UTF-8, with a {@link MalformedResponseException}. Thread safe; its
 * readers are not.
 */
final class EventStreamFraming implements Framing {
  static final EventStreamFraming INSTANCE = new EventStreamFraming();
  static final String CONTENT_TYPE = "application/vnd.amazon.eventstream";
  /** Prelude (12) and the message CRC (4). */
  private static final int OVERHEAD = 16;

  private EventStreamFraming() {}

  @Override
  public String accept() {
    return CONTENT_TYPE;
  }

  @Override
  public boolean accepts(MediaType type) {
    return type.type().equals("application")
        && type.subtype().toLowerCase(Locale.ROOT).equals("vnd.amazon.eventstream");
  }

  @Override
  public FrameReader open(BufferedSource body, String provider, long maxFrameSize) {
    return new Reader(body, provider, maxFrameSize);
  }

  @Override
  public String unit() {
    return "event stream message";
  }

  @Override
  public String toString() {
    return "EventStreamFraming";
  }

  static final class Reader implements FrameReader {
    private static final byte[] NONE = new byte[0];
    private static final int NAMES = 8;
    private static final byte[] MESSAGE_TYPE = ascii(":message-type");
    private static final byte[] EVENT_TYPE = ascii(":event-type");
    private static final byte[] EXCEPTION_TYPE = ascii(":exception-type");
    private static final byte[] ERROR_CODE = ascii(":error-code");
    private static final byte[] ERROR_MESSAGE = ascii(":error-message");
    private static final byte[] EVENT = ascii("event");
    private static final byte[] EXCEPTION = ascii("exception");
    private static final byte[] ERROR = ascii("error");

    private final BufferedSource source;
    private final String provider;
    private final long limit;
    private final CRC32 crc = new CRC32();
    private final EventData data = new EventData();
    private byte[] frame = new byte[1024];
    private long offset;
    private boolean endedInFrame;
    private @Nullable String type;

    // Header values met in the message being read: where they lie in the frame, or -1.
    private int messageType;
    private int eventType;
    private int exceptionType;
    private int errorCode;
    private int errorMessage;

    // Type names seen recently ("event:contentBlockDelta" and the like), so a repeat is free.
    private final byte[][] nameBytes = new byte[NAMES][];
    private final String[] names = new String[NAMES];
    private int nextName;

    Reader(BufferedSource source, String provider, long limit) {
      this.source = source;
      this.provider = provider;
      this.limit = limit;
    }

    @Override
    public boolean next() throws IOException {
      type = null;
      data.set(NONE, 0, 0);
      if (source.exhausted()) {
        return false;
      }
      if (!source.request(12)) {
        endedInFrame = true;
        return false;
      }
      Buffer buffer = source.getBuffer();
      long total = uint32(buffer, 0);
      long headers = uint32(buffer, 4);
      long preludeCrc = uint32(buffer, 8);
      crc.reset();
      for (int i = 0; i < 8; i++) {
        crc.update(buffer.getByte(i));
      }
      if (crc.getValue() != preludeCrc) {
        throw malformed("the prelude's CRC does not match");
      }
      if (total < OVERHEAD || headers > total - OVERHEAD) {
        throw malformed("the prelude's lengths do not add up (total " + total + ", headers "
            + headers + ")");
      }
      if (total > limit) {
        throw new ProviderException(provider, 200, "response_too_large", provider
            + ": an event stream message is larger than the limit of " + limit
            + " bytes (maxResponseSize)", false, null);
      }
      if (!source.request(total)) {
        endedInFrame = true;
        return false;
      }
      int length = (int) total;
      if (frame.length < length) {
        frame = new byte[Math.max(length, 2 * frame.length)];
      }
      for (int read = 0; read < length; ) {
        read += source.read(frame, read, length - read);
      }
      crc.reset();
      crc.update(frame, 0, length - 4);
      if (crc.getValue() != uint32(frame, length - 4)) {
        throw malformed("the message's CRC does not match");
      }
      int payload = 12 + (int) headers;
      readHeaders(12, payload);
      int payloadEnd = length - 4;
      offset += total;
      if (messageType < 0 || valueIs(messageType, EVENT)) {
        type = eventType < 0 ? null : name(eventType);
        setPayload(payload, payloadEnd);
      } else if (valueIs(messageType, EXCEPTION)) {
        type = exceptionType < 0 ? "exception:" : "exception:" + headerString(exceptionType);
        setPayload(payload, payloadEnd);
      } else if (valueIs(messageType, ERROR)) {
        type = errorCode < 0 ? "error:" : "error:" + headerString(errorCode);
        if (errorMessage >= 0) {
          int at = errorMessage;
          checkUtf8(at + 2, at + 2 + length(at), "a header");
          data.set(frame, at + 2, length(at));
        }
      } else {
        type = headerString(messageType) + ":";
        setPayload(payload, payloadEnd);
      }
      return true;
    }

    /** Walks the headers in {@code [from, to)}, noting where the string values it uses lie. */
    private void readHeaders(int from, int to) {
      messageType = -1;
      eventType = -1;
      exceptionType = -1;
      errorCode = -1;
      errorMessage = -1;
      int i = from;
      while (i < to) {
        int nameLength = frame[i] & 0xFF;
        int name = i + 1;
        int valueType = name + nameLength;
        if (nameLength == 0 || valueType >= to) {
          throw malformed("a header runs past the headers");
        }
        int value = valueType + 1;
        int next;
        switch (frame[valueType]) {
          case 0, 1 -> next = value;
          case 2 -> next = value + 1;
          case 3 -> next = value + 2;
          case 4 -> next = value + 4;
          case 5, 8 -> next = value + 8;
          case 9 -> next = value + 16;
          case 6, 7 -> {
            if (value + 2 > to) {
              throw malformed("a header runs past the headers");
            }
            next = value + 2 + (((frame[value] & 0xFF) << 8) | (frame[value + 1] & 0xFF));
          }
          default -> throw malformed("a header has the unknown value type " + frame[valueType]);
        }
        if (next > to) {
          throw malformed("a header runs past the headers");
        }
        if (frame[valueType] == 7) { // the names the gateway reads are all strings
          if (is(MESSAGE_TYPE, name, nameLength)) {
            messageType = value;
          } else if (is(EVENT_TYPE, name, nameLength)) {
            eventType = value;
          } else if (is(EXCEPTION_TYPE, name, nameLength)) {
            exceptionType = value;
          } else if (is(ERROR_CODE, name, nameLength)) {
            errorCode = value;
          } else if (is(ERROR_MESSAGE, name, nameLength)) {
            errorMessage = value;
          }
        }
        i = next;
      }
      if (i != to) {
        throw malformed("the headers do not add up");
      }
    }

    /** The two-byte length of the string value at {@code at}. */
    private int length(int at) {
      return ((frame[at] & 0xFF) << 8) | (frame[at + 1] & 0xFF);
    }

    /** Whether the string value at {@code at} is {@code ascii}. */
    private boolean valueIs(int at, byte[] ascii) {
      return is(ascii, at + 2, length(at));
    }

    private boolean is(byte[] name, int at, int length) {
      return length == name.length && Arrays.equals(frame, at, at + length, name, 0, length);
    }

    /** The string value at {@code at} (its two-byte length first), checked to be UTF-8. */
    private String headerString(int at) {
      int length = ((frame[at] & 0xFF) << 8) | (frame[at + 1] & 0xFF);
      checkUtf8(at + 2, at + 2 + length, "a header");
      return new String(frame, at + 2, length, StandardCharsets.UTF_8);
    }

    /** The event type at {@code at}, from the recent names when it is one of them. */
    private String name(int at) {
      int length = ((frame[at] & 0xFF) << 8) | (frame[at + 1] & 0xFF);
      int from = at + 2;
      for (int k = 0; k < NAMES; k++) {
        byte[] known = nameBytes[k];
        if (known != null && known.length == length
            && Arrays.equals(known, 0, length, frame, from, from + length)) {
          return names[k];
        }
      }
      String name = headerString(at);
      nameBytes[nextName] = Arrays.copyOfRange(frame, from, from + length);
      names[nextName] = name;
      nextName = (nextName + 1) % NAMES;
      return name;
    }

    /** The payload, once checked to be well-formed UTF-8, as the event's data, in place. */
    private void setPayload(int from, int to) {
      checkUtf8(from, to, "the payload");
      data.set(frame, from, to - from);
    }

    private void checkUtf8(int from, int to, String what) {
      if (Utf8.firstInvalid(frame, from, to) >= 0) {
        throw malformed(what + " is not valid UTF-8");
      }
    }

    private static long uint32(Buffer buffer, long at) {
      return ((buffer.getByte(at) & 0xFFL) << 24) | ((buffer.getByte(at + 1) & 0xFFL) << 16)
          | ((buffer.getByte(at + 2) & 0xFFL) << 8) | (buffer.getByte(at + 3) & 0xFFL);
    }

    private static long uint32(byte[] b, int at) {
      return ((b[at] & 0xFFL) << 24) | ((b[at + 1] & 0xFFL) << 16)
          | ((b[at + 2] & 0xFFL) << 8) | (b[at + 3] & 0xFFL);
    }

    private static byte[] ascii(String s) {
      return s.getBytes(StandardCharsets.US_ASCII);
    }

    private MalformedResponseException malformed(String what) {
      return new MalformedResponseException(provider, 200, provider
          + ": the event stream is corrupt at byte " + offset + ": " + what, null);
    }

    @Override
    public @Nullable String type() {
      return type;
    }

    @Override
    public EventData data() {
      return data;
    }

    @Override
    public boolean endedInFrame() {
      return endedInFrame;
    }
  }
}
