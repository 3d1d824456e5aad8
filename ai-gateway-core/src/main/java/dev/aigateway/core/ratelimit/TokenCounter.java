package dev.aigateway.core.ratelimit;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.core.routing.TokenEstimate;

/**
 * Estimates a request's input tokens before it is sent, so that rate limits can charge them up
 * front. Implementations must be thread safe, cheap (they run on every call), never throw for a
 * valid request, and return zero or more.
 *
 * <p>The estimate only has to be close: after the call the rate limits reconcile it with the
 * usage the vendor reported, refunding or charging the difference.
 */
@FunctionalInterface
public interface TokenCounter {

  /** The estimated input tokens of {@code request}, for the model in {@code request.model()}. */
  int inputTokens(ChatRequest request);

  /**
   * The default counter. For OpenAI models it counts with OpenAI's own tokenizer (jtokkit):
   * {@code o200k_base} for the {@code gpt-4o}, {@code gpt-4.1}, {@code gpt-5}, {@code o1},
   * {@code o3} and {@code o4} families, {@code cl100k_base} for the other {@code gpt-4} and
   * {@code gpt-3.5} models. It counts each message's text, tool calls and tool definitions,
   * plus {@value TiktokenCounter#TOKENS_PER_MESSAGE} tokens per message and
   * {@value TiktokenCounter#REPLY_PRIMING} for the reply's priming (OpenAI's documented format
   * overhead), and {@link TokenEstimate#TOKENS_PER_IMAGE} per image. The model is matched on
   * what follows its last {@code /}, so {@code openai/gpt-4o} counts as {@code gpt-4o}.
   *
   * <p>Every other model, route names included, is estimated with
   * {@link TokenEstimate#approximate} (about four characters per token).
   *
   * <p>Each encoding is loaded once per JVM, the first time a model that needs it is counted.
   */
  static TokenCounter standard() {
    return TiktokenCounter.INSTANCE;
  }

  /** {@link TokenEstimate#approximate} for every model: no tokenizer is loaded. */
  static TokenCounter approximate() {
    return TokenEstimate::approximate;
  }
}
