package dev.aigateway.providers.auth;

/**
 * Fetches bearer tokens for an adapter that authenticates with them: Azure OpenAI with Microsoft
 * Entra ID (for example Azure Identity's {@code TokenCredential} with the scope
 * {@code https://cognitiveservices.azure.com/.default}), Vertex AI with Google OAuth (the
 * {@code ai-gateway-google-auth} module's {@code GoogleTokens}, or any source of
 * {@code cloud-platform} tokens).
 *
 * <p>The adapter keeps the current token and calls {@link #fetch()} again only within its refresh
 * margin of the expiry, one thread at a time, so an implementation may block and need not cache.
 * When a refresh fails while the old token is still valid, the old one is used; when there is
 * no valid token, the call fails with an {@code AuthenticationException} coded
 * {@code token_unavailable}, and nothing is sent.
 */
@FunctionalInterface
public interface TokenSupplier {
  /** A fresh token. */
  AccessToken fetch() throws Exception;
}
