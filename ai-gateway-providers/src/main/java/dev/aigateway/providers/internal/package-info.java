/**
 * Plumbing shared by the vendor adapters: HTTP execution, SSE streaming with demand-driven reads,
 * error mapping, {@code Retry-After} parsing and credential redaction.
 *
 * <p>The types here are public only so that the adapter packages can share them. They are not a
 * supported API and may change in any release.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.internal;

import org.jspecify.annotations.NullMarked;
