/**
 * The OpenAI adapter, {@link dev.aigateway.providers.openai.OpenAiProvider}, and presets for
 * OpenAI-compatible vendors ({@link dev.aigateway.providers.openai.OpenAiCompatible}), on the
 * Chat Completions wire format ({@link dev.aigateway.providers.openai.ChatCompletions}).
 */
package dev.aigateway.providers.openai;
