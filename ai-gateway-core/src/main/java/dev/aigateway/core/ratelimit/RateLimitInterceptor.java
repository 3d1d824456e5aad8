package dev.aigateway.core.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aigateway.api.AccessDeniedException;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatObserver;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.core.cache.CacheHit;
import dev.aigateway.core.resilience.Sleeper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-client rate limit and policy stage. It sits above the cache, so that every call
 * counts, cache hits included. For each call, in order:
 *
 * <ol>
 *   <li><b>Policy.</b> A client whose {@link ClientLimit#allowedModels()} do not include the
 *       requested model (or route) fails with {@link AccessDeniedException}, naming both.
 *   <li><b>Admission.</b> One request and the estimated tokens are taken from the client's budget,
 *       from every window or from none. The estimate is the {@link TokenCounter}'s input count
 *       plus the request's {@code maxTokens} as expected output (0 when unset: the output is
 *       then charged after the call). When the budget is empty the call is rejected at once with
 *       {@link RateLimitExceededException}, carrying the limit in its message and
 *       {@code retryAfter()}, and nothing is sent; or it waits, as {@link OnExhausted} says,
 *       with the injected {@link Sleeper}, honouring the call's {@link Cancellation}.
 *   <li><b>Reconciliation.</b> After the call, the estimate is replaced by the usage the vendor
 *       reported ({@code totalTokens}): the difference is refunded, or charged regardless of the
 *       budget. A stream is reconciled as each chunk with usage passes. A call that failed
 *       before any answer has its tokens refunded (its request stays counted); an answer with no
 *       usage keeps the estimate.
 *   <li><b>Cache hits</b> count against the request limit but not the token limit: the stage
 *       puts a {@link CacheHit} on the request (or uses one an outer stage put there), and when
 *       the cache marked it (or the answer says {@code fromCache()}), every token charged for
 *       the call is refunded: at once for {@code chat()}, when the stream ends for
 *       {@code stream()}.
 * </ol>
 *
 * <p><b>Backend failures.</b> When the bucket backend fails while admitting a call, the call
 * fails with a retryable {@link dev.aigateway.api.AiGatewayException} that names the client (it
 * fails closed: nothing is sent); a failure while reconciling after the call is logged and
 * ignored, so it never breaks an answer that was already given.
 *
 * <p>Calls of clients without any limit (no own limit and no default) pass through untouched.
 * Thread safe; admission is lock-free with local buckets. Local budgets of clients idle for the
 * longest configured window are dropped, which only forgives debt a client ran up beyond its
 * budget (by usage over the estimate): a budget idle that long has refilled anyway.
 */
public final class RateLimitInterceptor implements ChatInterceptor {
  private static final Logger log = LoggerFactory.getLogger(RateLimitInterceptor.class);

  private final RateLimits limits;
  private final Sleeper sleeper;
  private final Cache<String, Quota> quotas;

  /** An interceptor that enforces {@code limits}, waiting (if it ever waits) with real sleeps. */
  public RateLimitInterceptor(RateLimits limits) {
    this(limits, Sleeper.SYSTEM);
  }

  /**
   * An interceptor that enforces {@code limits}.
   *
   * @param limits the limits and policies
   * @param sleeper what waits for a budget to refill under {@link OnExhausted#waitThenReject}
   *     or {@link OnExhausted#waitThenProceed}; the gateway's own sleeper
   */
  public RateLimitInterceptor(RateLimits limits, Sleeper sleeper) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    this.quotas = Caffeine.newBuilder()
        .expireAfterAccess(Duration.ofNanos(longestWindow(limits)))
        .ticker(limits.timeMeter()::currentTimeNanos)
        .executor(Runnable::run)
        .build();
  }

  /** The limits this interceptor enforces. */
  public RateLimits limits() {
    return limits;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    String client = request.clientId() != null ? request.clientId() : limits.anonymousClient();
    ClientLimit limit = limits.limitFor(client);
    if (limit == null) {
      return chain.proceed(request);
    }
    if (!limit.allows(request.model())) {
      throw new AccessDeniedException(request.clientId(), request.model(),
          "client '" + client + "' may not use '" + request.model() + "'; it may use "
              + limit.allowedModels());
    }
    if (!limit.hasWindows()) {
      return chain.proceed(request);
    }
    Quota quota = quotas.getIfPresent(client); // no capturing lambda on the common path
    if (quota == null) {
      quota = quotas.get(client, id -> Quota.create("client '" + id + "'", limits.backend(),
          limits.timeMeter(), "client", id, limit.requestWindows(), limit.tokenWindows()));
    }
    long estimate = quota.countsTokens() ? estimate(request) : 0;
    try {
      admit(request, quota, estimate);
    } catch (AiGatewayException | CancellationException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new AiGatewayException("the rate-limit backend failed while admitting a call of "
          + quota.name() + ": " + e, e, true);
    }
    if (!quota.countsTokens()) {
      return chain.proceed(request);
    }
    CacheHit hit = request.attribute(CacheHit.ATTRIBUTE);
    if (hit == null) {
      hit = new CacheHit();
      request = request.withAttribute(CacheHit.ATTRIBUTE, hit);
    }
    ChatResult result;
    try {
      result = chain.proceed(request);
    } catch (RuntimeException e) {
      adjust(quota, -estimate); // no answer: no tokens to charge
      throw e;
    }
    return result.observe(new Reconciler(quota, estimate, hit));
  }

  private long estimate(ChatRequest request) {
    long input = Math.max(0, limits.tokenCounter().inputTokens(request));
    Integer maxTokens = request.maxTokens();
    return input + (maxTokens == null ? 0 : Math.max(0, maxTokens));
  }

  /** Takes the call's share of the budget, waiting if allowed; throws when refused. */
  private void admit(ChatRequest request, Quota quota, long tokens) {
    OnExhausted mode = limits.onExhausted();
    long budget = mode.maxWaitNanos();
    while (true) {
      Quota.Refusal refusal = quota.tryAcquire(tokens);
      if (refusal == null) {
        return;
      }
      if (!refusal.never() && refusal.nanosToWait() <= budget) {
        pause(request, refusal.nanosToWait());
        budget -= refusal.nanosToWait();
        continue;
      }
      if (!mode.proceeds()) {
        throw new RateLimitExceededException(request.clientId(), refusal.describe(),
            refusal.never() ? null : Duration.ofNanos(refusal.nanosToWait()));
      }
      if (budget > 0) {
        pause(request, budget); // wait out the rest of the allowance, then try once more
        budget = 0;
        continue;
      }
      quota.force(tokens);
      return;
    }
  }

  private void pause(ChatRequest request, long nanos) {
    Cancellation cancellation = Cancellation.of(request);
    if (cancellation != null && cancellation.isCancelled()) {
      throw new CancellationException("the call was cancelled");
    }
    Thread thread = Thread.currentThread();
    try (Cancellation.Registration wake =
        cancellation == null ? null : cancellation.onCancel(thread::interrupt)) {
      sleeper.sleep(Duration.ofNanos(nanos));
    } catch (InterruptedException e) {
      if (cancellation != null && cancellation.isCancelled()) {
        Thread.interrupted(); // ours, not the application's
        throw new CancellationException(
            "the call was cancelled while waiting for its rate limit");
      }
      thread.interrupt();
      throw new CancellationException("interrupted while waiting for the rate limit");
    }
    if (cancellation != null && cancellation.isCancelled()) {
      Thread.interrupted(); // a cancel that raced the end of the sleep
      throw new CancellationException("the call was cancelled while waiting for its rate limit");
    }
  }

  private static long longestWindow(RateLimits limits) {
    List<ClientLimit> all = new ArrayList<>(limits.clients().values());
    if (limits.defaultLimit() != null) {
      all.add(limits.defaultLimit());
    }
    long longest = Duration.ofMinutes(1).toNanos();
    for (ClientLimit l : all) {
      for (List<Window> ws : List.of(l.requestWindows(), l.tokenWindows())) {
        for (Window w : ws) {
          longest = Math.max(longest, saturatedNanos(w.period()));
        }
      }
    }
    return longest;
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  /** Charges or refunds tokens after admission, where a backend failure must not fail the call. */
  static void adjust(Quota quota, long delta) {
    try {
      quota.adjustTokens(delta);
    } catch (RuntimeException e) {
      log.warn("the rate-limit backend failed to reconcile {} tokens of {}; ignored", delta,
          quota.name(), e);
    }
  }

  /** The client's budget, for tests; null when the client has not called yet. */
  Quota quotaOf(String clientId) {
    return quotas.getIfPresent(clientId);
  }

  @Override
  public String toString() {
    return "RateLimitInterceptor[" + limits + "]";
  }

  /**
   * Replaces one call's token estimate with its real usage. Chunks arrive one at a time, but a
   * cancel may race them, hence the atomic.
   */
  private static final class Reconciler implements ChatObserver {
    private final Quota quota;
    private final CacheHit hit;
    private final AtomicLong charged; // tokens charged for this call so far; -1 once settled

    Reconciler(Quota quota, long estimate, CacheHit hit) {
      this.quota = quota;
      this.hit = hit;
      this.charged = new AtomicLong(estimate);
    }

    @Override
    public boolean needsResponse() {
      return false;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      Usage usage = chunk.usage();
      if (usage != null && !hit.isHit()) {
        chargeTo(usage.totalTokens());
      }
    }

    @Override
    public void onComplete(ChatResponse response) {
      if (response != null && response.fromCache()) {
        hit.mark();
      }
      if (response != null && response.usage() != null && !hit.isHit()) {
        chargeTo(response.usage().totalTokens());
      }
      settle();
    }

    @Override
    public void onError(Throwable error) {
      settle();
    }

    @Override
    public void onCancel() {
      settle();
    }

    private void chargeTo(long total) {
      while (true) {
        long before = charged.get();
        if (before < 0) {
          return; // settled: late chunk after a cancel
        }
        if (charged.compareAndSet(before, total)) {
          adjust(quota, total - before);
          return;
        }
      }
    }

    private void settle() {
      long before = charged.getAndSet(-1);
      if (before > 0 && hit.isHit()) {
        adjust(quota, -before);
      }
    }
  }
}
