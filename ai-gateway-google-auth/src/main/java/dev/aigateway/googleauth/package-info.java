/**
 * Google OAuth for Vertex AI: {@link dev.aigateway.googleauth.GoogleTokens} turns
 * google-auth-library's credentials into the {@code TokenSupplier} that
 * {@code VertexAiProvider} takes. An optional module, so that applications that do not call
 * Google Cloud do not get google-auth-library and its dependencies.
 */
@NullMarked
package dev.aigateway.googleauth;

import org.jspecify.annotations.NullMarked;
