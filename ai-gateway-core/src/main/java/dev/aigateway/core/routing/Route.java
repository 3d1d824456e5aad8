package dev.aigateway.core.routing;

import dev.aigateway.core.Target;
import java.util.ArrayList;
import java.util.List;

/**
 * A named entry point that decides where requests for it go. A request whose model is the route's
 * name is sent to one of the route's targets, picked at random in proportion to the targets'
 * weights. Immutable and thread safe.
 *
 * <pre>{@code
 * Route.builder("support")
 *     .target("openai", "gpt-4o", 90)
 *     .target("anthropic", "claude-sonnet-4-5", 10)
 *     .build();
 * }</pre>
 *
 * <p>A weight of 0 keeps a target in the route without it ever being picked.
 */
public final class Route {
  private final String name;
  private final List<WeightedTarget> targets;
  private final int totalWeight;

  private Route(Builder b) {
    this.name = b.name;
    this.targets = List.copyOf(b.targets);
    int total = 0;
    for (WeightedTarget t : targets) {
      total += t.weight();
    }
    this.totalWeight = total;
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
  public List<WeightedTarget> targets() {
    return targets;
  }

  /** The sum of the targets' weights; always positive. */
  public int totalWeight() {
    return totalWeight;
  }

  @Override
  public String toString() {
    return "Route[" + name + " -> " + targets + "]";
  }

  /**
   * A target and its share of the traffic.
   *
   * @param target where to send
   * @param weight the relative share, 0 or more
   */
  public record WeightedTarget(Target target, int weight) {
    /** Validates that the weight is not negative. */
    public WeightedTarget {
      if (target == null) {
        throw new IllegalArgumentException("target is required");
      }
      if (weight < 0) {
        throw new IllegalArgumentException(
            "weight of " + target + " must be >= 0 but was " + weight);
      }
    }

    @Override
    public String toString() {
      return target + "@" + weight;
    }
  }

  /** Builds a {@link Route}. Not thread safe. */
  public static final class Builder {
    private final String name;
    private final List<WeightedTarget> targets = new ArrayList<>();

    private Builder(String name) {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("route name must not be blank");
      }
      this.name = name;
    }

    /** Adds a target with weight 1. */
    public Builder target(String providerId, String model) {
      return target(providerId, model, 1);
    }

    /** Adds a target with a relative {@code weight}, 0 or more. */
    public Builder target(String providerId, String model, int weight) {
      Target target = new Target(providerId, model);
      for (WeightedTarget t : targets) {
        if (t.target().equals(target)) {
          throw new IllegalArgumentException(
              "route '" + name + "' already has target " + target);
        }
      }
      targets.add(new WeightedTarget(target, weight));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when there is no target, or every weight is 0
     */
    public Route build() {
      if (targets.isEmpty()) {
        throw new IllegalArgumentException("route '" + name + "' needs at least one target");
      }
      long total = 0;
      for (WeightedTarget t : targets) {
        total += t.weight();
      }
      if (total == 0) {
        throw new IllegalArgumentException(
            "route '" + name + "' has only weight-0 targets, so none could ever be picked");
      }
      if (total > Integer.MAX_VALUE) {
        throw new IllegalArgumentException("route '" + name + "': weights add up to too much");
      }
      return new Route(this);
    }
  }
}
