/**
 * The gateway on Redis, for applications that run as many replicas:
 * {@link dev.aigateway.redis.RedisRateLimits}, rate limits exact across the fleet, and
 * {@link dev.aigateway.redis.RedisCacheStore}, the response cache every replica shares.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.redis;

import org.jspecify.annotations.NullMarked;
