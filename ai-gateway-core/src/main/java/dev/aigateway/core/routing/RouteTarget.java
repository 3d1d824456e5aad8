package dev.aigateway.core.routing;

import dev.aigateway.api.spi.Target;
import java.util.Objects;

/**
 * One target of a route: where to send, its share of the split, and its own request overrides.
 * A weight of 0 means the split never picks it; it may still serve as a fallback.
 *
 * @param target the provider and model
 * @param weight the relative share of the split, 0 or more (fallbacks have 0)
 * @param overrides the parameters this target sets for itself; never null
 */
public record RouteTarget(Target target, int weight, Overrides overrides) {
  /** Validates the fields. */
  public RouteTarget {
    Objects.requireNonNull(target, "target");
    if (weight < 0) {
      throw new IllegalArgumentException(
          "weight of " + target + " must be >= 0 but was " + weight);
    }
    overrides = overrides == null ? Overrides.NONE : overrides;
  }

  @Override
  public String toString() {
    return target + "@" + weight + (overrides.isEmpty() ? "" : overrides.toString());
  }
}
