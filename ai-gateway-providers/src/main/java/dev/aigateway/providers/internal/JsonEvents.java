package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads a stream's JSON events with one Jackson streaming parser for the whole stream, fed each
 * event's bytes where they lie ({@link EventData}), so that an event costs no parser, no copy of
 * its bytes and no tree: only the values a decoder asks for. It uses Jackson's non-blocking
 * parser because that is the one Jackson parser that can be given more input after it started;
 * a parser made per event would allocate several hundred bytes of parser state each time.
 *
 * <p>Use: {@link #begin} an event, read the fields of its object (the parser stands on its
 * {@code START_OBJECT}), then {@link #end()}, before acting on what was read. {@code end} checks
 * that the event held exactly one whole JSON object: an object cut short (which the non-blocking
 * parser reports as {@link JsonToken#NOT_AVAILABLE}, not as an error, and which ends a decoder's
 * field loop as the object's end would) or anything after it fails there, so a decoder never
 * emits what a broken event seemed to say. After a failure the next {@code begin} starts a new
 * parser. Not thread safe: one per stream.
 */
public final class JsonEvents {
  private @Nullable JsonParser parser;
  private @Nullable ByteArrayFeeder feeder;
  private @Nullable EventData current;
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
    JsonParser p = parser;
    if (p == null || open) { // the first event, or the last one failed half-way
      if (p != null) {
        p.close();
      }
      p = Json.MAPPER.getFactory().createNonBlockingByteArrayParser();
      parser = p;
      feeder = (ByteArrayFeeder) p.getNonBlockingInputFeeder();
    }
    open = true;
    current = data;
    feeder.feedInput(data.bytes(), data.offset(), data.offset() + data.length());
    JsonToken first = p.nextToken();
    if (first != JsonToken.START_OBJECT) {
      throw new JsonParseException(p, first == JsonToken.NOT_AVAILABLE || first == null
          ? "the event holds no JSON value" : "the event is not a JSON object but " + first);
    }
    return p;
  }

  /**
   * Ends the event begun last: skips what the decoder did not read of its object, then checks
   * that the object was whole and that only white space follows it.
   *
   * @throws IOException when the object is cut short, or something follows it
   */
  public void end() throws IOException {
    JsonParser p = parser;
    if (p == null || !open) {
      throw new IllegalStateException("end() without begin()");
    }
    while (!(p.currentToken() == JsonToken.END_OBJECT && p.getParsingContext().inRoot())) {
      JsonToken t = p.nextToken();
      if (t == JsonToken.NOT_AVAILABLE || t == null) {
        throw new JsonParseException(p, "the event's JSON object is cut short");
      }
    }
    JsonToken after = p.nextToken();
    // NOT_AVAILABLE also means that a value after the object began and may go on in more input
    // (a number, true, a string left open), which the next event would then be read into. An
    // object that stands alone is the last thing in the event but white space, so its last byte
    // is the object's closing brace. (A string left open whose last character is a brace is only
    // caught at the next event, which then fails.)
    if (after != JsonToken.NOT_AVAILABLE || !endsWithBrace(current)) {
      throw new JsonParseException(p, "the event holds more than one JSON value");
    }
    open = false;
    current = null;
  }

  private static boolean endsWithBrace(@Nullable EventData data) {
    if (data == null) {
      return false;
    }
    byte[] b = data.bytes();
    for (int i = data.offset() + data.length() - 1; i >= data.offset(); i--) {
      byte c = b[i];
      if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
        return c == '}';
      }
    }
    return false;
  }
}
