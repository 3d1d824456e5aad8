package dev.aigateway.api.spi;

import dev.aigateway.api.AttributeKey;
import java.time.Duration;

/**
 * A request's own timeouts, which override the route's and the gateway's: {@code
 * ChatRequest.builder()...attribute(CallOptions.CONNECT_TIMEOUT, d)}. They are read once, when
 * the call is routed; the request's total deadline is {@link dev.aigateway.api.ChatRequest#timeout()}.
 * See {@code Timeouts} in the core module for the whole table.
 */
public final class CallOptions {
  /** How long an attempt may take to connect to the vendor. */
  public static final AttributeKey<Duration> CONNECT_TIMEOUT =
      AttributeKey.of("connectTimeout", Duration.class);

  /**
   * How long an attempt of a stream may wait for its first chunk before it fails with a
   * retryable {@link dev.aigateway.api.GatewayTimeoutException} (phase {@code FIRST_CHUNK}).
   */
  public static final AttributeKey<Duration> FIRST_CHUNK_TIMEOUT =
      AttributeKey.of("firstChunkTimeout", Duration.class);

  /**
   * The longest silence while reading a reply: for {@code chat()} the wait for the whole reply,
   * for a stream the gap between two events once it has started.
   */
  public static final AttributeKey<Duration> IDLE_TIMEOUT =
      AttributeKey.of("idleTimeout", Duration.class);

  /**
   * Whether the stream's subscriber understands restart chunks
   * ({@link dev.aigateway.api.ChatChunk#isRestart()}): true lets the gateway rescue a stream that
   * failed mid-answer by asking again from the start, after one chunk that says "discard what you
   * have received". Unset or false, a stream that cannot be continued where it stopped ends with
   * {@code onError} carrying the partial text, as it always has. A route may say it for all its
   * requests ({@code Route.Builder.streamRestarts}); the request's own value wins.
   */
  public static final AttributeKey<Boolean> STREAM_RESTARTS =
      AttributeKey.of("streamRestarts", Boolean.class);

  private CallOptions() {}
}
