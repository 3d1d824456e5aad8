package dev.aigateway.core.routing;

import dev.aigateway.api.AttributeKey;
import dev.aigateway.core.resilience.Resilience;
import java.util.List;
import java.util.Objects;

/**
 * What routing decided for one call: the candidates in the order they are to be tried (the
 * split's pick, then the fallbacks), and the resilience settings of the route, if it has its own.
 * Stored on the request under {@link #ATTRIBUTE}, for the resilience stage and for user
 * interceptors placed after routing. Immutable.
 *
 * @param route the route's name, or null when the model named a provider or went to the default
 * @param candidates the targets to try, in order; never empty
 * @param resilience the route's settings, or null for the gateway's
 */
public record RoutingDecision(String route, List<RouteTarget> candidates, Resilience resilience) {
  /** The request attribute that holds the decision. */
  public static final AttributeKey<RoutingDecision> ATTRIBUTE =
      AttributeKey.of("routingDecision", RoutingDecision.class);

  /** Validates and copies. */
  public RoutingDecision {
    Objects.requireNonNull(candidates, "candidates");
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("a routing decision needs at least one candidate");
    }
    candidates = List.copyOf(candidates);
  }
}
