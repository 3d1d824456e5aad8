package dev.aigateway.providers.internal;

import dev.aigateway.api.ChatChunk;
import org.jspecify.annotations.Nullable;

/**
 * Turns one vendor's server-sent events into {@link ChatChunk}s. One instance per stream, used
 * from the stream's reading thread only, so implementations need not be thread safe.
 */
public interface StreamDecoder {

  /**
   * Handles one event. Emits zero or more chunks through {@code sink}; stops early when
   * {@link Sink#emit} returns false.
   *
   * @param type the SSE event name, or null when the event had none
   * @param data the event's data lines, joined by newlines
   * @throws dev.aigateway.api.AiGatewayException for a vendor error event, or an event that
   *     cannot be read (a {@link dev.aigateway.api.MalformedResponseException})
   */
  void onEvent(@Nullable String type, String data, Sink sink);

  /** Whether the vendor's terminal event has arrived; after it the stream completes. */
  boolean isComplete();

  /** The terminal event's name, for the error raised when a stream stops short of it. */
  String terminalEvent();

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
