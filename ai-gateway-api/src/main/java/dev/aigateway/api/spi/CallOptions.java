package dev.aigateway.api.spi;

import dev.aigateway.api.AttributeKey;
import java.time.Duration;

/**
 * Per-call timeouts that travel on the request as attributes, so that one request can tighten
 * them: {@code ChatRequest.builder()...attribute(CallOptions.CONNECT_TIMEOUT, d)}. The gateway
 * also sets them on every attempt from its (or the route's) resilience settings; a request's own
 * value wins. The request's total deadline is {@link dev.aigateway.api.ChatRequest#timeout()}.
 */
public final class CallOptions {
  /**
   * How long an attempt may take to connect to the vendor. HTTP adapters honour it over their
   * own {@code connectTimeout}.
   */
  public static final AttributeKey<Duration> CONNECT_TIMEOUT =
      AttributeKey.of("connectTimeout", Duration.class);

  /**
   * How long an attempt of a stream may wait for its first chunk before it fails with a
   * retryable {@link dev.aigateway.api.GatewayTimeoutException} (phase {@code FIRST_CHUNK}).
   */
  public static final AttributeKey<Duration> FIRST_CHUNK_TIMEOUT =
      AttributeKey.of("firstChunkTimeout", Duration.class);

  private CallOptions() {}
}
