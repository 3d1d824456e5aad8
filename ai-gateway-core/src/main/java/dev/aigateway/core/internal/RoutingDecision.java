package dev.aigateway.core.internal;

import dev.aigateway.api.spi.Target;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.RouteTarget;
import dev.aigateway.core.structured.InvalidOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What routing decided for one call, kept on its {@link RealCall}: the candidates in the order
 * they are to be tried (the split's pick, then the fallbacks), the resilience settings that
 * apply, and the call's timeouts resolved from request, route and gateway. Immutable.
 *
 * @param route the route's name, or null when the model named a provider or went to the default
 * @param candidates the targets to try, in order; never empty
 * @param resilience the settings that apply: the route's own, or the gateway's
 * @param timeouts the resolved timeouts
 * @param streamRestarts whether the stream's subscriber understands restart chunks (request over
 *     route; false when neither says)
 * @param invalidOutput what an answer that does not fit its structured output leads to (the
 *     route's policy; FAIL without a route)
 */
record RoutingDecision(@Nullable String route, List<RouteTarget> candidates,
    Resilience resilience, Timeouts timeouts, boolean streamRestarts,
    InvalidOutput invalidOutput) {
  RoutingDecision {
    Objects.requireNonNull(candidates, "candidates");
    Objects.requireNonNull(invalidOutput, "invalidOutput");
    if (candidates.isEmpty()) {
      throw new IllegalArgumentException("a routing decision needs at least one candidate");
    }
    candidates = List.copyOf(candidates);
  }

  List<Target> targets() {
    List<Target> targets = new ArrayList<>(candidates.size());
    for (RouteTarget c : candidates) {
      targets.add(c.target());
    }
    return targets;
  }
}
