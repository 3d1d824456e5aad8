package dev.aigateway.bedrock;

import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Framing;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;
import okhttp3.MediaType;
import okio.Buffer;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/**
 * The AWS event stream framing ({@code application/vnd.amazon.eventstream}), read one message
 * per demand. A message is a 12-byte prelude (total length, headers length, the prelude's
 * CRC-32), the headers, the payload and the message's CRC-32, all big-endian.
 *
 * <p>Decoding is AWS's {@code software.amazon.eventstream} library ({@link Message#decode}, which
 * checks both CRCs). Its streaming {@code MessageDecoder} is push-based (it is fed bytes and calls
 * back per message), so it cannot pull one message per demand; this reader asks okio for exactly
 * the bytes of one message and hands them to {@link Message#decode}. It checks the prelude's CRC
 * itself before trusting the length, so a corrupted length is reported as corruption, not waited
 * for or taken for a cut.
 *
 * <p>What each message becomes, for the {@link dev.aigateway.providers.internal.StreamDecoder}:
 * an {@code event} message has its {@code :event-type} as the type and its payload as the data;
 * an {@code exception} message has the type {@code exception:} followed by its
 * {@code :exception-type}, and its payload; an {@code error} message has the type
 * {@code error:} followed by its {@code :error-code}, and its {@code :error-message} as the data.
 * A message larger than the limit fails with a {@link ProviderException} coded
 * {@code response_too_large}; a CRC that does not match, a prelude that does not add up, or a
 * payload that is not UTF-8, with a {@link MalformedResponseException}. Thread safe; its readers
 * are not.
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
    private final BufferedSource source;
    private final String provider;
    private final long limit;
    private long offset;
    private boolean endedInFrame;
    private @Nullable String type;
    private final EventData data = new EventData();

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
      CRC32 crc = new CRC32();
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
      byte[] frame = source.readByteArray(total);
      Message message;
      try {
        message = Message.decode(ByteBuffer.wrap(frame));
      } catch (RuntimeException e) {
        throw malformed("the message cannot be decoded (" + e.getMessage() + ")");
      }
      offset += total;
      Map<String, HeaderValue> h = message.getHeaders();
      String messageType = string(h, ":message-type");
      if (messageType == null || messageType.equals("event")) {
        type = string(h, ":event-type");
        setPayload(message.getPayload());
      } else if (messageType.equals("exception")) {
        String exceptionType = string(h, ":exception-type");
        type = "exception:" + (exceptionType == null ? "" : exceptionType);
        setPayload(message.getPayload());
      } else if (messageType.equals("error")) {
        String code = string(h, ":error-code");
        type = "error:" + (code == null ? "" : code);
        String m = string(h, ":error-message");
        byte[] text = (m == null ? "" : m).getBytes(StandardCharsets.UTF_8);
        data.set(text, 0, text.length);
      } else {
        type = messageType + ":";
        setPayload(message.getPayload());
      }
      return true;
    }

    private static long uint32(Buffer buffer, long at) {
      return ((buffer.getByte(at) & 0xFFL) << 24) | ((buffer.getByte(at + 1) & 0xFFL) << 16)
          | ((buffer.getByte(at + 2) & 0xFFL) << 8) | (buffer.getByte(at + 3) & 0xFFL);
    }

    private static @Nullable String string(Map<String, HeaderValue> headers, String name) {
      HeaderValue v = headers.get(name);
      if (v == null) {
        return null;
      }
      try {
        return v.getString();
      } catch (RuntimeException e) {
        return v.toString(); // a header of another type: still something to report
      }
    }

    /** The payload, once checked to be well-formed UTF-8, as the event's data. */
    private void setPayload(byte[] payload) {
      try {
        StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(payload));
      } catch (CharacterCodingException e) {
        throw malformed("the payload is not valid UTF-8");
      }
      data.set(payload, 0, payload.length);
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
