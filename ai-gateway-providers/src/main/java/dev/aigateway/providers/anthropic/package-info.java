/**
 * The adapter for Anthropic's Messages API: {@link dev.aigateway.providers.anthropic.AnthropicProvider}.
 * Everything else in this package is an implementation detail.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.anthropic;

import org.jspecify.annotations.NullMarked;
