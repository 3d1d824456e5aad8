/**
 * The adapter for Anthropic's Messages API: {@link dev.aigateway.providers.anthropic.AnthropicProvider}.
 * Everything else in this package is an implementation detail.
 */
package dev.aigateway.providers.anthropic;
