package dev.aigateway.core.cache;

import dev.aigateway.api.AttributeKey;

/**
 * Tells stages above the cache whether the answer came from it. Put on the request by an outer
 * stage; the cache marks it. Thread safe.
 */
public final class CacheHit {
  /** The request attribute an outer stage stores a fresh marker under before it proceeds. */
  public static final AttributeKey<CacheHit> ATTRIBUTE = AttributeKey.of("cacheHit", CacheHit.class);

  private volatile boolean hit;

  /** A new, unmarked marker. */
  public CacheHit() {}

  /** Marks the call as answered by the cache (or by an identical call in flight). */
  public void mark() {
    hit = true;
  }

  /** Whether the cache answered the call, so that no upstream tokens were spent on it. */
  public boolean isHit() {
    return hit;
  }
}
