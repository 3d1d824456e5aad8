package dev.aigateway.core.cache;

import dev.aigateway.api.AttributeKey;

/**
 * Tells stages above the cache whether the answer came from it. Put on the request by an outer
 * stage; the cache marks it. Thread safe: the mark is visible to any thread once made.
 */
public final class CacheHit {
  /** The request attribute under which an outer stage puts a {@code CacheHit} for the cache. */
  public static final AttributeKey<CacheHit> ATTRIBUTE =
      AttributeKey.of("cacheHit", CacheHit.class);

  private volatile boolean hit;

  /** A marker that says "not from the cache" until {@link #mark()} is called. */
  public CacheHit() {}

  /** Records that the answer was served from the cache. Called by the cache; idempotent. */
  public void mark() {
    hit = true;
  }

  /** Whether the cache served the answer. */
  public boolean isHit() {
    return hit;
  }
}
