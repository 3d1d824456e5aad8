package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.RouteTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;

/**
 * The {@code aigateway} actuator endpoint: the providers (vendor and server, never a key) and
 * the routes with their targets, weights, fallbacks and each target's circuit state, as the
 * gateway has them now (after any {@code routes().replace}). Expose it with
 * {@code management.endpoints.web.exposure.include=aigateway}.
 */
@Endpoint(id = "aigateway")
public class AiGatewayEndpoint {
  private final AiGateway gateway;

  /** The endpoint of {@code gateway}. */
  public AiGatewayEndpoint(AiGateway gateway) {
    this.gateway = gateway;
  }

  /** The providers and routes. */
  @ReadOperation
  public Map<String, Object> gateway() {
    Map<String, Object> providers = new LinkedHashMap<>();
    for (Map.Entry<String, ChatProvider> e : gateway.providers().entrySet()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("vendor", e.getValue().providerName());
      if (e.getValue().serverUri() != null) {
        p.put("server", e.getValue().serverUri().toString());
      }
      providers.put(e.getKey(), p);
    }
    Map<String, Object> routes = new LinkedHashMap<>();
    for (Route route : gateway.routes().all().values()) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("targets", targets(route.targets(), true));
      r.put("fallbacks", targets(route.fallbacks(), false));
      routes.put(route.name(), r);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("providers", providers);
    out.put("routes", routes);
    return out;
  }

  private List<Map<String, Object>> targets(List<RouteTarget> targets, boolean weighted) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (RouteTarget t : targets) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("provider", t.target().providerId());
      m.put("model", t.target().model());
      if (weighted) {
        m.put("weight", t.weight());
      }
      m.put("circuit", gateway.circuitState(t.target()).name());
      out.add(m);
    }
    return out;
  }
}
