/**
 * How hard the gateway tries: retries, circuit breakers and bulkheads
 * ({@link dev.aigateway.core.resilience.Resilience}), the classification of failures, the
 * timeouts and the gate that admits attempts to a target.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.resilience;

import org.jspecify.annotations.NullMarked;
