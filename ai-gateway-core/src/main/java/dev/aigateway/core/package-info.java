/**
 * The gateway itself: {@link dev.aigateway.core.AiGateway} and its builder.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core;

import org.jspecify.annotations.NullMarked;
