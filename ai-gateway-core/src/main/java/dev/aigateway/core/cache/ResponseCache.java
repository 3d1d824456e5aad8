package dev.aigateway.core.cache;

import java.time.Duration;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The response cache's settings. Immutable and thread safe; build one with {@link #builder()}.
 *
 * <pre>{@code
 * ResponseCache cache = ResponseCache.builder()
 *     .maxEntries(50_000)
 *     .maxBytes(256L * 1024 * 1024)
 *     .ttl(Duration.ofMinutes(30))
 *     .build();
 * }</pre>
 *
 * <p>Defaults: {@link #maxEntries()} 10,000, {@link #maxBytes()} 64 MiB, {@link #ttl()} one
 * hour, {@link #lookupTimeout()} 200 ms, not partitioned by client, on for every route
 * ({@link #enabledByDefault()}), and the built-in in-memory store with those bounds, which keeps
 * answers as the immutable objects they are (a miss encodes nothing, a hit decodes nothing; its
 * byte bound weighs each answer by its text as UTF-16 and a little per part). A
 * {@link Builder#store store} of the application's, such as {@link InMemoryCacheStore} or a
 * remote one, gets the answers encoded as bytes.
 * {@link #disabled()} is the setting a gateway uses when none is configured: caching is off
 * unless a route turns it on.
 *
 * <p>The gateway runs the cache between the per-client rate limit and routing
 * ({@code AiGateway.builder().cache(...)}), so it sees the model as the application asked for it.
 *
 * <p><b>What makes two requests identical</b>
 * ({@link CacheKey#of(dev.aigateway.api.ChatRequest, boolean)}): the model or route name as
 * given, the messages (role, text, image URLs, image bytes and media type, tool calls, tool call ids),
 * the tools, tool choice, response format, temperature, topP, maxTokens, stop sequences, seed
 * and the {@code extra} fields (in any key order). Not the client id (unless
 * {@link #partitionByClient()}), metadata, timeout, cache mode or attributes. Values
 * at their default count as absent: {@code toolChoice(auto())}, {@code responseFormat(text())}
 * and empty lists change nothing. The order of builder calls changes nothing, but the order of
 * messages, tools and stop sequences does.
 *
 * <p><b>When it applies.</b> A route's own setting ({@code Route.cache(Boolean)}) wins; a route
 * without one, and a model that names no route, follow {@link #enabledByDefault()}.
 * Per request, {@link dev.aigateway.api.CacheMode#BYPASS} neither reads nor writes and {@link dev.aigateway.api.CacheMode#REFRESH}
 * skips the read and stores the fresh answer.
 *
 * <p><b>Hits.</b> {@code chat()} gets the stored answer with {@link dev.aigateway.api.ChatResponse#fromCache()}
 * true, {@link dev.aigateway.api.ChatResponse#attempts()} 0 and the usage the vendor reported when it answered.
 * {@code stream()} gets a stored stream replayed chunk by chunk, in order, at the subscriber's
 * demand; a stored {@code chat()} answer is streamed as one chunk. {@code chat()} folds a stored
 * stream. The call records what the cache said ({@code cacheLookup} for its listener, and
 * {@code fromCache} for the stages above and the answer).
 *
 * <p><b>What is stored.</b> Complete answers only: a stream is recorded as it passes to the
 * subscriber (nothing is held back) and stored once it completes. Errors, streams that fail or
 * are cancelled, answers that finish with {@link dev.aigateway.api.FinishReason#CONTENT_FILTER}, and streams larger
 * than {@link #maxBytes()} are never stored.
 *
 * <p><b>Single flight.</b> A request that misses while an identical one is in flight waits for
 * that call's answer instead of making its own (and is then answered as a hit: {@code fromCache}
 * true, 0 attempts). A {@code chat()} call that can be cancelled ({@code chatAsync}) runs its
 * vendor call on the executor under a cancellation of its own, so that a caller who cancels only
 * stops waiting; the vendor call is cancelled when every caller waiting for it has gone. A
 * vendor error is shared with those waiting. A stream's vendor call stays its own subscriber's:
 * when that stream fails or is cancelled, whoever waited for it makes a call of their own. A
 * stream that runs inline on its requesting thread neither waits for nor leads a flight.
 *
 * <p><b>A slow or failing store</b> never fails a call: see {@link CacheStore}.
 */
public final class ResponseCache {
  private static final ResponseCache DISABLED = builder().enabledByDefault(false).build();

  private final long maxEntries;
  private final long maxBytes;
  private final Duration ttl;
  private final Duration lookupTimeout;
  private final boolean partitionByClient;
  private final boolean enabledByDefault;
  private final @Nullable CacheStore store;

  private ResponseCache(Builder b) {
    this.maxEntries = b.maxEntries;
    this.maxBytes = b.maxBytes;
    this.ttl = b.ttl;
    this.lookupTimeout = b.lookupTimeout;
    this.partitionByClient = b.partitionByClient;
    this.enabledByDefault = b.enabledByDefault;
    this.store = b.store;
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The defaults, with caching on for every route. */
  public static ResponseCache defaults() {
    return builder().build();
  }

  /** The defaults with caching off unless a route turns it on ({@code Route.cache(true)}). */
  public static ResponseCache disabled() {
    return DISABLED;
  }

  /** The most entries the default in-memory store keeps. */
  public long maxEntries() {
    return maxEntries;
  }

  /** The most bytes of encoded answers the default in-memory store keeps. */
  public long maxBytes() {
    return maxBytes;
  }

  /** How long an answer stays cached. */
  public Duration ttl() {
    return ttl;
  }

  /** How long a lookup may take before the call treats it as a miss and goes to the vendor. */
  public Duration lookupTimeout() {
    return lookupTimeout;
  }

  /** Whether each {@code clientId} has its own entries, so clients never share answers. */
  public boolean partitionByClient() {
    return partitionByClient;
  }

  /** Whether routes without a cache setting of their own use the cache. */
  public boolean enabledByDefault() {
    return enabledByDefault;
  }

  /** The store set on the builder, or null for an in-memory store with these bounds. */
  public @Nullable CacheStore store() {
    return store;
  }

  /** A builder that starts from these settings. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.maxEntries = maxEntries;
    b.maxBytes = maxBytes;
    b.ttl = ttl;
    b.lookupTimeout = lookupTimeout;
    b.partitionByClient = partitionByClient;
    b.enabledByDefault = enabledByDefault;
    b.store = store;
    return b;
  }

  @Override
  public String toString() {
    return "ResponseCache[maxEntries=" + maxEntries + ", maxBytes=" + maxBytes + ", ttl=" + ttl
        + ", partitionByClient=" + partitionByClient + ", enabledByDefault=" + enabledByDefault
        + ", store=" + (store == null ? "in-memory" : store) + "]";
  }

  /** Builds {@link ResponseCache} settings. Not thread safe. Each setter validates its value. */
  public static final class Builder {
    private long maxEntries = 10_000;
    private long maxBytes = 64L * 1024 * 1024;
    private Duration ttl = Duration.ofHours(1);
    private Duration lookupTimeout = Duration.ofMillis(200);
    private boolean partitionByClient;
    private boolean enabledByDefault = true;
    private @Nullable CacheStore store;

    private Builder() {}

    /**
     * The most entries the in-memory store keeps; ignored by a custom {@link #store}.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxEntries(long maxEntries) {
      if (maxEntries < 1) {
        throw new IllegalArgumentException("maxEntries must be >= 1 but was " + maxEntries);
      }
      this.maxEntries = maxEntries;
      return this;
    }

    /**
     * The most bytes the in-memory store keeps; ignored by a custom {@link #store}.
     *
     * @throws IllegalArgumentException when below 1
     */
    public Builder maxBytes(long maxBytes) {
      if (maxBytes < 1) {
        throw new IllegalArgumentException("maxBytes must be >= 1 but was " + maxBytes);
      }
      this.maxBytes = maxBytes;
      return this;
    }

    /**
     * How long an answer stays cached.
     *
     * @throws IllegalArgumentException when null, zero or negative
     */
    public Builder ttl(Duration ttl) {
      this.ttl = positive(ttl, "ttl");
      return this;
    }

    /**
     * How long a store lookup may take before it counts as a miss.
     *
     * @throws IllegalArgumentException when null, zero or negative
     */
    public Builder lookupTimeout(Duration lookupTimeout) {
      this.lookupTimeout = positive(lookupTimeout, "lookupTimeout");
      return this;
    }

    /** Whether each {@code clientId} gets its own entries. False by default. */
    public Builder partitionByClient(boolean partitionByClient) {
      this.partitionByClient = partitionByClient;
      return this;
    }

    /** Whether routes without their own setting use the cache. True by default. */
    public Builder enabledByDefault(boolean enabledByDefault) {
      this.enabledByDefault = enabledByDefault;
      return this;
    }

    /** Where entries live, such as a Redis store; an in-memory store by default. */
    public Builder store(CacheStore store) {
      this.store = Objects.requireNonNull(store, "store");
      return this;
    }

    /** Builds the settings. */
    public ResponseCache build() {
      return new ResponseCache(this);
    }

    private static Duration positive(Duration d, String field) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(field + " must be a positive duration but was " + d);
      }
      return d;
    }
  }
}
