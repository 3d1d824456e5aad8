package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.ChatResult;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An answer as the cache keeps it: the complete response of a {@code chat()}, or the chunks of a
 * completed stream in their order. Immutable.
 */
final class CachedAnswer {
  private final @Nullable ChatResponse response; // null for a stream
  private final @Nullable List<ChatChunk> chunks; // null for a response
  private volatile @Nullable ChatResponse hit; // asHitResponse(), once worked out

  private CachedAnswer(@Nullable ChatResponse response, @Nullable List<ChatChunk> chunks) {
    this.response = response;
    this.chunks = chunks;
  }

  static CachedAnswer of(ChatResponse response) {
    return new CachedAnswer(response, null);
  }

  static CachedAnswer ofChunks(List<ChatChunk> chunks) {
    return new CachedAnswer(null, List.copyOf(chunks));
  }

  boolean isStream() {
    return chunks != null;
  }

  @Nullable ChatResponse response() {
    return response;
  }

  @Nullable List<ChatChunk> chunks() {
    return chunks;
  }

  /**
   * The answer as a cache hit returns it to {@code chat()}: folded, 0 attempts, from cache.
   * Worked out on the first such hit and kept (the answer is immutable, so a race only works it
   * out twice), so that later hits return the same response without folding or copying.
   */
  ChatResponse asHitResponse() {
    ChatResponse h = hit;
    if (h == null) {
      h = foldForHit();
      hit = h;
    }
    return h;
  }

  private ChatResponse foldForHit() {
    ChatResponse r = response;
    if (r == null) {
      StreamAccumulator acc = new StreamAccumulator();
      for (ChatChunk c : chunks) {
        acc.accept(c);
      }
      r = acc.toResponse();
    } else if (r.fromCache() && r.attempts() == 0) {
      return r;
    }
    return r.toBuilder().attempts(0).fromCache(true).build();
  }

  /**
   * The answer as a hit returns it: a stream replays the chunks in order, honouring demand;
   * {@code chat()} gets the folded response. A response asked for as a stream becomes a single
   * chunk (see {@link ChatResult#chunks()}).
   */
  ChatResult toResult(boolean streaming) {
    if (streaming && chunks != null) {
      return ChatResult.ofStream(new ReplayPublisher(chunks));
    }
    return ChatResult.of(asHitResponse());
  }
}
