package dev.aigateway.api.spi;

import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The facts of one gateway call that carry no content: who called, for what model, where it was
 * routed, what was tried, what the cache said, and, once known, which vendor answered with what
 * model, usage and finish reason. This is what a {@link GatewayEventListener} is handed: never a
 * prompt, a completion or a key.
 *
 * <p>The facts fill in as the call proceeds; each accessor says when its value is known. Safe to
 * read from any thread; a value read while the call runs is the latest one published.
 */
public interface CallInfo {

  /** A number that tells this call apart from the gateway's others, for logs; from 1. */
  long callId();

  /** Whether the caller asked for a stream ({@code stream()}) rather than {@code chat()}. */
  boolean isStreaming();

  /** The model or route name as the application asked for it. */
  String requestedModel();

  /** The caller's client id, or null when the request named none. */
  @Nullable String clientId();

  /** The route that served the call, or null before routing or when the model named no route. */
  @Nullable String route();

  /** The targets routing chose, in the order they are tried; empty before routing. */
  List<Target> candidates();

  /** The target of the latest attempt, or null before the first. */
  @Nullable Target target();

  /** Upstream attempts sent so far; 0 for a cache hit or a call refused before any attempt. */
  int attempts();

  /** What the response cache said, or null when it was not consulted. */
  GatewayEventListener.@Nullable CacheOutcome cacheOutcome();

  /** Whether the answer came from the cache (or an identical call in flight). */
  boolean fromCache();

  /** The id of the provider that answered, or null until one did. */
  @Nullable String provider();

  /** The model the vendor reported, or null until known. */
  @Nullable String responseModel();

  /** The vendor's id for the answer, or null until known. */
  @Nullable String responseId();

  /** Why the model stopped, or null until the answer is complete. */
  @Nullable FinishReason finishReason();

  /** The usage reported so far (for a stream, once the vendor sent it), or null. */
  @Nullable Usage usage();

  /**
   * For a stream, the chunks handed to the subscriber so far (restart chunks included); 0 for
   * {@code chat()}.
   */
  int chunks();

  /** The ticker reading when the call started, in nanoseconds (see {@link Timing#ticker()}). */
  long startNanos();
}
