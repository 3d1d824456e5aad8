/**
 * The Azure OpenAI adapter, {@link dev.aigateway.providers.azure.AzureOpenAiProvider}: OpenAI's
 * Chat Completions format on Azure's deployment or v1 URLs, with an {@code api-key} or Entra ID
 * bearer tokens.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.providers.azure;

import org.jspecify.annotations.NullMarked;
