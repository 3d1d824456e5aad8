package dev.aigateway.spring.autoconfigure;

import io.github.bucket4j.distributed.proxy.ProxyManager;

/**
 * The shared backend of the rate limits, when the application has one (Redis, from
 * {@code ai-gateway.redis.url}): a type of this package, so that the gateway's configuration
 * never names the Redis module's classes, which may be absent.
 */
@FunctionalInterface
interface LimitsBackend {
  /** The buckets' backend. */
  ProxyManager<String> backend();
}
