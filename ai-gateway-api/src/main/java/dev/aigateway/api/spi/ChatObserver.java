package dev.aigateway.api.spi;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import org.jspecify.annotations.Nullable;

/**
 * Watches one call's outcome without changing it; attach one with {@link ChatResult#observe}.
 *
 * <p>For a complete result {@link #onComplete} runs at once. For a stream, {@link #onChunk} runs
 * for each chunk as the subscriber receives it, then exactly one of {@link #onComplete},
 * {@link #onError} or {@link #onCancel}. Callbacks run on the thread that delivers the stream, so
 * they must be quick and must not block. An exception thrown from {@code onChunk} or
 * {@code onComplete} fails the call with that exception.
 */
public interface ChatObserver {

  /** A chunk is about to reach the subscriber. */
  default void onChunk(ChatChunk chunk) {}

  /**
   * The call completed. For a stream, {@code response} is its chunks folded together; it is null
   * only for a stream that completed without any chunk.
   */
  default void onComplete(@Nullable ChatResponse response) {}

  /** The stream failed after it had started. */
  default void onError(Throwable error) {}

  /** The subscriber cancelled the stream. May run on any thread. */
  default void onCancel() {}

  /**
   * Whether {@link #onComplete} needs the stream's chunks folded into a response. An observer
   * that only wants to know that the stream ended returns false, and the chunks are passed
   * through without being accumulated; {@code onComplete} then receives null for a stream.
   */
  default boolean needsResponse() {
    return true;
  }
}
