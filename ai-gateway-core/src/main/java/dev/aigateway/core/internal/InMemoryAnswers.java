package dev.aigateway.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.cache.CacheKey;
import java.time.Duration;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The cache's built-in store: answers kept as the immutable objects they are, so that a miss
 * encodes nothing and a hit decodes nothing (the byte-level {@code CacheStore} SPI is for remote
 * stores, which need bytes). Bounded like {@code InMemoryCacheStore}, by entries and by bytes
 * together (each entry weighs its estimated size, at least {@code maxBytes / maxEntries}), with a
 * TTL per entry on the gateway's ticker. Caffeine's maintenance (eviction, expiry, the
 * frequency sketch) runs on the given executor; the gateway gives {@code Runnable::run}, the
 * calling thread (see {@code CacheStage} for why). A read finds an expired entry absent even
 * before the maintenance removed it. Thread safe.
 */
final class InMemoryAnswers {
  private final Cache<CacheKey, Entry> cache;
  private final long maxBytes;

  InMemoryAnswers(long maxEntries, long maxBytes, Timing.Ticker ticker, Executor maintenance) {
    this.maxBytes = maxBytes;
    long share = (maxBytes + maxEntries - 1) / maxEntries;
    int floor = (int) Math.min(Integer.MAX_VALUE, share);
    this.cache = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<CacheKey, Entry>weigher((k, e) -> (int) Math.min(Integer.MAX_VALUE,
            Math.max(e.weight, floor)))
        .expireAfter(new PerEntryTtl())
        .ticker(ticker::read)
        .executor(maintenance)
        .build();
  }

  /** How many entries are held, after pending maintenance has run (for tests). */
  long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }

  @Nullable CachedAnswer get(CacheKey key) {
    Entry e = cache.getIfPresent(key);
    return e == null ? null : e.answer;
  }

  /** Keeps {@code answer} for {@code ttl}, unless it alone is larger than the byte bound. */
  void put(CacheKey key, CachedAnswer answer, Duration ttl) {
    if (ttl.isNegative() || ttl.isZero()) {
      return;
    }
    long weight = weightOf(answer);
    if (weight <= maxBytes) {
      cache.put(key, new Entry(answer, weight, RealCall.saturatedNanos(ttl)));
    }
  }

  /** The answer's estimated size in bytes: its text as UTF-16, and a little per part. */
  static long weightOf(CachedAnswer answer) {
    long bytes = 64;
    if (!answer.isStream()) {
      ChatResponse r = answer.response();
      bytes += 2L * r.text().length();
      for (ToolCall c : r.toolCalls()) {
        bytes += 32 + 2L * (c.id().length() + c.name().length() + c.arguments().length());
      }
      return bytes;
    }
    for (ChatChunk c : answer.chunks()) {
      bytes += 48 + 2L * c.textDelta().length();
      for (ToolCallDelta d : c.toolCallDeltas()) {
        bytes += 32 + 2L * d.argumentsDelta().length();
      }
    }
    return bytes;
  }

  private record Entry(CachedAnswer answer, long weight, long ttlNanos) {}

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
