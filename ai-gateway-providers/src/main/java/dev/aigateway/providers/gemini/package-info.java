/**
 * The Google Gemini adapter, {@link dev.aigateway.providers.gemini.GeminiProvider}: the
 * {@code generateContent} and {@code streamGenerateContent} API of the Gemini Developer API.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.gemini;

import org.jspecify.annotations.NullMarked;
