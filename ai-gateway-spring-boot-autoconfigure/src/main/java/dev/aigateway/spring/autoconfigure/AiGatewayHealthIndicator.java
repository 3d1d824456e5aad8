package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.RouteTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * The gateway's health: a route is UP while at least one of its targets (fallbacks included)
 * has a circuit that is not open, DOWN when every one is open; the gateway is DOWN when any
 * route is. Details per route and target: the circuit state and the kind of the last failure
 * ({@code error.type}), never a key or a vendor's message. A vendor outage makes it DOWN, so
 * leave it out of a liveness group (a restart would not bring the vendor back).
 */
public class AiGatewayHealthIndicator implements HealthIndicator {
  private final AiGateway gateway;
  private final TargetFailures failures;

  /** The health of {@code gateway}, with the last failures {@code failures} heard. */
  public AiGatewayHealthIndicator(AiGateway gateway, TargetFailures failures) {
    this.gateway = gateway;
    this.failures = failures;
  }

  @Override
  public Health health() {
    boolean allUp = true;
    Map<String, Object> routes = new LinkedHashMap<>();
    for (Route route : gateway.routes().all().values()) {
      boolean usable = false;
      Map<String, Object> targets = new LinkedHashMap<>();
      List<RouteTarget> all = new ArrayList<>(route.targets());
      all.addAll(route.fallbacks());
      for (RouteTarget rt : all) {
        Target t = rt.target();
        CircuitState state = gateway.circuitState(t);
        usable |= state != CircuitState.OPEN;
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("circuit", state.name());
        String last = failures.lastFailure(t);
        if (last != null) {
          detail.put("lastFailure", last);
        }
        targets.put(t.toString(), detail);
      }
      allUp &= usable;
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("status", usable ? "UP" : "DOWN");
      r.put("targets", targets);
      routes.put(route.name(), r);
    }
    return (allUp ? Health.up() : Health.down()).withDetail("routes", routes).build();
  }
}
