package dev.aigateway.core.cache;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.jspecify.annotations.Nullable;

/**
 * Where the response cache keeps its entries: opaque byte values under {@link CacheKey}s, with a
 * time to live. The default is {@link InMemoryCacheStore}; a shared store (Redis, for a fleet of
 * replicas) implements the same interface.
 *
 * <p>Operations are asynchronous so that a remote store need not block a thread. An in-memory
 * store returns completed futures. Implementations must be thread safe and must not throw from
 * these methods; they report failures through the returned future.
 *
 * <p><b>The gateway tolerates a slow or failing store.</b> A {@code get} that fails, or that has
 * not completed within {@link ResponseCache#lookupTimeout()}, counts as a miss (the first failure
 * is logged at WARN, later ones at DEBUG) and the call goes to the vendor. A failed {@code put} is
 * logged and otherwise ignored. A value the gateway cannot read (corrupt, or written by another
 * version) is a miss too. The gateway never waits for a {@code put}.
 */
public interface CacheStore {

  /**
   * The value stored under {@code key}. The future completes with null when there is none (or
   * it expired).
   */
  CompletableFuture<byte @Nullable []> get(CacheKey key);

  /**
   * Stores {@code value} under {@code key} for {@code ttl}, replacing any value there. The store
   * owns {@code value} from now on; the caller does not change it.
   */
  CompletableFuture<@Nullable Void> put(CacheKey key, byte[] value, Duration ttl);

  /** Removes the value under {@code key}, if any. */
  CompletableFuture<@Nullable Void> invalidate(CacheKey key);
}
