package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads the field names of one kind of JSON object in a stream (OpenAI's chunk, its choice, its
 * delta) expecting them in the order the same kind of object had last time, which a vendor
 * keeps from one event to the next.
 *
 * <p>Why: finding a field's name is a fifth of what Jackson spends on a stream event, because
 * the parser hashes every name's bytes and looks them up among the names it has seen. Told
 * which name to expect ({@link JsonParser#nextFieldName(com.fasterxml.jackson.core.SerializableString)}),
 * it compares the bytes instead, and hashes only when they differ. Nothing is taken on trust: a
 * name that is not the expected one is read as usual, so an object in another order, with
 * fields missing or added, reads the same, only without the shortcut there. The order is
 * learned from what was read: the first object sets it, and a name met at another place
 * replaces the one expected there.
 *
 * <p>Use: {@link #start()} when the parser is on the object's {@code START_OBJECT}, then
 * {@link #next} for each field until it returns null (the parser is then on
 * {@code END_OBJECT}). Allocates only while it learns an order: its two small arrays on the
 * first name, and each name's bytes once. Holds at most {@value #MAX} names; fields past that
 * are read as usual.
 * Not thread safe: one per kind of object per stream.
 */
public final class FieldOrder {
  private static final int MAX = 16;

  private static final SerializedString[] NONE = new SerializedString[0];

  /** The names expected, in order; {@code null} past what was learned. Made on first use. */
  private @Nullable SerializedString[] expected = NONE;
  /** Every name learned so far, so that one seen at a new place costs nothing again. */
  private SerializedString[] known = NONE;
  private int knownCount;
  private int position;

  /** An order with nothing learned yet. */
  public FieldOrder() {}

  /** Begins an object: the next field expected is the first of the order. */
  public void start() {
    position = 0;
  }

  /**
   * Moves the parser onto the object's next field name and returns it, or returns null when the
   * object ends (the parser on {@code END_OBJECT}). The name equals
   * {@link JsonParser#currentName()}, which the parser sets to it.
   *
   * @throws IOException when the JSON is malformed
   */
  public @Nullable String next(JsonParser p) throws IOException {
    int at = position;
    SerializedString guess = at < expected.length ? expected[at] : null;
    JsonToken token;
    if (guess == null) {
      token = p.nextToken();
    } else if (p.nextFieldName(guess)) {
      position = at + 1;
      return guess.getValue();
    } else {
      token = p.currentToken(); // another name, or the object's end
    }
    if (token != JsonToken.FIELD_NAME) {
      return null;
    }
    String name = p.currentName();
    if (at < MAX) {
      if (expected == NONE) {
        expected = new SerializedString[MAX];
        known = new SerializedString[MAX];
      }
      expected[at] = learn(name);
    }
    position = at + 1;
    return name;
  }

  /** The name's serialized form, made once per name. */
  private @Nullable SerializedString learn(String name) {
    for (int i = 0; i < knownCount; i++) {
      SerializedString s = known[i];
      if (s.getValue().equals(name)) {
        return s;
      }
    }
    if (knownCount == MAX) {
      return null; // an object with more names than this is not worth predicting
    }
    SerializedString s = new SerializedString(name);
    known[knownCount++] = s;
    return s;
  }
}
