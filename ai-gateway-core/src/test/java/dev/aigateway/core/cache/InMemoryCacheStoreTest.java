package dev.aigateway.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.testing.ManualTiming;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryCacheStoreTest {
  private final ManualTiming time = new ManualTiming();
  private final dev.aigateway.api.spi.Timing.Ticker clock = time.timing().ticker();

  @Test
  void entriesExpireAfterTheirOwnTtl() {
    InMemoryCacheStore store = new InMemoryCacheStore(100, 1_000_000, clock);
    store.put(CacheKey.of(0, 1), new byte[] {1}, Duration.ofMinutes(1));
    store.put(CacheKey.of(0, 2), new byte[] {2}, Duration.ofMinutes(10));
    time.advance(Duration.ofSeconds(59));
    assertThat(store.get(CacheKey.of(0, 1)).join()).containsExactly(1);
    time.advance(Duration.ofSeconds(2));
    assertThat(store.get(CacheKey.of(0, 1)).join()).isNull();
    assertThat(store.get(CacheKey.of(0, 2)).join()).containsExactly(2);
  }

  @Test
  void smallEntriesAreBoundedByCount() {
    InMemoryCacheStore store = new InMemoryCacheStore(10, 1_000_000, clock);
    for (int i = 0; i < 100; i++) {
      store.put(CacheKey.of(0, i), new byte[] {(byte) i}, Duration.ofHours(1));
    }
    assertThat(store.size()).isLessThanOrEqualTo(10).isGreaterThan(0);
  }

  @Test
  void largeEntriesAreBoundedByBytes() {
    InMemoryCacheStore store = new InMemoryCacheStore(1_000, 10_000, clock);
    for (int i = 0; i < 50; i++) {
      store.put(CacheKey.of(0, i), new byte[1_000], Duration.ofHours(1));
    }
    assertThat(store.size()).isLessThanOrEqualTo(10).isGreaterThan(0);
  }

  @Test
  void aValueLargerThanTheBoundIsNotKept() {
    InMemoryCacheStore store = new InMemoryCacheStore(10, 100, clock);
    store.put(CacheKey.of(0, 1), new byte[101], Duration.ofHours(1));
    assertThat(store.get(CacheKey.of(0, 1)).join()).isNull();
  }

  @Test
  void invalidateRemoves() {
    InMemoryCacheStore store = new InMemoryCacheStore(10, 100, clock);
    store.put(CacheKey.of(0, 1), new byte[] {1}, Duration.ofHours(1));
    store.invalidate(CacheKey.of(0, 1));
    assertThat(store.get(CacheKey.of(0, 1)).join()).isNull();
  }

  @Test
  void badBoundsNameTheField() {
    assertThatThrownBy(() -> new InMemoryCacheStore(0, 10))
        .hasMessageContaining("maxEntries").hasMessageContaining("0");
    assertThatThrownBy(() -> new InMemoryCacheStore(10, -1))
        .hasMessageContaining("maxBytes").hasMessageContaining("-1");
    assertThatThrownBy(() -> ResponseCache.builder().ttl(Duration.ZERO))
        .hasMessageContaining("ttl");
    assertThatThrownBy(() -> ResponseCache.builder().maxEntries(0))
        .hasMessageContaining("maxEntries");
    assertThatThrownBy(() -> ResponseCache.builder().maxBytes(0))
        .hasMessageContaining("maxBytes");
    assertThatThrownBy(() -> ResponseCache.builder().lookupTimeout(Duration.ofMillis(-1)))
        .hasMessageContaining("lookupTimeout");
  }
}
