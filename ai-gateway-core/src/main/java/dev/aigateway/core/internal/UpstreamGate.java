package dev.aigateway.core.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.ratelimit.TokenCounter;
import dev.aigateway.core.ratelimit.UpstreamLimits;
import dev.aigateway.core.resilience.TargetGate;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Enforces {@link UpstreamLimits} as the gateway's {@link TargetGate}; see there. Thread safe. */
final class UpstreamGate implements TargetGate {
  private final Map<Target, Quota> targets;
  private final Map<String, Quota> providers;
  private final TokenCounter counter;
  private final UpstreamLimits limits;

  UpstreamGate(UpstreamLimits limits, TimeMeter meter) {
    this.limits = limits;
    this.counter = limits.tokenCounter();
    Map<Target, Quota> t = new HashMap<>();
    limits.targets().forEach((target, limit) -> t.put(target, Quota.create("target " + target,
        limits.backend(), meter, "upstream", target.toString(), limit.requests(),
        limit.tokens())));
    Map<String, Quota> p = new HashMap<>();
    limits.providers().forEach((id, limit) -> p.put(id, Quota.create("provider " + id,
        limits.backend(), meter, "upstream", id, limit.requests(), limit.tokens())));
    this.targets = Map.copyOf(t);
    this.providers = Map.copyOf(p);
  }

  @Override
  public @Nullable AiGatewayException tryEnter(Target target, ChatRequest request) {
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
    return new ProviderRateLimitException(target.providerId(), 0, UpstreamLimits.ERROR_CODE,
        "skipped " + target + ": " + refusal.describe(),
        refusal.never() ? null : Duration.ofNanos(refusal.nanosToWait()), true, null);
  }

  @Override
  public void exit(Target target, ChatRequest request, @Nullable Usage usage) {
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
  @Nullable Quota quotaOf(Target target) {
    return targets.get(target);
  }

  @Override
  public String toString() {
    return "UpstreamGate[" + limits + "]";
  }

  /** Both gates: the application's, then the upstream limits. */
  static TargetGate both(TargetGate first, TargetGate second) {
    if (first == TargetGate.OPEN) {
      return second;
    }
    if (second == TargetGate.OPEN) {
      return first;
    }
    return new TargetGate() {
      @Override
      public @Nullable AiGatewayException tryEnter(Target target, ChatRequest request) {
        AiGatewayException refused = first.tryEnter(target, request);
        if (refused != null) {
          return refused;
        }
        refused = second.tryEnter(target, request);
        if (refused != null) {
          first.exit(target, request, null);
        }
        return refused;
      }

      @Override
      public void exit(Target target, ChatRequest request, @Nullable Usage usage) {
        try {
          second.exit(target, request, usage);
        } finally {
          first.exit(target, request, usage);
        }
      }
    };
  }
}
