package dev.aigateway.core.internal;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.BucketState;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.local.LocalBucketBuilder;
import dev.aigateway.core.ratelimit.Window;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One budget: a bucket of requests and a bucket of tokens, each with all its windows as
 * bandwidths, so that Bucket4j consumes from every window of a bucket or from none. Across the
 * two buckets the same holds because a request admitted by the request bucket and refused by the
 * token bucket is given back. Thread safe, lock-free for local buckets.
 */
final class Quota {
  private final String name;
  private final io.github.bucket4j.distributed.@Nullable AsyncBucketProxy asyncRequests;
  private final io.github.bucket4j.distributed.@Nullable AsyncBucketProxy asyncTokens;
  private final @Nullable Bucket requests;
  private final List<Window> requestWindows;
  private final @Nullable Bucket tokens;
  private final List<Window> tokenWindows;
  private final long largestTokenCharge;

  private Quota(String name, @Nullable Bucket requests, List<Window> requestWindows,
      @Nullable Bucket tokens, List<Window> tokenWindows) {
    this(name, requests, requestWindows, tokens, tokenWindows, null, null);
  }

  private Quota(String name, @Nullable Bucket requests, List<Window> requestWindows,
      @Nullable Bucket tokens, List<Window> tokenWindows,
      io.github.bucket4j.distributed.@Nullable AsyncBucketProxy asyncRequests,
      io.github.bucket4j.distributed.@Nullable AsyncBucketProxy asyncTokens) {
    this.asyncRequests = asyncRequests;
    this.asyncTokens = asyncTokens;
    this.name = name;
    this.requests = requests;
    this.requestWindows = requestWindows;
    this.tokens = tokens;
    this.tokenWindows = tokenWindows;
    this.largestTokenCharge = tokens == null ? Long.MAX_VALUE : Window.smallest(tokenWindows);
  }

  /**
   * The budget {@code id} with these windows, in {@code backend} under
   * {@code ai-gateway:<scope>:requests:<id>} and {@code ai-gateway:<scope>:tokens:<id>}, or in
   * memory on {@code meter} when {@code backend} is null.
   */
  static Quota create(String name, @Nullable ProxyManager<String> backend, TimeMeter meter,
      String scope, String id, List<Window> requestWindows, List<Window> tokenWindows) {
    Bucket r = requestWindows.isEmpty() ? null
        : bucket(backend, meter, "ai-gateway:" + scope + ":requests:" + id, requestWindows);
    Bucket t = tokenWindows.isEmpty() ? null
        : bucket(backend, meter, "ai-gateway:" + scope + ":tokens:" + id, tokenWindows);
    if (backend != null && backend.isAsyncModeSupported()) {
      // Both budgets asked at once, so that admission waits on the backend once, not per bucket.
      io.github.bucket4j.distributed.proxy.AsyncProxyManager<String> async = backend.asAsync();
      return new Quota(name, r, requestWindows, t, tokenWindows,
          requestWindows.isEmpty() ? null
              : asyncBucket(async, "ai-gateway:" + scope + ":requests:" + id, requestWindows),
          tokenWindows.isEmpty() ? null
              : asyncBucket(async, "ai-gateway:" + scope + ":tokens:" + id, tokenWindows));
    }
    return new Quota(name, r, requestWindows, t, tokenWindows);
  }

  private static io.github.bucket4j.distributed.AsyncBucketProxy asyncBucket(
      io.github.bucket4j.distributed.proxy.AsyncProxyManager<String> async, String key,
      List<Window> windows) {
    BucketConfiguration configuration = configuration(windows);
    return async.builder().build(key,
        () -> java.util.concurrent.CompletableFuture.completedFuture(configuration));
  }

  private static BucketConfiguration configuration(List<Window> windows) {
    ConfigurationBuilder c = BucketConfiguration.builder();
    for (Window w : windows) {
      c.addLimit(l -> l.capacity(w.amount()).refillGreedy(w.amount(), w.period()));
    }
    return c.build();
  }

  private static Bucket bucket(
      @Nullable ProxyManager<String> backend, TimeMeter meter, String key, List<Window> windows) {
    if (backend == null) {
      LocalBucketBuilder b = Bucket.builder().withCustomTimePrecision(meter);
      for (Window w : windows) {
        b.addLimit(l -> l.capacity(w.amount()).refillGreedy(w.amount(), w.period()));
      }
      return b.build();
    }
    BucketConfiguration configuration = configuration(windows);
    return backend.builder().build(key, () -> configuration);
  }

  /** Who this budget belongs to, for messages: "client 'x'" or "target openai/gpt-4o". */
  String name() {
    return name;
  }

  boolean countsTokens() {
    return tokens != null;
  }

  /**
   * Takes one request and {@code tokenCount} tokens, from every window or from none.
   *
   * @return null when taken, else why not
   */
  @Nullable Refusal tryAcquire(long tokenCount) {
    if (tokens != null && tokenCount > largestTokenCharge) {
      return new Refusal(this, "tokens", windowBelow(tokenWindows, tokenCount), tokenCount,
          Long.MAX_VALUE);
    }
    if (asyncRequests != null || asyncTokens != null) {
      return tryAcquireAtOnce(tokenCount);
    }
    if (requests != null) {
      ConsumptionProbe probe = requests.tryConsumeAndReturnRemaining(1);
      if (!probe.isConsumed()) {
        return new Refusal(this, "requests", refusing(requests, requestWindows, 1), 1,
            probe.getNanosToWaitForRefill());
      }
    }
    if (tokens != null && tokenCount > 0) {
      ConsumptionProbe probe = tokens.tryConsumeAndReturnRemaining(tokenCount);
      if (!probe.isConsumed()) {
        if (requests != null) {
          requests.addTokens(1); // all or nothing: give the request back
        }
        return new Refusal(this, "tokens", refusing(tokens, tokenWindows, tokenCount),
            tokenCount, probe.getNanosToWaitForRefill());
      }
    }
    return null;
  }

  /**
   * {@link #tryAcquire} on a shared backend: both budgets are asked at once and waited for
   * together, one wait on the backend per call; what one took is given back (without waiting)
   * when the other refused.
   */
  private @Nullable Refusal tryAcquireAtOnce(long tokenCount) {
    var r = asyncRequests == null ? null : asyncRequests.tryConsumeAndReturnRemaining(1);
    var t = asyncTokens == null || tokenCount <= 0 ? null
        : asyncTokens.tryConsumeAndReturnRemaining(tokenCount);
    ConsumptionProbe rp = r == null ? null : join(r);
    ConsumptionProbe tp = t == null ? null : join(t);
    if (rp != null && !rp.isConsumed()) {
      if (tp != null && tp.isConsumed()) {
        asyncTokens.addTokens(tokenCount);
      }
      return new Refusal(this, "requests", refusing(requests, requestWindows, 1), 1,
          rp.getNanosToWaitForRefill());
    }
    if (tp != null && !tp.isConsumed()) {
      if (rp != null) {
        asyncRequests.addTokens(1);
      }
      return new Refusal(this, "tokens", refusing(tokens, tokenWindows, tokenCount),
          tokenCount, tp.getNanosToWaitForRefill());
    }
    return null;
  }

  private static <T> T join(java.util.concurrent.CompletableFuture<T> f) {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re
          : new IllegalStateException("the rate-limit backend failed", cause);
    }
  }

  /** Takes one request and {@code tokenCount} tokens whatever the budget says (into debt). */
  void force(long tokenCount) {
    if (asyncRequests != null) {
      asyncRequests.consumeIgnoringRateLimits(1);
    } else if (requests != null) {
      requests.consumeIgnoringRateLimits(1);
    }
    adjustTokens(tokenCount);
  }

  /** Gives back what a successful {@link #tryAcquire} took. */
  void release(long tokenCount) {
    if (asyncRequests != null) {
      asyncRequests.addTokens(1);
    } else if (requests != null) {
      requests.addTokens(1);
    }
    adjustTokens(-tokenCount);
  }

  /** Charges {@code delta} more tokens (into debt if need be), or refunds {@code -delta}. */
  void adjustTokens(long delta) {
    if (tokens == null || delta == 0) {
      return;
    }
    if (asyncTokens != null) { // reconciliation does not wait for the backend
      if (delta > 0) {
        asyncTokens.consumeIgnoringRateLimits(delta);
      } else {
        asyncTokens.addTokens(-delta);
      }
      return;
    }
    if (delta > 0) {
      tokens.consumeIgnoringRateLimits(delta);
    } else {
      tokens.addTokens(-delta); // capped at each window's capacity by Bucket4j
    }
  }

  /** Tokens that could be taken now (the smallest window's); for tests. */
  long availableTokens() {
    return tokens == null ? Long.MAX_VALUE : tokens.getAvailableTokens();
  }

  /** Requests that could be taken now; for tests. */
  long availableRequests() {
    return requests == null ? Long.MAX_VALUE : requests.getAvailableTokens();
  }

  /** The first window that holds less than {@code asked}; only on the refusal path. */
  private static Window refusing(Bucket bucket, List<Window> windows, long asked) {
    if (windows.size() == 1) {
      return windows.get(0);
    }
    try {
      BucketState state = bucket.asVerbose().getAvailableTokens().getState();
      for (int i = 0; i < windows.size(); i++) {
        if (state.getCurrentSize(i) < asked) {
          return windows.get(i);
        }
      }
    } catch (RuntimeException e) {
      // The diagnostics are for the message only: fall through to a plausible window.
    }
    return windows.get(0);
  }

  private static Window windowBelow(List<Window> windows, long asked) {
    for (Window w : windows) {
      if (w.amount() < asked) {
        return w;
      }
    }
    return windows.get(0);
  }

  /** Why a budget refused: which window, and how long until it would admit the call. */
  record Refusal(Quota quota, String unit, Window window, long asked, long nanosToWait) {
    /** Whether the call is larger than the window itself, so that no wait can admit it. */
    boolean never() {
      return nanosToWait == Long.MAX_VALUE;
    }

    String describe() {
      if (never()) {
        return quota.name + " cannot take a call of " + asked + " " + unit
            + ": it exceeds the limit of " + window.describe(unit);
      }
      return quota.name + " is over its limit of " + window.describe(unit)
          + "; retry after " + Window.format(java.time.Duration.ofNanos(nanosToWait));
    }
  }
}
