package dev.aigateway.redis;

import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The rate limits on Redis, exact across every replica: give {@link #backend()} to
 * {@code RateLimits.builder().backend(...)} (per-client limits) and
 * {@code UpstreamLimits.builder().backend(...)} (the vendors' budgets), and a client limit of
 * 100 a minute admits 100 across the whole fleet, whatever the number of replicas.
 *
 * <p>The buckets are Bucket4j's, kept in Redis by its Lettuce proxy manager (compare-and-swap,
 * so no script has to be loaded), under {@code ai-gateway:<namespace>:client:requests:<id>},
 * {@code ...:client:tokens:<id>} and {@code ...:upstream:...}; each key expires once its bucket
 * would have refilled, so idle clients leave nothing behind. The gateway asks Redis
 * asynchronously, both of a call's budgets at once, so a call waits on Redis once; the token
 * reconciliation after the call (refund or charge of the real usage) is sent without waiting.
 *
 * <p><b>When Redis is down</b> a store made from a URL fails its commands at once (they are not
 * queued) and bounds each by {@link Builder#commandTimeout}; the limits then fail open or closed
 * as {@code RateLimits.Builder.onBackendFailure} says (open by default: admitted unchecked,
 * counted, the outage logged once). The connection comes back by itself when Redis does.
 * Time is each replica's clock: keep the replicas' clocks in sync (NTP) for exact windows.
 * Thread safe; {@link #close()} closes the connection (and the client it made).
 */
public final class RedisRateLimits implements AutoCloseable {
  private final @Nullable RedisClient ownedClient;
  private final StatefulRedisConnection<byte[], byte[]> connection;
  private final ProxyManager<String> backend;
  private final String namespace;

  private RedisRateLimits(Builder b) {
    this.ownedClient = b.client == null ? Connections.ownClient(b.uri, b.commandTimeout) : null;
    RedisClient use = b.client != null ? b.client : ownedClient;
    this.connection = use.connect(ByteArrayCodec.INSTANCE);
    this.connection.setTimeout(b.commandTimeout);
    this.namespace = b.namespace;
    var builder = Bucket4jLettuce.casBasedBuilder(connection)
        .expirationAfterWrite(ExpirationAfterWriteStrategy
            .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)));
    if (b.clock != null) {
      builder.clientClock(b.clock);
    }
    ProxyManager<byte[]> raw = builder.build();
    this.backend = raw.withMapper((String key) -> redisKey(key).getBytes(StandardCharsets.UTF_8));
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

  /**
   * The gateway's key ({@code ai-gateway:client:requests:acme}) in this namespace
   * ({@code ai-gateway:<namespace>:client:requests:acme}).
   */
  String redisKey(String key) {
    String rest = key.startsWith("ai-gateway:") ? key.substring("ai-gateway:".length()) : key;
    return "ai-gateway:" + namespace + ":" + rest;
  }

  /** The buckets' backend, for {@code RateLimits} and {@code UpstreamLimits}. */
  public ProxyManager<String> backend() {
    return backend;
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
    return "RedisRateLimits[ai-gateway:" + namespace + ":*]";
  }

  /** Builds {@link RedisRateLimits}. Not thread safe. */
  public static final class Builder {
    private final @Nullable RedisClient client;
    private final @Nullable RedisURI uri;
    private String namespace = "default";
    private Duration commandTimeout = Duration.ofMillis(500);
    private io.github.bucket4j.@Nullable TimeMeter clock;

    private Builder(@Nullable RedisClient client, @Nullable RedisURI uri) {
      this.client = client;
      this.uri = uri;
    }

    /** The application's namespace in the keys; {@code default} unless set. */
    public Builder namespace(String namespace) {
      this.namespace = Connections.namespace(namespace);
      return this;
    }

    /** How long one Redis command may take before the backend counts as failed; 500 ms. */
    public Builder commandTimeout(Duration timeout) {
      this.commandTimeout = Connections.commandTimeout(timeout);
      return this;
    }

    /** The buckets' clock; the replica's own unless a test holds time still. */
    Builder clock(io.github.bucket4j.TimeMeter clock) {
      this.clock = clock;
      return this;
    }

    /** Connects. */
    public RedisRateLimits build() {
      return new RedisRateLimits(this);
    }
  }
}
