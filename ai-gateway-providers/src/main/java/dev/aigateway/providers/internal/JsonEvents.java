package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.jspecify.annotations.Nullable;

/**
 * Reads a stream's JSON events with one Jackson streaming parser for the whole stream, given each
 * event's bytes where they lie ({@link EventData}), so that an event costs no parser, no tree and
 * no string but those a decoder asks for.
 *
 * <p>How: the parser reads from an input of our own that holds one event at a time. The decoder
 * {@link #begin}s an event, which hands its bytes to the input and moves the parser onto the
 * event's {@code START_OBJECT} (a JSON parser accepts one root value after another); it reads the
 * object's fields; {@link #end()} checks the event. Should the parser want bytes past the event's
 * end, the event is cut short: the input says end of data, the parser throws, and the next event
 * gets a new parser. Why not the alternatives: a parser made per event allocates several hundred
 * bytes of parser state each time (its contexts, symbol table, buffers), and Jackson's
 * non-blocking parser, made to be fed, decodes every string eagerly and measured slower here.
 *
 * <p>Use: {@code begin}, read the fields of the object (skipping what is not needed), then
 * {@code end()}, before acting on what was read. {@code end} skips what the decoder left unread
 * and fails an event that held anything but white space after its object. Not thread safe: one
 * per stream.
 */
public final class JsonEvents {
  private final Feed feed = new Feed();
  private final Rest rest = new Rest();
  private @Nullable JsonParser parser;
  private boolean open;

  /** A reader with no parser yet; the first {@link #begin} makes it. */
  public JsonEvents() {}

  /**
   * Starts reading {@code data}, which must be a JSON object.
   *
   * @return the parser, on the object's {@code START_OBJECT}
   * @throws IOException when the data does not start with a JSON object
   */
  public JsonParser begin(EventData data) throws IOException {
    feed.set(data);
    JsonParser p = parser;
    if (p == null || open) { // the first event, or the last one failed half-way
      if (p != null) {
        p.close();
      }
      p = Json.MAPPER.getFactory().createParser(feed);
      parser = p;
    }
    open = true;
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, first == null
          ? "the event holds no JSON value" : "the event is not a JSON object but " + first);
    }
    return p;
  }

  /**
   * Ends the event begun last: skips what the decoder did not read of its object, then checks
   * that only white space follows it.
   *
   * @throws IOException when the object is cut short, or something follows it
   */
  public void end() throws IOException {
    JsonParser p = parser;
    if (p == null || !open) {
      throw new IllegalStateException("end() without begin()");
    }
    while (!(p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext().inRoot())) {
      if (p.nextToken() == null) {
        throw new JsonParseException(p, "the event's JSON object is cut short");
      }
    }
    // What follows must be white space: the bytes the parser holds unread, and those it has not
    // taken from the event yet. Asking the parser for the next token would ask for more input.
    rest.onlySpace = true;
    p.releaseBuffered(rest);
    feed.drainTo(rest);
    if (!rest.onlySpace) {
      throw new JsonParseException(p, "the event holds more than one JSON value");
    }
    open = false;
  }

  /**
   * Releases the parser, which hands its buffers back to Jackson's pool for the next stream read
   * on this thread (a parser never closed leaves the next one to allocate its own). A later
   * {@link #begin} makes a new parser.
   */
  public void close() {
    JsonParser p = parser;
    parser = null;
    open = false;
    if (p != null) {
      try {
        p.close();
      } catch (IOException e) {
        // the input is our own and holds nothing to close
      }
    }
  }

  /** The parser's input: the current event's bytes, then "no more" until the next event. */
  private static final class Feed extends InputStream {
    private byte[] bytes = new byte[0];
    private int pos;
    private int end;

    void set(EventData data) {
      bytes = data.bytes();
      pos = data.offset();
      end = data.offset() + data.length();
    }

    void drainTo(OutputStream out) throws IOException {
      out.write(bytes, pos, end - pos);
      pos = end;
    }

    @Override
    public int read() {
      return pos < end ? bytes[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      if (pos == end) {
        return -1; // the parser wants bytes past the event: it is cut short
      }
      int n = Math.min(len, end - pos);
      System.arraycopy(bytes, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** Receives the bytes after an event's object, and says whether they were all white space. */
  private static final class Rest extends OutputStream {
    boolean onlySpace;

    @Override
    public void write(int b) {
      onlySpace &= b == ' ' || b == '\n' || b == '\r' || b == '\t';
    }

    @Override
    public void write(byte[] b, int off, int len) {
      for (int i = off; i < off + len; i++) {
        write(b[i]);
      }
    }
  }
}
