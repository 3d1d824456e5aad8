package dev.aigateway.providers.internal;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.auth.TokenSupplier;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The current bearer token of an adapter, fetched again within {@code margin} of its expiry.
 * Thread safe: the hot path is one volatile read and a comparison; a refresh holds a lock, so
 * the supplier is called by one thread at a time, and a refresh that fails while the old token
 * is still valid keeps the old one.
 */
public final class TokenCache {
  private final String provider;
  private final TokenSupplier supplier;
  private final Duration margin;
  private final Clock clock;
  private final Object lock = new Object();
  private volatile @Nullable AccessToken current;

  /**
   * @param provider the provider's id, for error messages
   * @param margin how long before its expiry a token is fetched again
   */
  public TokenCache(String provider, TokenSupplier supplier, Duration margin, Clock clock) {
    this.provider = Objects.requireNonNull(provider, "provider");
    this.supplier = Objects.requireNonNull(supplier, "supplier");
    this.margin = Objects.requireNonNull(margin, "margin");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The token to send now.
   *
   * @throws AuthenticationException coded {@code token_unavailable} when the supplier fails or
   *     returns no token that is still valid, and the one held has expired
   */
  public String current() {
    Instant now = clock.instant();
    AccessToken t = current;
    if (t != null && now.isBefore(t.expiresAt().minus(margin))) {
      return t.reveal();
    }
    synchronized (lock) {
      t = current;
      if (t != null && now.isBefore(t.expiresAt().minus(margin))) {
        return t.reveal(); // another thread refreshed it meanwhile
      }
      AccessToken fresh;
      try {
        fresh = supplier.fetch();
      } catch (Exception e) {
        if (t != null && now.isBefore(t.expiresAt())) {
          return t.reveal(); // refresh failed early; the old token is still good
        }
        throw new AuthenticationException(provider, 0, "token_unavailable",
            provider + ": the token supplier failed: " + e.getClass().getSimpleName()
                + (e.getMessage() != null ? ": " + e.getMessage() : ""), null);
      }
      if (fresh == null || !now.isBefore(fresh.expiresAt())) {
        throw new AuthenticationException(provider, 0, "token_unavailable",
            provider + ": the token supplier returned "
                + (fresh == null ? "null" : "a token that expired at " + fresh.expiresAt()),
            null);
      }
      current = fresh;
      return fresh.reveal();
    }
  }

  /**
   * Checks a refresh margin as the builders take it.
   *
   * @throws IllegalArgumentException when it is negative
   */
  public static Duration checkMargin(Duration margin) {
    Objects.requireNonNull(margin, "tokenRefreshMargin");
    if (margin.isNegative()) {
      throw new IllegalArgumentException("tokenRefreshMargin must not be negative");
    }
    return margin;
  }
}
