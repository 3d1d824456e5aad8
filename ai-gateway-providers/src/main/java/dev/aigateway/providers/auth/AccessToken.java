package dev.aigateway.providers.auth;

import java.time.Instant;
import java.util.Objects;

/**
 * A bearer token and when it expires, as a {@link TokenSupplier} returns it. Immutable. Its
 * {@link #toString()} shows the expiry only, never the token.
 */
public final class AccessToken {
  private final String token;
  private final Instant expiresAt;

  private AccessToken(String token, Instant expiresAt) {
    this.token = token;
    this.expiresAt = expiresAt;
  }

  /**
   * A token valid until {@code expiresAt}.
   *
   * @throws IllegalArgumentException when the token is blank
   */
  public static AccessToken of(String token, Instant expiresAt) {
    if (token == null || token.isBlank()) {
      throw new IllegalArgumentException("token must not be blank");
    }
    return new AccessToken(token, Objects.requireNonNull(expiresAt, "expiresAt"));
  }

  /** When the token expires. */
  public Instant expiresAt() {
    return expiresAt;
  }

  /** The token itself, for the {@code Authorization} header. Never log it. */
  public String reveal() {
    return token;
  }

  @Override
  public String toString() {
    return "AccessToken[expiresAt=" + expiresAt + "]";
  }
}
