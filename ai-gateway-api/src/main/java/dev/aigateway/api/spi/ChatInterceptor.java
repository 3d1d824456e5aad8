package dev.aigateway.api.spi;

import dev.aigateway.api.ChatRequest;

/**
 * The gateway's one extension point for cross-cutting behaviour, modelled on OkHttp's
 * {@code Interceptor}. The gateway's own routing, caching, rate limiting, retries and observation
 * are interceptors too.
 *
 * <p>One interceptor serves both {@code chat()} and {@code stream()}: {@link Chain#proceed}
 * returns a {@link ChatResult}, which is a complete response for {@code chat()} and a stream of
 * chunks for {@code stream()} ({@link Chain#isStreaming()} says which). An interceptor may:
 * <ul>
 *   <li>change the request on its way down, by passing another request to {@code proceed};
 *   <li>short-circuit, by returning a result without calling {@code proceed} (the cache does);
 *   <li>call {@code proceed} again after a failure (retry and failover do);
 *   <li>watch the outcome with {@link ChatResult#observe}.
 * </ul>
 *
 * <p><b>When {@code proceed} returns.</b> For {@code chat()}, once the whole answer is in. For
 * {@code stream()}, once the <em>first chunk</em> has arrived: a failure before that is thrown
 * from {@code proceed}, exactly as in a plain call, so the same try/catch retries both; a failure
 * after it reaches the subscriber through the stream.
 *
 * <p><b>Obligations.</b> Interceptors are shared by all calls, so they must be thread safe.
 * {@code intercept} must return a result or throw; it must not return null. A stream result that
 * {@code proceed} returned and the interceptor then drops without using ({@link ChatResult#chunks},
 * {@link ChatResult#observe} or {@link ChatResult#response}) is discarded by the chain, which
 * closes its connection; so is every such result when the interceptor throws. A stream result's
 * subscription may be cancelled from any thread, also while a {@code request} is in progress on
 * another (so that a cancel closes the vendor's connection at once, whatever the demand): a
 * publisher an interceptor returns in place of the one it got must allow that, as those of
 * {@link ChatResult#observe} and the gateway's own do.
 */
@FunctionalInterface
public interface ChatInterceptor {

  /** Handles one call; see the class documentation. */
  ChatResult intercept(Chain chain);

  /** The rest of the pipeline, as seen from one interceptor. */
  interface Chain {

    /** The request as it reached this interceptor. */
    ChatRequest request();

    /** Whether the caller asked for a stream ({@code stream()}) rather than {@code chat()}. */
    boolean isStreaming();

    /**
     * The call this chain belongs to: one per {@code chat}, {@code chatAsync} or {@code stream},
     * shared by every stage and attempt. Its cancellation, deadline, attempts and listener are
     * where an interceptor finds the call's execution state.
     */
    GatewayCall call();

    /**
     * Passes {@code request} to the rest of the pipeline and returns its result. May be called
     * more than once, for retries.
     *
     * @throws dev.aigateway.api.AiGatewayException when the rest of the pipeline fails before an
     *     answer (or, for a stream, its first chunk) arrived
     */
    ChatResult proceed(ChatRequest request);
  }
}
