/**
 * Bearer-token authentication shared by the adapters that use it (Azure OpenAI with Entra ID,
 * Vertex AI with Google OAuth): {@link dev.aigateway.providers.auth.TokenSupplier} fetches
 * {@link dev.aigateway.providers.auth.AccessToken}s, which each adapter caches and refreshes
 * before they expire.
 */
@NullMarked
package dev.aigateway.providers.auth;

import org.jspecify.annotations.NullMarked;
