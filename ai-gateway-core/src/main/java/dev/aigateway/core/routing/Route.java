package dev.aigateway.core.routing;

import dev.aigateway.api.spi.Target;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.structured.InvalidOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A named entry point that decides where requests for it go. A request whose model is the
 * route's name is sent to one target of the route's weighted split, then, if that fails, to the
 * route's fallbacks in order. Immutable and thread safe; replace a route at runtime with
 * {@code gateway.routes().replace(route)}.
 *
 * <pre>{@code
 * Route.builder("support")
 *     .target("openai", "gpt-4o", 90)                  // weighted A/B split
 *     .target("anthropic", "claude-sonnet-4-5", 10)
 *     .fallback("anthropic", "claude-haiku-4-5")       // tried after the split's pick fails
 *     .build();
 * }</pre>
 *
 * <ul>
 *   <li><b>The split.</b> The pick is random in proportion to the weights. A weight of 0 keeps a
 *       target in the route without the split ever picking it (it may still be a fallback).
 *   <li><b>Stickiness.</b> The same caller stays on the same arm, so an A/B test is consistent:
 *       requests that carry a {@code clientId} (or the metadata key named with
 *       {@link Builder#stickyBy}) are assigned by weighted rendezvous hashing of that key. When
 *       weights move (90/10, then 50/50), only the callers that must move do, and only towards
 *       the target that gained weight. Requests without the key are picked at random.
 *   <li><b>Fallbacks</b> are tried in the order added, after the split's pick (and its retries)
 *       failed; a fallback equal to the pick is not tried twice. The other arms of the split are
 *       not fallbacks unless named as such.
 *   <li><b>Rules</b> ({@link Rule}) are checked in order before the split; the first that
 *       matches replaces the split and fallbacks with its own.
 *   <li><b>Overrides</b> ({@link Overrides}) set request parameters per target.
 *   <li><b>Resilience</b>: the route may carry its own {@link Resilience} (retries and failure
 *       classification); otherwise the gateway's applies. Circuit breakers and bulkheads are per
 *       target and follow the gateway's settings, whichever route uses the target.
 *   <li><b>Timeouts</b>: the route may set any of the {@link Timeouts}; what it leaves unset
 *       falls back to the gateway's, and a request's own values win over both.
 *   <li><b>Stream restarts</b> ({@link Builder#streamRestarts}): whether a stream cut
 *       mid-answer may be rescued from the start, with a restart chunk.
 *   <li><b>Invalid output</b> ({@link Builder#onInvalidOutput}): what happens when an answer
 *       does not fit the structured output its request asked for: fail (the default), retry
 *       once on the same target, or fail over to the next candidate.
 * </ul>
 */
public final class Route {
  private final String name;
  private final List<RouteTarget> targets;
  private final List<RouteTarget> fallbacks;
  private final List<Rule> rules;
  private final @Nullable String stickyKey;
  private final @Nullable Resilience resilience;
  private final @Nullable Boolean cache;
  private final @Nullable Boolean streamRestarts;
  private final InvalidOutput invalidOutput;
  private final Timeouts timeouts;
  private final int totalWeight;
  private final List<Target> allTargets;

  private Route(Builder b) {
    this.name = b.name;
    this.targets = List.copyOf(b.targets.targets);
    this.fallbacks = List.copyOf(b.targets.fallbacks);
    this.rules = List.copyOf(b.rules);
    this.stickyKey = b.stickyKey;
    this.resilience = b.resilience;
    this.cache = b.cache;
    this.streamRestarts = b.streamRestarts;
    this.invalidOutput = b.invalidOutput;
    this.timeouts = b.timeouts;
    int total = 0;
    for (RouteTarget t : targets) {
      total += t.weight();
    }
    this.totalWeight = total;
    this.allTargets = collectTargets(targets, fallbacks, rules);
  }

  /** A builder for the route called {@code name}. */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /** The route's name, which requests use as their model. */
  public String name() {
    return name;
  }

  /** The targets of the split, in the order they were added; unmodifiable. */
  public List<RouteTarget> targets() {
    return targets;
  }

  /** The fallbacks, in order; unmodifiable. */
  public List<RouteTarget> fallbacks() {
    return fallbacks;
  }

  /** The content rules, in order; unmodifiable. */
  public List<Rule> rules() {
    return rules;
  }

  /** The metadata key that makes callers sticky, or null for {@code clientId}. */
  public @Nullable String stickyKey() {
    return stickyKey;
  }

  /** The route's own timeouts; {@link Timeouts#none()} unless set. */
  public Timeouts timeouts() {
    return timeouts;
  }

  /** The route's own resilience settings, or null for the gateway's. */
  public @Nullable Resilience resilience() {
    return resilience;
  }

  /**
   * Whether answers for this route are cached: true or false to override the gateway's setting,
   * null to follow it.
   */
  public @Nullable Boolean cache() {
    return cache;
  }

  /**
   * Whether this route's stream subscribers understand restart chunks, or null when the route
   * does not say (a request's {@code CallOptions.STREAM_RESTARTS} wins over it).
   */
  public @Nullable Boolean streamRestarts() {
    return streamRestarts;
  }

  /**
   * What happens when an answer does not fit the structured output its request asked for;
   * {@link InvalidOutput#FAIL} unless set.
   */
  public InvalidOutput invalidOutput() {
    return invalidOutput;
  }

  /** The sum of the split's weights; always positive. */
  public int totalWeight() {
    return totalWeight;
  }

  /**
   * Every target the route names (split, fallbacks and rules), in order, with repeats;
   * unmodifiable, worked out once.
   */
  public List<Target> allTargets() {
    return allTargets;
  }

  private static List<Target> collectTargets(List<RouteTarget> targets,
      List<RouteTarget> fallbacks, List<Rule> rules) {
    List<Target> all = new ArrayList<>();
    targets.forEach(t -> all.add(t.target()));
    fallbacks.forEach(t -> all.add(t.target()));
    for (Rule r : rules) {
      r.targets().forEach(t -> all.add(t.target()));
      r.fallbacks().forEach(t -> all.add(t.target()));
    }
    return List.copyOf(all);
  }

  @Override
  public String toString() {
    return "Route[" + name + " -> " + targets
        + (fallbacks.isEmpty() ? "" : ", fallbacks " + fallbacks)
        + (rules.isEmpty() ? "" : ", rules " + rules)
        + (stickyKey == null ? "" : ", sticky by metadata[" + stickyKey + "]")
        + (invalidOutput == InvalidOutput.FAIL ? "" : ", on invalid output " + invalidOutput)
        + "]";
  }

  /** Builds a {@link Route}. Not thread safe. */
  public static final class Builder {
    private final String name;
    private final Rule.Targets targets;
    private final List<Rule> rules = new ArrayList<>();
    private @Nullable String stickyKey;
    private @Nullable Resilience resilience;
    private @Nullable Boolean cache;
    private @Nullable Boolean streamRestarts;
    private InvalidOutput invalidOutput = InvalidOutput.FAIL;
    private Timeouts timeouts = Timeouts.none();

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("route name must not be blank");
      }
      this.name = name;
      this.targets = new Rule.Targets("route '" + name + "'");
    }

    /** Adds a target with weight 1. */
    public Builder target(String providerId, String model) {
      return target(providerId, model, 1);
    }

    /** Adds a target with a relative {@code weight}, 0 or more. */
    public Builder target(String providerId, String model, int weight) {
      return target(providerId, model, weight, Overrides.NONE);
    }

    /** Adds a target with a relative {@code weight} and its own request overrides. */
    public Builder target(String providerId, String model, int weight, Overrides overrides) {
      targets.add(new RouteTarget(new Target(providerId, model), weight, overrides));
      return this;
    }

    /** Adds a fallback, tried in order after the split's pick fails. */
    public Builder fallback(String providerId, String model) {
      return fallback(providerId, model, Overrides.NONE);
    }

    /** Adds a fallback with its own request overrides. */
    public Builder fallback(String providerId, String model, Overrides overrides) {
      targets.addFallback(new RouteTarget(new Target(providerId, model), 0, overrides));
      return this;
    }

    /** Adds a content rule; rules are checked in the order added. */
    public Builder rule(Rule rule) {
      rules.add(Objects.requireNonNull(rule, "rule"));
      return this;
    }

    /** Makes callers sticky by this metadata key instead of {@code clientId}. */
    public Builder stickyBy(String metadataKey) {
      if (metadataKey == null || metadataKey.isBlank()) {
        throw new IllegalArgumentException("stickyBy key must not be blank");
      }
      this.stickyKey = metadataKey;
      return this;
    }

    /** This route's own retry, breaker, timeout and bulkhead settings. */
    public Builder resilience(Resilience resilience) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /** The route's own timeouts; what they leave unset falls back to the gateway's. */
    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = java.util.Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    /** Caches this route's answers (true) or never (false), whatever the gateway's setting. */
    public Builder cache(boolean enabled) {
      this.cache = enabled;
      return this;
    }

    /**
     * Says that the subscribers of this route's streams understand restart chunks
     * ({@code ChatChunk.isRestart()}), so that a stream cut mid-answer may be rescued by asking
     * again from the start when it cannot be continued; see {@code CallOptions.STREAM_RESTARTS}.
     */
    public Builder streamRestarts(boolean understood) {
      this.streamRestarts = understood;
      return this;
    }

    /**
     * What happens when an answer does not fit the structured output its request asked for
     * ({@code StructuredOutputException}): {@link InvalidOutput#FAIL} (the default),
     * {@link InvalidOutput#RETRY_ONCE} on the same target, or {@link InvalidOutput#FAILOVER} to
     * the next candidate. Applies to {@code chat()} and streams alike; see {@link InvalidOutput}.
     */
    public Builder onInvalidOutput(InvalidOutput policy) {
      this.invalidOutput = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when there is no target, or every weight is 0
     */
    public Route build() {
      targets.validate();
      return new Route(this);
    }
  }
}
