package dev.aigateway.redis;

import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.CacheStore;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache's store on Redis, shared by every replica of the application: give it to
 * {@code ResponseCache.builder().store(...)}, and an answer one replica stored is a hit on all.
 *
 * <p><b>What is stored.</b> Under {@code ai-gateway:<namespace>:cache:<key>}, the cache's own
 * encoding of the answer (which starts with its codec's version, so a replica of another
 * version reads it as a miss, never as a wrong answer), written with its TTL in the same
 * command ({@code SET ... PX}), so Redis expires it. A value over {@link Builder#maxValueSize}
 * is not stored. Two applications sharing a Redis keep apart by their namespaces.
 *
 * <p><b>When Redis is slow or down</b> the cache is a miss, never an error: commands fail at
 * once while the connection is down (they are not queued), each command is bounded by
 * {@link Builder#commandTimeout}, and the cache's own lookup timeout bounds the wait of a call
 * ({@code ResponseCache.Builder.lookupTimeout}); a failed write is dropped. The connection
 * comes back by itself when Redis does, with no restart of the application. Outages are logged
 * once each, at WARN, and their end at INFO.
 *
 * <p>Single flight (one vendor call for identical requests in flight) is per JVM: replicas do
 * not wait for one another. Thread safe; {@link #close()} closes the connection (and the client
 * when this store made it from a URL).
 */
public final class RedisCacheStore implements CacheStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisCacheStore.class);

  private final @Nullable RedisClient ownedClient;
  private final StatefulRedisConnection<String, byte[]> connection;
  private final RedisAsyncCommands<String, byte[]> commands;
  private final String prefix;
  private final long maxValueSize;
  private final AtomicBoolean down = new AtomicBoolean();

  private RedisCacheStore(Builder b) {
    this.ownedClient = b.client == null ? Connections.ownClient(b.uri, b.commandTimeout) : null;
    RedisClient use = b.client != null ? b.client : ownedClient;
    this.connection = use.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE));
    this.connection.setTimeout(b.commandTimeout);
    this.commands = connection.async();
    this.prefix = "ai-gateway:" + b.namespace + ":cache:";
    this.maxValueSize = b.maxValueSize;
  }

  /**
   * A builder on the Redis at {@code url} ({@code redis://host:6379}, {@code rediss://...},
   * {@code redis://user:password@host:6379/2}), in Lettuce's URI syntax.
   *
   * @throws IllegalArgumentException when {@code url} is not a Redis URI (the message does not
   *     repeat it, since it may hold a password)
   */
  public static Builder builder(String url) {
    return new Builder(null, Connections.uri(url));
  }

  /** A builder on the Redis that {@code uri} names, with a client of the store's own. */
  public static Builder builder(RedisURI uri) {
    return new Builder(null, Objects.requireNonNull(uri, "uri"));
  }

  /** A builder on the application's own {@code client} (which it keeps and closes). */
  public static Builder builder(RedisClient client) {
    return new Builder(Objects.requireNonNull(client, "client"), null);
  }

  /** The Redis key of {@code key}. */
  String redisKey(CacheKey key) {
    return prefix + key;
  }

  @Override
  public CompletableFuture<byte @Nullable []> get(CacheKey key) {
    CompletableFuture<byte @Nullable []> out = new CompletableFuture<>();
    try {
      commands.get(redisKey(key)).whenComplete((value, e) -> {
        if (e != null) {
          failed(e);
          out.complete(null); // a miss, never an error
        } else {
          up();
          out.complete(value);
        }
      });
    } catch (RuntimeException e) {
      failed(e);
      out.complete(null);
    }
    return out;
  }

  @Override
  public CompletableFuture<@Nullable Void> put(CacheKey key, byte[] value, Duration ttl) {
    if (value.length > maxValueSize) {
      log.debug("a cache value of {} bytes is over {} and is not stored", value.length,
          maxValueSize);
      return CompletableFuture.completedFuture(null);
    }
    long millis = Math.max(1, ttl.toMillis());
    CompletableFuture<@Nullable Void> out = new CompletableFuture<>();
    try {
      commands.set(redisKey(key), value, SetArgs.Builder.px(millis)).whenComplete((ok, e) -> {
        if (e != null) {
          failed(e); // dropped: the next call asks the vendor again
        } else {
          up();
        }
        out.complete(null);
      });
    } catch (RuntimeException e) {
      failed(e);
      out.complete(null);
    }
    return out;
  }

  @Override
  public CompletableFuture<@Nullable Void> invalidate(CacheKey key) {
    CompletableFuture<@Nullable Void> out = new CompletableFuture<>();
    try {
      commands.del(redisKey(key)).whenComplete((n, e) -> {
        if (e != null) {
          failed(e);
        }
        out.complete(null);
      });
    } catch (RuntimeException e) {
      failed(e);
      out.complete(null);
    }
    return out;
  }

  private void failed(Throwable e) {
    if (down.compareAndSet(false, true)) {
      log.warn("the Redis cache store is unavailable; calls miss the cache until it is back: {}",
          e.toString());
    }
  }

  private void up() {
    if (down.compareAndSet(true, false)) {
      log.info("the Redis cache store is back");
    }
  }

  /** Whether the last command failed (Redis down or slow). */
  public boolean isDown() {
    return down.get();
  }

  @Override
  public void close() {
    connection.close();
    if (ownedClient != null) {
      ownedClient.shutdown();
    }
  }

  @Override
  public String toString() {
    return "RedisCacheStore[" + prefix + "*]";
  }

  /** Builds a {@link RedisCacheStore}. Not thread safe. */
  public static final class Builder {
    private final @Nullable RedisClient client;
    private final @Nullable RedisURI uri;
    private String namespace = "default";
    private long maxValueSize = 1024 * 1024;
    private Duration commandTimeout = Duration.ofMillis(500);

    private Builder(@Nullable RedisClient client, @Nullable RedisURI uri) {
      this.client = client;
      this.uri = uri;
    }

    /**
     * The application's namespace in the keys ({@code ai-gateway:<namespace>:cache:...}), so
     * that two applications can share a Redis; {@code default} unless set.
     */
    public Builder namespace(String namespace) {
      this.namespace = Connections.namespace(namespace);
      return this;
    }

    /** The largest value stored, in bytes; larger answers are not cached. 1 MiB unless set. */
    public Builder maxValueSize(long bytes) {
      if (bytes <= 0) {
        throw new IllegalArgumentException("maxValueSize must be > 0: " + bytes);
      }
      this.maxValueSize = bytes;
      return this;
    }

    /** How long one command may take before it fails (and the call misses); 500 ms. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Connections.commandTimeout(timeout);
      return this;
    }

    /** Connects. */
    public RedisCacheStore build() {
      return new RedisCacheStore(this);
    }
  }
}
