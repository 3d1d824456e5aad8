package dev.aigateway.core.ratelimit;

import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.spi.Target;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A vendor's own limits for the configured key, respected before the vendor answers 429: the
 * requests and tokens per minute (RPM and TPM) of a target ({@code provider/model}) or of a whole
 * provider. Install it with {@code AiGateway.builder().upstreamLimits(upstreamLimits)}.
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
 * <p>Immutable. The gateway enforces it, lock-free with local buckets, on its own ticker; it
 * never blocks.
 */
public final class UpstreamLimits {
  /** The error code of the exception that refuses an attempt. */
  public static final String ERROR_CODE = "upstream_limit";

  private final Map<Target, Limit> targets;
  private final Map<String, Limit> providers;
  private final TokenCounter counter;
  private final @Nullable ProxyManager<String> backend;

  private UpstreamLimits(Builder b) {
    this.counter = b.counter;
    this.targets = Map.copyOf(b.targets);
    this.providers = Map.copyOf(b.providers);
    this.backend = b.backend;
  }

  /** A new builder with no limits. */
  public static Builder builder() {
    return new Builder();
  }

  /** The limits per target; unmodifiable. */
  public Map<Target, Limit> targets() {
    return targets;
  }

  /** The limits per provider, on top of its targets' own; unmodifiable. */
  public Map<String, Limit> providers() {
    return providers;
  }

  /** How input tokens are estimated. */
  public TokenCounter tokenCounter() {
    return counter;
  }

  /** Where the buckets live, or null for local, in-memory buckets. */
  public @Nullable ProxyManager<String> backend() {
    return backend;
  }

  @Override
  public String toString() {
    return "UpstreamLimits[targets=" + targets.keySet() + ", providers=" + providers.keySet()
        + "]";
  }

  /**
   * One target's or provider's limits, as windows of a minute (none for a 0 limit).
   *
   * @param requests the request windows
   * @param tokens the token windows
   */
  public record Limit(java.util.List<Window> requests, java.util.List<Window> tokens) {
    /** Validates and copies. */
    public Limit {
      requests = java.util.List.copyOf(requests);
      tokens = java.util.List.copyOf(tokens);
    }

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
    private @Nullable ProxyManager<String> backend;

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

    /** Builds the limits. */
    public UpstreamLimits build() {
      return new UpstreamLimits(this);
    }
  }
}
