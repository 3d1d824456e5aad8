/**
 * Per-client rate limits and policies ({@link dev.aigateway.core.ratelimit.RateLimits}), a
 * vendor's own limits ({@link dev.aigateway.core.ratelimit.UpstreamLimits}) and the token
 * counting both charge by.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.ratelimit;

import org.jspecify.annotations.NullMarked;
