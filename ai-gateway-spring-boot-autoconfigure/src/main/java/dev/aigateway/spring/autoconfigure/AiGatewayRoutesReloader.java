package dev.aigateway.spring.autoconfigure;

import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.RouteProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.Environment;

/**
 * Replaces the gateway's routes live when the application's {@code ai-gateway.routes}
 * properties change: on Spring Cloud's {@code EnvironmentChangeEvent} (when Spring Cloud is
 * present; matched by name, so nothing of it is needed otherwise), or when the application calls
 * {@link #reload()} itself after changing its property sources.
 *
 * <p>A reload reads the routes again, checks every one first (a bad one changes nothing and is
 * reported, as at startup), then replaces each through {@code routes().replace}: calls in flight
 * finish on the route they started with. Routes the properties no longer name are removed, but
 * only those the properties made (a route added in code stays). Thread safe.
 */
public class AiGatewayRoutesReloader implements ApplicationListener<ApplicationEvent> {
  static final String ENVIRONMENT_CHANGE_EVENT =
      "org.springframework.cloud.context.environment.EnvironmentChangeEvent";
  private static final Logger log = LoggerFactory.getLogger(AiGatewayRoutesReloader.class);

  private final AiGateway gateway;
  private final Environment environment;
  private final Set<String> fromProperties = new LinkedHashSet<>();

  /**
   * @param gateway whose routes to replace
   * @param environment where the properties are read
   * @param initial the routes the properties made at startup
   */
  public AiGatewayRoutesReloader(AiGateway gateway, Environment environment,
      Set<String> initial) {
    this.gateway = gateway;
    this.environment = environment;
    this.fromProperties.addAll(initial);
  }

  /** What a reload changed. */
  public record Changes(List<String> replaced, List<String> added, List<String> removed) {}

  /**
   * Reads {@code ai-gateway.routes} again and applies it.
   *
   * @throws AiGatewayConfigurationException when a route is invalid; then nothing changed
   */
  public synchronized Changes reload() {
    Map<String, RouteProperties> bound = Binder.get(environment)
        .bind(GatewayFactory.PREFIX + ".routes",
            Bindable.mapOf(String.class, RouteProperties.class))
        .orElseGet(LinkedHashMap::new);
    Set<String> providers = gateway.providers().keySet();
    List<Route> routes = new ArrayList<>();
    bound.forEach((name, r) -> routes.add(GatewayFactory.route(name, r, providers)));
    List<String> replaced = new ArrayList<>();
    List<String> added = new ArrayList<>();
    for (Route route : routes) {
      (gateway.routes().replace(route) == null ? added : replaced).add(route.name());
    }
    List<String> removed = new ArrayList<>();
    for (String name : fromProperties) {
      if (!bound.containsKey(name) && gateway.routes().remove(name) != null) {
        removed.add(name);
      }
    }
    fromProperties.clear();
    fromProperties.addAll(bound.keySet());
    return new Changes(replaced, added, removed);
  }

  /** Reloads on Spring Cloud's environment change event; a bad route is logged, not applied. */
  @Override
  public void onApplicationEvent(ApplicationEvent event) {
    if (!ENVIRONMENT_CHANGE_EVENT.equals(event.getClass().getName())) {
      return;
    }
    try {
      Changes c = reload();
      log.info("ai-gateway routes reloaded: replaced {}, added {}, removed {}", c.replaced(),
          c.added(), c.removed());
    } catch (AiGatewayConfigurationException e) {
      log.error("ai-gateway routes not reloaded, the old ones stay: {}", e.getMessage());
    }
  }
}
