package dev.aigateway.core.ratelimit;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.Usage;
import dev.aigateway.core.Target;
import dev.aigateway.core.resilience.TargetGate;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A vendor's own limits for the configured key, respected before the vendor answers 429: the
 * requests and tokens per minute (RPM and TPM) of a target ({@code provider/model}) or of a whole
 * provider. Install it with {@code AiGateway.builder().targetGate(upstreamLimits)}.
 *
 * <pre>{@code
 * UpstreamLimits upstream = UpstreamLimits.builder()
 *     .target(new Target("openai", "gpt-4o"), 500, 30_000)   // RPM, TPM
 *     .provider("anthropic", 50, 0)                           // 50 RPM, tokens not limited
 *     .build();
 * }</pre>
 *
 * <p>Each attempt takes one request and its estimated tokens (the {@link TokenCounter}'s input
 * count for the target's model, plus the request's {@code maxTokens}, or 0 when unset) from the
 * target's budget and from its provider's, from all of them or from none. An attempt that does
 * not fit is refused with a {@link ProviderRateLimitException} (status 0, error code
 * {@value #ERROR_CODE}, with {@code retryAfter()}); the gateway skips the target and goes on to
 * the next candidate, and when every target was skipped the {@code AllTargetsFailedException}
 * lists why. When an attempt ends, its estimate is reconciled with the usage the vendor
 * reported; an attempt with no usage keeps its estimate. Targets and providers with no limit are
 * always admitted.
 *
 * <p>Thread safe; lock-free with local buckets; never blocks.
 */
public final class UpstreamLimits implements TargetGate {
  /** The error code of the exception that refuses an attempt. */
  public static final String ERROR_CODE = "upstream_limit";

  private final Map<Target, Quota> targets;
  private final Map<String, Quota> providers;
  private final TokenCounter counter;

  private UpstreamLimits(Builder b) {
    this.counter = b.counter;
    Map<Target, Quota> t = new HashMap<>();
    b.targets.forEach((target, limit) -> t.put(target, Quota.create("target " + target,
        b.backend, b.timeMeter, "upstream", target.toString(), limit.requests, limit.tokens)));
    Map<String, Quota> p = new HashMap<>();
    b.providers.forEach((id, limit) -> p.put(id, Quota.create("provider " + id,
        b.backend, b.timeMeter, "upstream", id, limit.requests, limit.tokens)));
    this.targets = Map.copyOf(t);
    this.providers = Map.copyOf(p);
  }

  /** A new builder with no limits. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public AiGatewayException tryEnter(Target target, ChatRequest request) {
    Quota own = targets.get(target);
    Quota shared = providers.get(target.providerId());
    if (own == null && shared == null) {
      return null;
    }
    long tokens = estimate(request);
    Quota.Refusal refusal = own == null ? null : own.tryAcquire(tokens);
    if (refusal == null && shared != null) {
      refusal = shared.tryAcquire(tokens);
      if (refusal != null && own != null) {
        own.release(tokens); // all or nothing
      }
    }
    if (refusal == null) {
      return null;
    }
    return new ProviderRateLimitException(target.providerId(), 0, ERROR_CODE,
        "skipped " + target + ": " + refusal.describe(),
        refusal.never() ? null : Duration.ofNanos(refusal.nanosToWait()), true, null);
  }

  @Override
  public void exit(Target target, ChatRequest request, Usage usage) {
    if (usage == null) {
      return; // keep the estimate
    }
    Quota own = targets.get(target);
    Quota shared = providers.get(target.providerId());
    if (own == null && shared == null) {
      return;
    }
    long delta = usage.totalTokens() - estimate(request);
    if (own != null) {
      own.adjustTokens(delta);
    }
    if (shared != null) {
      shared.adjustTokens(delta);
    }
  }

  private long estimate(ChatRequest request) {
    Integer maxTokens = request.maxTokens();
    return Math.max(0, counter.inputTokens(request))
        + (maxTokens == null ? 0 : Math.max(0, maxTokens));
  }

  /** The budget of {@code target}, for tests. */
  Quota quotaOf(Target target) {
    return targets.get(target);
  }

  @Override
  public String toString() {
    return "UpstreamLimits[targets=" + targets.keySet() + ", providers=" + providers.keySet()
        + "]";
  }

  private record Limit(java.util.List<Window> requests, java.util.List<Window> tokens) {
    static Limit perMinute(long rpm, long tpm, String what) {
      if (rpm < 0) {
        throw new IllegalArgumentException(
            "requestsPerMinute of " + what + " must be >= 0 but was " + rpm);
      }
      if (tpm < 0) {
        throw new IllegalArgumentException(
            "tokensPerMinute of " + what + " must be >= 0 but was " + tpm);
      }
      Duration minute = Duration.ofMinutes(1);
      return new Limit(
          rpm == 0 ? java.util.List.of() : java.util.List.of(new Window(rpm, minute)),
          tpm == 0 ? java.util.List.of() : java.util.List.of(new Window(tpm, minute)));
    }
  }

  /** Builds {@link UpstreamLimits}. Not thread safe. Each method validates its arguments. */
  public static final class Builder {
    private final Map<Target, Limit> targets = new HashMap<>();
    private final Map<String, Limit> providers = new HashMap<>();
    private TokenCounter counter = TokenCounter.standard();
    private ProxyManager<String> backend;
    private TimeMeter timeMeter = TimeMeter.SYSTEM_NANOTIME;

    private Builder() {}

    /**
     * The vendor's limits for one model: {@code requestsPerMinute} and {@code tokensPerMinute}
     * (input plus output), each 0 for no limit.
     *
     * @throws IllegalArgumentException when a limit is negative or the target is already set
     */
    public Builder target(Target target, long requestsPerMinute, long tokensPerMinute) {
      Objects.requireNonNull(target, "target");
      if (targets.putIfAbsent(target,
          Limit.perMinute(requestsPerMinute, tokensPerMinute, "target " + target)) != null) {
        throw new IllegalArgumentException("target " + target + " already has limits");
      }
      return this;
    }

    /**
     * The vendor's limits for every model of provider {@code providerId} together, each 0 for no
     * limit. They apply on top of a target's own.
     *
     * @throws IllegalArgumentException when the id is blank, a limit is negative, or the provider
     *     is already set
     */
    public Builder provider(String providerId, long requestsPerMinute, long tokensPerMinute) {
      if (providerId == null || providerId.isBlank()) {
        throw new IllegalArgumentException("providerId must not be blank but was '" + providerId
            + "'");
      }
      if (providers.putIfAbsent(providerId,
          Limit.perMinute(requestsPerMinute, tokensPerMinute, "provider " + providerId)) != null) {
        throw new IllegalArgumentException("provider " + providerId + " already has limits");
      }
      return this;
    }

    /** How input tokens are estimated; {@link TokenCounter#standard()} unless set. */
    public Builder tokenCounter(TokenCounter counter) {
      this.counter = Objects.requireNonNull(counter, "tokenCounter");
      return this;
    }

    /**
     * Keeps the buckets in {@code backend} instead of in memory, under the keys
     * {@code ai-gateway:upstream:requests:<provider/model or provider>} and
     * {@code ai-gateway:upstream:tokens:...}, so that replicas sharing a key share its limits.
     */
    public Builder backend(ProxyManager<String> backend) {
      this.backend = Objects.requireNonNull(backend, "backend");
      return this;
    }

    /** The time source of local buckets; {@link TimeMeter#SYSTEM_NANOTIME} unless set. */
    public Builder timeMeter(TimeMeter timeMeter) {
      this.timeMeter = Objects.requireNonNull(timeMeter, "timeMeter");
      return this;
    }

    /** Builds the limits. */
    public UpstreamLimits build() {
      return new UpstreamLimits(this);
    }
  }
}
