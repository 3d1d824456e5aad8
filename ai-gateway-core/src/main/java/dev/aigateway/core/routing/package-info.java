/**
 * Where requests go: routes with weighted splits, fallbacks and content rules, per-target
 * overrides, and the predicates and token estimate that rules decide by.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.routing;

import org.jspecify.annotations.NullMarked;
