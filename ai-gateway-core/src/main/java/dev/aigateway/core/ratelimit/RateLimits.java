package dev.aigateway.core.ratelimit;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The per-client rate limits and policies of a gateway: a {@link ClientLimit} per client id, a
 * default for every other client, and what to do when a budget is empty. Immutable and thread
 * safe; the gateway enforces it ({@code AiGateway.builder().rateLimits(...)}), as follows.
 *
 * <p>The limit sits above the cache, so that every call counts, cache hits included. For each
 * call, in order:
 *
 * <ol>
 *   <li><b>Policy.</b> A client whose {@link ClientLimit#allowedModels()} do not include the
 *       requested model (or route) fails with
 *       {@link dev.aigateway.api.AccessDeniedException}, naming both.
 *   <li><b>Admission.</b> One request and the estimated tokens are taken from the client's budget,
 *       from every window or from none. The estimate is the {@link TokenCounter}'s input count
 *       plus the request's {@code maxTokens} as expected output (0 when unset: the output is
 *       then charged after the call). When the budget is empty the call is rejected at once with
 *       {@link dev.aigateway.api.RateLimitExceededException}, carrying the limit in its message
 *       and {@code retryAfter()}, and nothing is sent; or it waits, as {@link OnExhausted} says,
 *       on the call's sleeper, honouring the call's cancellation. The listener hears the
 *       decision (admitted, waited, rejected).
 *   <li><b>Reconciliation.</b> After the call, the estimate is replaced by the usage the vendor
 *       reported ({@code totalTokens}): the difference is refunded, or charged regardless of the
 *       budget. A stream is reconciled as each chunk with usage passes. A call that failed
 *       before any answer has its tokens refunded (its request stays counted); an answer with no
 *       usage keeps the estimate.
 *   <li><b>Cache hits</b> count against the request limit but not the token limit: when the
 *       call says it was answered from the cache, every token charged for it is refunded: at
 *       once for {@code chat()}, when the stream ends for {@code stream()}.
 * </ol>
 *
 * <p><b>Backend failures.</b> When the bucket backend fails while admitting a call, the call is
 * admitted unchecked by default ({@link BackendFailure#FAIL_OPEN}: an {@code UNCHECKED}
 * decision, counted, and the outage logged once), or refused with a
 * {@link dev.aigateway.api.RateLimitStoreUnavailableException} ({@link BackendFailure#FAIL_CLOSED},
 * {@link Builder#onBackendFailure}); a failure while reconciling after the call is logged and
 * ignored, so it never breaks an answer that was already given.
 *
 * <p>Calls of clients without any limit (no own limit and no default) pass through untouched.
 * Thread safe; admission is lock-free with local buckets. Local budgets of clients idle for the
 * longest configured window are dropped, which only forgives debt a client ran up beyond its
 * budget (by usage over the estimate): a budget idle that long has refilled anyway.
 *
 * <pre>{@code
 * RateLimits limits = RateLimits.builder()
 *     .defaultLimit(ClientLimit.builder()
 *         .requests(10, Duration.ofSeconds(1)).requests(500, Duration.ofMinutes(1))
 *         .tokens(200_000, Duration.ofMinutes(1)).build())
 *     .client("batch-jobs", ClientLimit.builder().requests(2, Duration.ofSeconds(1))
 *         .allowedModels("cheap").build())
 *     .onExhausted(OnExhausted.waitThenReject(Duration.ofSeconds(2)))
 *     .build();
 * }</pre>
 *
 * <p>A request is charged to its {@code clientId}, or to {@link #anonymousClient()} when it has
 * none. A client with no limit of its own gets {@link #defaultLimit()}; when there is no default
 * either, its calls are neither counted nor restricted.
 *
 * <p>The budgets live in Bucket4j buckets on the gateway's ticker
 * ({@code AiGateway.builder().timing(...)}): local, in-memory ones unless a {@link #backend()}
 * (a Bucket4j {@link ProxyManager}, such as one on Redis) shares them across replicas.
 */
public final class RateLimits {
  private final @Nullable ClientLimit defaultLimit;
  private final Map<String, ClientLimit> clients;
  private final String anonymousClient;
  private final OnExhausted onExhausted;
  private final TokenCounter tokenCounter;
  private final @Nullable ProxyManager<String> backend;
  private final BackendFailure onBackendFailure;

  private RateLimits(Builder b) {
    this.defaultLimit = b.defaultLimit;
    this.clients = Collections.unmodifiableMap(new LinkedHashMap<>(b.clients));
    this.anonymousClient = b.anonymousClient;
    this.onExhausted = b.onExhausted;
    this.tokenCounter = b.tokenCounter;
    this.backend = b.backend;
    this.onBackendFailure = b.onBackendFailure;
  }

  /** A new builder: no limits, anonymous client {@code "anonymous"}, reject at once. */
  public static Builder builder() {
    return new Builder();
  }

  /** The limit of clients that have none of their own, or null for none. */
  public @Nullable ClientLimit defaultLimit() {
    return defaultLimit;
  }

  /** The limits by client id; unmodifiable. */
  public Map<String, ClientLimit> clients() {
    return clients;
  }

  /** The client id charged for requests that carry none. */
  public String anonymousClient() {
    return anonymousClient;
  }

  /** What happens to a call whose budget is empty. */
  public OnExhausted onExhausted() {
    return onExhausted;
  }

  /** Estimates requests' input tokens before they are sent. */
  public TokenCounter tokenCounter() {
    return tokenCounter;
  }

  /** Where the buckets live, or null for local, in-memory buckets. */
  public @Nullable ProxyManager<String> backend() {
    return backend;
  }

  /** What a call does when the backend cannot be reached; {@link BackendFailure#FAIL_OPEN}. */
  public BackendFailure onBackendFailure() {
    return onBackendFailure;
  }

  /** The limit that applies to {@code clientId} (never null), or null when none does. */
  public @Nullable ClientLimit limitFor(String clientId) {
    ClientLimit own = clients.get(clientId);
    return own != null ? own : defaultLimit;
  }

  @Override
  public String toString() {
    return "RateLimits[default=" + defaultLimit + ", clients=" + clients.keySet()
        + ", " + onExhausted + (backend != null ? ", backend=" + backend : "") + "]";
  }

  /** Builds {@link RateLimits}. Not thread safe. Each method validates its arguments. */
  public static final class Builder {
    private @Nullable ClientLimit defaultLimit;
    private final Map<String, ClientLimit> clients = new LinkedHashMap<>();
    private String anonymousClient = "anonymous";
    private OnExhausted onExhausted = OnExhausted.reject();
    private TokenCounter tokenCounter = TokenCounter.standard();
    private @Nullable ProxyManager<String> backend;
    private BackendFailure onBackendFailure = BackendFailure.FAIL_OPEN;

    /** What a call does when the backend cannot be reached; {@code FAIL_OPEN} unless set. */
    public Builder onBackendFailure(BackendFailure policy) {
      this.onBackendFailure = Objects.requireNonNull(policy, "policy");
      return this;
    }

    private Builder() {}

    /** The limit of every client without its own; null (the default) leaves them unlimited. */
    public Builder defaultLimit(@Nullable ClientLimit limit) {
      this.defaultLimit = limit;
      return this;
    }

    /**
     * The limit of {@code clientId}, replacing the default for it.
     *
     * @throws IllegalArgumentException when {@code clientId} is blank or already has a limit, or
     *     {@code limit} is null
     */
    public Builder client(String clientId, ClientLimit limit) {
      if (clientId == null || clientId.isBlank()) {
        throw new IllegalArgumentException("clientId must not be blank but was '" + clientId + "'");
      }
      if (limit == null) {
        throw new IllegalArgumentException("limit of client '" + clientId + "' must not be null");
      }
      if (clients.putIfAbsent(clientId, limit) != null) {
        throw new IllegalArgumentException("client '" + clientId + "' already has a limit");
      }
      return this;
    }

    /**
     * The client id charged for requests without one; {@code "anonymous"} unless set. Give it
     * a limit with {@link #client} to treat anonymous callers apart from the default.
     *
     * @throws IllegalArgumentException when {@code id} is blank
     */
    public Builder anonymousClient(String id) {
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("anonymousClient must not be blank but was '" + id + "'");
      }
      this.anonymousClient = id;
      return this;
    }

    /** What happens to a call whose budget is empty; {@link OnExhausted#reject()} unless set. */
    public Builder onExhausted(OnExhausted onExhausted) {
      this.onExhausted = Objects.requireNonNull(onExhausted, "onExhausted");
      return this;
    }

    /** How input tokens are estimated; {@link TokenCounter#standard()} unless set. */
    public Builder tokenCounter(TokenCounter counter) {
      this.tokenCounter = Objects.requireNonNull(counter, "tokenCounter");
      return this;
    }

    /**
     * Keeps the buckets in {@code backend} (a Bucket4j {@link ProxyManager} keyed by string,
     * such as one on Redis) instead of in memory, so that replicas share the budgets. Its keys
     * are {@code ai-gateway:client:requests:<clientId>} and
     * {@code ai-gateway:client:tokens:<clientId>}. Time is then the backend's, not the gateway's
     * ticker.
     */
    public Builder backend(ProxyManager<String> backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** Builds the limits. */
    public RateLimits build() {
      return new RateLimits(this);
    }
  }
}
