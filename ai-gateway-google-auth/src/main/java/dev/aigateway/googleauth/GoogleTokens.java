package dev.aigateway.googleauth;

import com.google.auth.oauth2.GoogleCredentials;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.auth.TokenSupplier;
import java.io.IOException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Google OAuth access tokens for {@code VertexAiProvider}, from google-auth-library's
 * {@link GoogleCredentials}: application default credentials (the
 * {@code GOOGLE_APPLICATION_CREDENTIALS} file, {@code gcloud auth application-default login},
 * workload identity, or the metadata server on Google Cloud) or a credential the application
 * made itself.
 *
 * <pre>{@code
 * VertexAiProvider vertex = VertexAiProvider.builder()
 *     .project("my-project")
 *     .tokenSupplier(GoogleTokens.applicationDefault())
 *     .build();
 * }</pre>
 *
 * <p>Credentials that need a scope get {@value #CLOUD_PLATFORM}. The provider keeps the token and
 * calls {@link #fetch()} only within its refresh margin of the expiry (5 minutes by default), so
 * each fetch refreshes the credential: the token returned is always a new one, whatever the
 * credential's own cache holds. A token the credential gives without an expiry (a fixed token)
 * is used until the vendor refuses it. Thread safe. {@link #toString()} names the credential's
 * type, never a token.
 */
public final class GoogleTokens implements TokenSupplier {
  /** The OAuth scope Vertex AI takes. */
  public static final String CLOUD_PLATFORM = "https://www.googleapis.com/auth/cloud-platform";

  private final GoogleCredentials credentials;

  private GoogleTokens(GoogleCredentials credentials) {
    this.credentials = credentials.createScopedRequired()
        ? credentials.createScoped(List.of(CLOUD_PLATFORM)) : credentials;
  }

  /**
   * Tokens from the application default credentials, looked up now.
   *
   * @throws IllegalStateException when there are none, saying where they are looked for
   */
  public static GoogleTokens applicationDefault() {
    try {
      return new GoogleTokens(GoogleCredentials.getApplicationDefault());
    } catch (IOException e) {
      throw new IllegalStateException("no Google application default credentials (set"
          + " GOOGLE_APPLICATION_CREDENTIALS to a credentials file, run `gcloud auth"
          + " application-default login`, or run on Google Cloud): " + e.getMessage(), e);
    }
  }

  /** Tokens from {@code credentials}, scoped to {@value #CLOUD_PLATFORM} when they need a scope. */
  public static GoogleTokens of(GoogleCredentials credentials) {
    return new GoogleTokens(Objects.requireNonNull(credentials, "credentials"));
  }

  /**
   * Refreshes the credential and returns its new token.
   *
   * @throws IOException when the credential cannot be refreshed (the provider then keeps a token
   *     that is still valid, or fails the call with {@code token_unavailable})
   */
  @Override
  public AccessToken fetch() throws IOException {
    credentials.refresh();
    com.google.auth.oauth2.AccessToken token = credentials.getAccessToken();
    if (token == null || token.getTokenValue() == null || token.getTokenValue().isBlank()) {
      throw new IOException(credentials.getClass().getSimpleName() + " gave no access token");
    }
    Date expiry = token.getExpirationTime();
    return AccessToken.of(token.getTokenValue(), expiry == null ? Instant.MAX : expiry.toInstant());
  }

  @Override
  public String toString() {
    return "GoogleTokens[" + credentials.getClass().getSimpleName() + "]";
  }
}
