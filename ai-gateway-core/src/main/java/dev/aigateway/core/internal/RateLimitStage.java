package dev.aigateway.core.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.aigateway.api.AccessDeniedException;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.RateLimitStoreUnavailableException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatObserver;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.GatewayEventListener.RateLimitOutcome;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.ratelimit.BackendFailure;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.OnExhausted;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.ratelimit.TokenCounter;
import dev.aigateway.core.ratelimit.Window;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
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
final class RateLimitStage implements ChatInterceptor {
  private static final Logger log = LoggerFactory.getLogger(RateLimitStage.class);

  private final RateLimits limits;
  private final TimeMeter meter;
  private final Cache<String, Quota> quotas;

  /** A stage that enforces {@code limits} on {@code ticker}'s time. */
  RateLimitStage(RateLimits limits, Timing.Ticker ticker) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.meter = meter(ticker);
    this.quotas = Caffeine.newBuilder()
        .expireAfterAccess(Duration.ofNanos(longestWindow(limits)))
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
  }

  /** Bucket4j's view of the gateway's ticker. */
  static TimeMeter meter(Timing.Ticker ticker) {
    if (ticker == Timing.Ticker.SYSTEM) {
      return TimeMeter.SYSTEM_NANOTIME;
    }
    return new TimeMeter() {
      @Override
      public long currentTimeNanos() {
        return ticker.read();
      }

      @Override
      public boolean isWallClockBased() {
        return false;
      }
    };
  }

  /** The limits this interceptor enforces. */
  public RateLimits limits() {
    return limits;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    RealCall call = (RealCall) chain.call();
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
    Quota quota;
    long estimate;
    RealCall.Admission kept = call.takeAdmission();
    if (kept != null) { // admitted by an inline run that moved to a worker: charged once
      quota = (Quota) kept.quota();
      estimate = kept.estimate();
    } else {
      quota = quotas.getIfPresent(client); // no capturing lambda on the common path
      if (quota == null) {
        quota = quotas.get(client, id -> Quota.create("client '" + id + "'", limits.backend(),
            meter, "client", id, limit.requestWindows(), limit.tokenWindows()));
      }
      estimate = quota.countsTokens() ? estimate(request) : 0;
      try {
        admit(call, request, quota, estimate);
        backendUp();
      } catch (AiGatewayException | CancellationException | WouldBlock e) {
        throw e;
      } catch (RuntimeException e) {
        backendDown(e);
        if (limits.onBackendFailure() == BackendFailure.FAIL_CLOSED) {
          throw new RateLimitStoreUnavailableException(request.clientId(),
              "the rate-limit store is unavailable; " + quota.name() + " was not admitted: "
                  + e.getClass().getSimpleName(), e);
        }
        decided(call, RateLimitOutcome.UNCHECKED, 0);
        return chain.proceed(request); // fail open: unchecked, and nothing to reconcile
      }
    }
    ChatResult result;
    try {
      result = chain.proceed(request);
    } catch (WouldBlock e) {
      call.keepAdmission(new RealCall.Admission(quota, estimate)); // the worker goes on
      throw e;
    } catch (RuntimeException e) {
      if (quota.countsTokens()) {
        adjust(quota, -estimate); // no answer: no tokens to charge
      }
      throw e;
    }
    if (!quota.countsTokens()) {
      return result;
    }
    if (!result.isStream()) {
      // A complete answer: reconcile now, without an observer.
      ChatResponse response = result.response();
      if (call.fromCache() || response.fromCache()) {
        adjust(quota, -estimate);
      } else if (response.usage() != null) {
        adjust(quota, response.usage().totalTokens() - estimate);
      }
      return result;
    }
    return result.observe(new Reconciler(quota, estimate, call));
  }

  // One log line per outage of the backend, and one when it is back.
  private final java.util.concurrent.atomic.AtomicBoolean backendDown =
      new java.util.concurrent.atomic.AtomicBoolean();

  private void backendDown(RuntimeException e) {
    if (backendDown.compareAndSet(false, true)) {
      log.warn("the rate-limit backend is unavailable; calls are {} until it is back: {}",
          limits.onBackendFailure() == BackendFailure.FAIL_OPEN ? "admitted unchecked"
              : "refused", e.toString());
    }
  }

  private void backendUp() {
    if (backendDown.get() && backendDown.compareAndSet(true, false)) {
      log.info("the rate-limit backend is back; calls are checked again");
    }
  }

  private long estimate(ChatRequest request) {
    long input = Math.max(0, limits.tokenCounter().inputTokens(request));
    Integer maxTokens = request.maxTokens();
    return input + (maxTokens == null ? 0 : Math.max(0, maxTokens));
  }

  /** Takes the call's share of the budget, waiting if allowed; throws when refused. */
  private void admit(RealCall call, ChatRequest request, Quota quota, long tokens) {
    OnExhausted mode = limits.onExhausted();
    long allowance = mode.maxWaitNanos();
    long budget = allowance;
    while (true) {
      Quota.Refusal refusal = quota.tryAcquire(tokens);
      if (refusal == null) {
        decided(call, budget == allowance ? RateLimitOutcome.ADMITTED : RateLimitOutcome.WAITED,
            allowance - budget);
        return;
      }
      if (!refusal.never() && refusal.nanosToWait() <= budget) {
        Waits.pause(call, Duration.ofNanos(refusal.nanosToWait()),
            "waiting for its rate limit");
        budget -= refusal.nanosToWait();
        continue;
      }
      if (!mode.proceeds()) {
        decided(call, RateLimitOutcome.REJECTED, allowance - budget);
        throw new RateLimitExceededException(request.clientId(), refusal.describe(),
            refusal.never() ? null : Duration.ofNanos(refusal.nanosToWait()));
      }
      if (budget > 0) {
        // wait out the rest of the allowance, then try once more
        Waits.pause(call, Duration.ofNanos(budget), "waiting for its rate limit");
        budget = 0;
        continue;
      }
      quota.force(tokens);
      decided(call, RateLimitOutcome.WAITED, allowance);
      return;
    }
  }

  private static void decided(RealCall call, RateLimitOutcome outcome, long waitedNanos) {
    Events events = call.events();
    if (events.enabled()) {
      events.rateLimitDecision(call, outcome, Duration.ofNanos(waitedNanos));
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
  @Nullable Quota quotaOf(String clientId) {
    return quotas.getIfPresent(clientId);
  }

  @Override
  public String toString() {
    return "RateLimitStage[" + limits + "]";
  }

  /**
   * Replaces one call's token estimate with its real usage. Chunks arrive one at a time, but a
   * cancel may race them, hence the atomic.
   */
  private static final class Reconciler implements ChatObserver {
    private final Quota quota;
    private final RealCall call;
    private final AtomicLong charged; // tokens charged for this call so far; -1 once settled

    Reconciler(Quota quota, long estimate, RealCall call) {
      this.quota = quota;
      this.call = call;
      this.charged = new AtomicLong(estimate);
    }

    @Override
    public boolean needsResponse() {
      return false;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      Usage usage = chunk.usage();
      if (usage != null && !call.fromCache()) {
        chargeTo(usage.totalTokens());
      }
    }

    @Override
    public void onComplete(@Nullable ChatResponse response) {
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
      if (before > 0 && call.fromCache()) {
        adjust(quota, -before);
      }
    }
  }
}
