/**
 * The response cache: its settings ({@link dev.aigateway.core.cache.ResponseCache}), the key
 * a request is cached under, and the store that keeps the entries.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.cache;

import org.jspecify.annotations.NullMarked;
