package dev.aigateway.providers.internal;

import java.nio.charset.StandardCharsets;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One stream event's payload as its {@link Framing} read it: UTF-8 bytes in a buffer that the
 * reader reuses. A decoder reads them where they are ({@link JsonEvents} parses them in place), or
 * asks for their {@link #text()}, which is made on first use and kept. Valid until the reader
 * reads the next event: a decoder that keeps anything copies it out. Not thread safe; owned by
 * the stream's reading thread.
 */
public final class EventData {
  private byte[] bytes = new byte[0];
  private int offset;
  private int length;
  private @Nullable String text;

  /** Empty data; a reader sets it with {@link #set} for each event. */
  public EventData() {}

  /** Data over a copy of {@code text}'s UTF-8 bytes, for tests and for framings that have text. */
  public static EventData of(String text) {
    EventData d = new EventData();
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    d.set(b, 0, b.length);
    d.text = text;
    return d;
  }

  /**
   * Points at {@code length} bytes of {@code bytes} from {@code offset}, which the caller leaves
   * unchanged until the next {@code set}.
   */
  public void set(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    this.bytes = bytes;
    this.offset = offset;
    this.length = length;
    this.text = null;
  }

  /** The buffer that holds the payload; read only {@link #length()} bytes from {@link #offset()}. */
  public byte[] bytes() {
    return bytes;
  }

  /** Where the payload starts in {@link #bytes()}. */
  public int offset() {
    return offset;
  }

  /** The payload's length in bytes. */
  public int length() {
    return length;
  }

  /** The payload decoded as UTF-8 (the framing checked it), made once per event. */
  public String text() {
    String t = text;
    if (t == null) {
      t = new String(bytes, offset, length, StandardCharsets.UTF_8);
      text = t;
    }
    return t;
  }

  /**
   * Whether the payload, without the ASCII white space around it, is {@code ascii} (such as
   * OpenAI's {@code [DONE]}); reads the bytes, makes no string.
   */
  public boolean is(String ascii) {
    int from = offset;
    int to = offset + length;
    while (from < to && bytes[from] <= ' ' && bytes[from] >= 0) {
      from++;
    }
    while (to > from && bytes[to - 1] <= ' ' && bytes[to - 1] >= 0) {
      to--;
    }
    if (to - from != ascii.length()) {
      return false;
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (bytes[from + i] != ascii.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /** Only the size: the payload may hold an answer, which is not for logs. */
  @Override
  public String toString() {
    return "EventData(" + length + " bytes)";
  }
}
