/**
 * The OpenAI Chat Completions wire format ({@link
 * dev.aigateway.providers.openai.internal.ChatCompletions}), shared by the OpenAI adapter, its
 * compatible presets and the Azure OpenAI adapter.
 *
 * <p>The types here are public only so that those adapter packages can share them. They are not a
 * supported API and may change in any release.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.openai.internal;

import org.jspecify.annotations.NullMarked;
