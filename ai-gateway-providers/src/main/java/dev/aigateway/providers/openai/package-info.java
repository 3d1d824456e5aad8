/**
 * The OpenAI adapter, {@link dev.aigateway.providers.openai.OpenAiProvider}, and presets for
 * OpenAI-compatible vendors ({@link dev.aigateway.providers.openai.OpenAiCompatible}), on the
 * Chat Completions wire format. The format's code lives in
 * {@code dev.aigateway.providers.openai.internal}, which Azure OpenAI shares; it is not a
 * supported API.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.openai;

import org.jspecify.annotations.NullMarked;
