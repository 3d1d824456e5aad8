package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.Target;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * A content rule of a route: when its predicate matches the request, the rule's own targets (a
 * split, and fallbacks) replace the route's. A route's rules are tried in order and the first
 * match wins; when none matches, the route's own split applies. Immutable.
 *
 * <pre>{@code
 * Route.builder("support")
 *     .rule(Rule.when(RequestPredicates.hasImages()).target("openai", "gpt-4o").build())
 *     .rule(Rule.when(RequestPredicates.estimatedInputTokensOver(100_000))
 *         .target("gemini", "gemini-2.5-pro").build())
 *     .target("openai", "gpt-4o-mini")
 *     .build();
 * }</pre>
 *
 * <p>The predicate runs on the caller's request before anything is sent; it must be quick,
 * thread safe and free of side effects. See {@link RequestPredicates} for the built-in ones.
 */
public final class Rule {
  private final Predicate<ChatRequest> when;
  private final List<RouteTarget> targets;
  private final List<RouteTarget> fallbacks;

  private Rule(Builder b) {
    this.when = b.when;
    this.targets = List.copyOf(b.targets.targets);
    this.fallbacks = List.copyOf(b.targets.fallbacks);
  }

  /** A rule that applies when {@code predicate} matches. */
  public static Builder when(Predicate<ChatRequest> predicate) {
    return new Builder(Objects.requireNonNull(predicate, "predicate"));
  }

  /** Whether the rule applies to {@code request}. */
  public boolean matches(ChatRequest request) {
    return when.test(request);
  }

  /** The rule's split. */
  public List<RouteTarget> targets() {
    return targets;
  }

  /** The rule's fallbacks, in order. */
  public List<RouteTarget> fallbacks() {
    return fallbacks;
  }

  @Override
  public String toString() {
    return "Rule[when " + when + " -> " + targets
        + (fallbacks.isEmpty() ? "" : ", fallbacks " + fallbacks) + "]";
  }

  /** Builds a {@link Rule}. Not thread safe. */
  public static final class Builder {
    private final Predicate<ChatRequest> when;
    private final Targets targets = new Targets("rule");

    private Builder(Predicate<ChatRequest> when) {
      this.when = when;
    }

    /** Adds a target with weight 1. */
    public Builder target(String providerId, String model) {
      targets.add(new RouteTarget(new Target(providerId, model), 1, null));
      return this;
    }

    /** Adds a target with a relative weight. */
    public Builder target(String providerId, String model, int weight) {
      targets.add(new RouteTarget(new Target(providerId, model), weight, null));
      return this;
    }

    /** Adds a target with a relative weight and its own overrides. */
    public Builder target(String providerId, String model, int weight, Overrides overrides) {
      targets.add(new RouteTarget(new Target(providerId, model), weight, overrides));
      return this;
    }

    /** Adds a fallback, tried in order after the split's pick fails. */
    public Builder fallback(String providerId, String model) {
      targets.addFallback(new RouteTarget(new Target(providerId, model), 0, null));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when the rule has no target with a positive weight
     */
    public Rule build() {
      targets.validate();
      return new Rule(this);
    }
  }

  /** A split and its fallbacks, as routes and rules build them. */
  static final class Targets {
    private final String owner;
    final List<RouteTarget> targets = new ArrayList<>();
    final List<RouteTarget> fallbacks = new ArrayList<>();

    Targets(String owner) {
      this.owner = owner;
    }

    void add(RouteTarget t) {
      for (RouteTarget existing : targets) {
        if (existing.target().equals(t.target())) {
          throw new IllegalArgumentException(owner + " already has target " + t.target());
        }
      }
      targets.add(t);
    }

    void addFallback(RouteTarget t) {
      for (RouteTarget existing : fallbacks) {
        if (existing.target().equals(t.target())) {
          throw new IllegalArgumentException(owner + " already has fallback " + t.target());
        }
      }
      fallbacks.add(t);
    }

    void validate() {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException(owner + " needs at least one target");
      }
      long total = 0;
      for (RouteTarget t : targets) {
        total += t.weight();
      }
      if (total == 0) {
        throw new IllegalArgumentException(
            owner + " has only weight-0 targets, so none could ever be picked");
      }
      if (total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(owner + ": weights add up to too much");
      }
    }
  }
}
