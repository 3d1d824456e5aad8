package dev.aigateway.core.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import dev.aigateway.api.spi.Timing;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The default {@link CacheStore}: a Caffeine cache in this JVM, bounded by entry count and by
 * bytes, with a time to live per entry. Thread safe; every operation completes at once.
 *
 * <p><b>Bounds.</b> Caffeine cannot combine a maximum size with a maximum weight, so both bounds
 * are enforced through the weight: the cache holds at most {@code maxBytes} of weight, and each
 * entry weighs the larger of its byte length and {@code ceil(maxBytes / maxEntries)}. Small
 * entries therefore count as a fixed share of the bytes, which caps their number at
 * {@code maxEntries}; large entries count as their size. As with any Caffeine bound, eviction
 * is approximate (it picks victims by frequency and recency) and may briefly lag a write. A
 * value larger than {@code maxBytes} is not kept.
 *
 * <p><b>Time and threads.</b> Expiry reads the given ticker, so tests move time instead of
 * sleeping. Caffeine's maintenance (eviction, expiry, its frequency sketch) runs on the
 * calling thread unless an executor is given: measured side by side, handing it off made the
 * median no better and the p99 several times worse, since each hand-off wakes a thread. The
 * store starts no threads. A read never returns an expired entry, whether or not the
 * maintenance has removed it yet; with an executor, the bounds may be exceeded until it ran.
 */
public final class InMemoryCacheStore implements CacheStore {
  private static final CompletableFuture<byte @Nullable []> MISS =
      CompletableFuture.completedFuture(null);
  private static final CompletableFuture<@Nullable Void> DONE =
      CompletableFuture.completedFuture(null);

  private final Cache<CacheKey, Entry> cache;
  private final long maxEntries;
  private final long maxBytes;

  /** A store with these bounds on the system ticker. */
  public InMemoryCacheStore(long maxEntries, long maxBytes) {
    this(maxEntries, maxBytes, Timing.Ticker.SYSTEM);
  }

  /**
   * A store with these bounds whose entries expire by {@code ticker} (the gateway's).
   *
   * @throws IllegalArgumentException when {@code maxEntries} or {@code maxBytes} is below 1
   */
  public InMemoryCacheStore(long maxEntries, long maxBytes, Timing.Ticker ticker) {
    this(maxEntries, maxBytes, ticker, Runnable::run);
  }

  /**
   * A store with these bounds whose entries expire by {@code ticker}, with its maintenance on
   * {@code maintenance}.
   *
   * @throws IllegalArgumentException when {@code maxEntries} or {@code maxBytes} is below 1
   */
  public InMemoryCacheStore(long maxEntries, long maxBytes, Timing.Ticker ticker,
      Executor maintenance) {
    if (maxEntries < 1) {
      throw new IllegalArgumentException("maxEntries must be >= 1 but was " + maxEntries);
    }
    if (maxBytes < 1) {
      throw new IllegalArgumentException("maxBytes must be >= 1 but was " + maxBytes);
    }
    Objects.requireNonNull(ticker, "ticker");
    Objects.requireNonNull(maintenance, "maintenance");
    this.maxEntries = maxEntries;
    this.maxBytes = maxBytes;
    long share = (maxBytes + maxEntries - 1) / maxEntries;
    int floor = (int) Math.min(Integer.MAX_VALUE, share);
    Ticker caffeineTicker = ticker::read;
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<CacheKey, Entry>weigher((k, e) -> Math.max(e.value.length, floor))
        .expireAfter(new PerEntryTtl())
        .ticker(caffeineTicker)
        .executor(maintenance)
        .build();
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(CacheKey key) {
    Entry e = cache.getIfPresent(key);
    return e == null ? MISS : CompletableFuture.completedFuture(e.value);
  }

  @Override
  public CompletableFuture<@Nullable Void> put(CacheKey key, byte[] value, Duration ttl) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (ttl.isNegative() || ttl.isZero()) {
      return DONE;
    }
    if (value.length <= maxBytes) {
      cache.put(key, new Entry(value, saturatedNanos(ttl)));
    }
    return DONE;
  }

  @Override
  public CompletableFuture<@Nullable Void> invalidate(CacheKey key) {
    cache.invalidate(key);
    return DONE;
  }

  /** How many entries are held now, after pending evictions and expiries have run. */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  /** The entry-count bound. */
  public long maxEntries() {
    return maxEntries;
  }

  /** The byte bound. */
  public long maxBytes() {
    return maxBytes;
  }

  @Override
  public String toString() {
    return "InMemoryCacheStore[maxEntries=" + maxEntries + ", maxBytes=" + maxBytes + "]";
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private record Entry(byte[] value, long ttlNanos) {}

  private static final class PerEntryTtl implements Expiry<CacheKey, Entry> {
    @Override
    public long expireAfterCreate(CacheKey key, Entry entry, long currentTime) {
      return entry.ttlNanos;
    }

    @Override
    public long expireAfterUpdate(
        CacheKey key, Entry entry, long currentTime, long currentDuration) {
      return entry.ttlNanos;
    }

    @Override
    public long expireAfterRead(
        CacheKey key, Entry entry, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
