package dev.aigateway.core.internal;

import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ClientSideConfig;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AbstractCompareAndSwapBasedProxyManager;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.AsyncCompareAndSwapOperation;
import io.github.bucket4j.distributed.proxy.generic.compare_and_swap.CompareAndSwapOperation;
import io.github.bucket4j.distributed.remote.RemoteBucketState;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Bucket4j backend that keeps serialized bucket states in a map and updates them by
 * compare-and-swap, as a remote store (Redis) would: it proves the rate limits work through the
 * {@code ProxyManager} SPI, not only with local buckets.
 */
final class InMemoryProxyManager extends AbstractCompareAndSwapBasedProxyManager<String> {
  final ConcurrentHashMap<String, byte[]> states = new ConcurrentHashMap<>();
  /** When set, every read fails, as a store that is down would. */
  volatile boolean down;

  InMemoryProxyManager(TimeMeter clock) {
    super(ClientSideConfig.getDefault().withClientClock(clock));
  }

  @Override
  protected CompareAndSwapOperation beginCompareAndSwapOperation(String key) {
    return new CompareAndSwapOperation() {
      @Override
      public Optional<byte[]> getStateData(Optional<Long> timeoutNanos) {
        if (down) {
          throw new IllegalStateException("store down");
        }
        return Optional.ofNullable(states.get(key));
      }

      @Override
      public boolean compareAndSwap(byte[] original, byte[] updated, RemoteBucketState state,
          Optional<Long> timeoutNanos) {
        // The original array is the one read from the map, so identity is the right equality.
        return original == null ? states.putIfAbsent(key, updated) == null
            : states.replace(key, original, updated);
      }
    };
  }

  @Override
  protected AsyncCompareAndSwapOperation beginAsyncCompareAndSwapOperation(String key) {
    throw new UnsupportedOperationException("synchronous only");
  }

  @Override
  protected CompletableFuture<Void> removeAsync(String key) {
    states.remove(key);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void removeProxy(String key) {
    states.remove(key);
  }

  @Override
  public boolean isAsyncModeSupported() {
    return false;
  }
}
