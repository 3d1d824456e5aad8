/**
 * The Google Gemini adapter, {@link dev.aigateway.providers.gemini.GeminiProvider}: the
 * {@code generateContent} and {@code streamGenerateContent} API of the Gemini Developer API.
 */
package dev.aigateway.providers.gemini;
