package dev.aigateway.providers.internal;

import dev.aigateway.api.ChatChunk;
import org.jspecify.annotations.Nullable;

/**
 * Turns one vendor's stream events (server-sent events, or the frames of the vendor's
 * {@link Framing}) into {@link ChatChunk}s. One instance per stream, used
 * from the stream's reading thread only, so implementations need not be thread safe.
 *
 * <p>A stream completes in one of two ways: the vendor's terminal event arrives
 * ({@link #isComplete()}), or the body ends cleanly after the answer's finish reason
 * ({@link #onEndOfBody}), for servers that never send the terminal event. Anything else (a broken
 * connection, a body that ends before the finish reason) fails as truncated.
 */
public interface StreamDecoder {

  /**
   * Handles one event. Emits zero or more chunks through {@code sink}; stops early when
   * {@link Sink#emit} returns false.
   *
   * @param type the SSE event name (or the framing's event type, see
   *     {@link Framing.FrameReader#type()}), or null when the event had none
   * @param data the event's data lines, joined by newlines (or the frame's payload), valid only
   *     during this call; read JSON in it with a {@link JsonEvents}, kept for the whole stream
   * @throws dev.aigateway.api.AiGatewayException for a vendor error event, or an event that
   *     cannot be read (a {@link dev.aigateway.api.MalformedResponseException})
   */
  void onEvent(@Nullable String type, EventData data, Sink sink);

  /** Whether the vendor's terminal event has arrived; after it the stream completes. */
  boolean isComplete();

  /**
   * The body ended cleanly, its HTTP framing complete (the whole {@code Content-Length}, or the
   * chunked body's last chunk), before the terminal event. When a finish reason has arrived the
   * answer is whole: emits what the terminal event would have (the last chunk, with the finish
   * reason and the usage if any came) and returns true, and the stream completes. Returns false
   * when the answer stopped short of its finish reason, and the stream fails as truncated.
   */
  boolean onEndOfBody(Sink sink);

  /** The terminal event's name, for the error raised when a stream stops short of it. */
  String terminalEvent();

  /**
   * The stream is over (completed, failed or cancelled): releases what the decoder holds, such as
   * its {@link JsonEvents}' parser buffers. Called once, by the thread that read the stream last,
   * after the last {@link #onEvent}; must not throw. Does nothing by default.
   */
  default void close() {}

  /** Where a decoder puts its chunks. */
  interface Sink {
    /**
     * Delivers {@code chunk} to the subscriber, waiting for demand if there is none.
     *
     * @return false when the subscriber has cancelled: decoding should stop
     */
    boolean emit(ChatChunk chunk);
  }
}
