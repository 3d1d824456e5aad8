package dev.aigateway.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * The one interface an application talks to, whatever vendor ends up answering.
 *
 * <p>Implementations are thread safe: one client serves any number of concurrent calls.
 *
 * <p>Every failure is an unchecked {@link AiGatewayException} subtype, so callers can catch the
 * kinds they handle (for example {@link RateLimitExceededException}) and let the rest propagate.
 */
public interface ChatClient {

  /**
   * Sends {@code request} and blocks until the whole answer has arrived.
   *
   * @throws AiGatewayException when no answer could be obtained; the subtype says why
   */
  ChatResponse chat(ChatRequest request);

  /**
   * Sends {@code request} without blocking the calling thread. The future completes with the
   * answer, or exceptionally with the same {@link AiGatewayException} that {@link #chat} would
   * have thrown. Cancelling the future abandons the call.
   */
  CompletableFuture<ChatResponse> chatAsync(ChatRequest request);

  /**
   * Returns a cold publisher of the answer's chunks. Nothing is sent until a subscriber
   * subscribes and requests; each publisher accepts one subscriber. The stream ends with exactly
   * one {@code onComplete} (after the chunk that carries {@link ChatChunk#finishReason()}) or one
   * {@code onError} carrying an {@link AiGatewayException}. Cancelling the subscription aborts
   * the vendor exchange.
   */
  Flow.Publisher<ChatChunk> stream(ChatRequest request);
}
