package dev.aigateway.core.routing;

import dev.aigateway.api.NoRouteException;
import dev.aigateway.core.Target;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.IntUnaryOperator;

/**
 * Resolves a request's model to a {@link Target}, in this order:
 * <ol>
 *   <li>the name of a {@link Route}, which then picks one of its targets by weight;
 *   <li>{@code providerId/model}, cut at the first {@code /} only when what stands before it is
 *       a registered provider id, so vendor model names that contain {@code /} still work;
 *   <li>a bare model name, for the default provider: the only provider, or the one marked
 *       default;
 *   <li>anything else fails with {@link NoRouteException}, whose message lists what exists.
 * </ol>
 * Immutable and thread safe.
 */
public final class Router {
  private final Set<String> providerIds;
  private final String defaultProviderId;
  private final Map<String, Route> routes;
  private final IntUnaryOperator random;

  /**
   * @param providerIds the registered providers
   * @param defaultProviderId the provider for bare model names, or null for none
   * @param routes the routes; each must target registered providers only
   * @param random returns a uniformly random int from 0 (inclusive) to its argument (exclusive)
   * @throws IllegalArgumentException when a route names an unknown provider, two routes share a
   *     name, or the default provider is unknown
   */
  public Router(Collection<String> providerIds, String defaultProviderId,
      Collection<Route> routes, IntUnaryOperator random) {
    this.providerIds = Set.copyOf(new LinkedHashSet<>(providerIds));
    if (defaultProviderId != null && !this.providerIds.contains(defaultProviderId)) {
      throw new IllegalArgumentException("default provider '" + defaultProviderId
          + "' is not registered; providers: " + sorted(this.providerIds));
    }
    this.defaultProviderId = defaultProviderId;
    Map<String, Route> byName = new LinkedHashMap<>();
    for (Route route : routes) {
      if (byName.put(route.name(), route) != null) {
        throw new IllegalArgumentException("two routes are called '" + route.name() + "'");
      }
      for (Route.WeightedTarget t : route.targets()) {
        if (!this.providerIds.contains(t.target().providerId())) {
          throw new IllegalArgumentException("route '" + route.name() + "' targets provider '"
              + t.target().providerId() + "', which is not registered; providers: "
              + sorted(this.providerIds));
        }
      }
    }
    this.routes = Map.copyOf(byName);
    this.random = random;
  }

  /**
   * The target for {@code model}.
   *
   * @throws NoRouteException when nothing matches
   */
  public Target resolve(String model) {
    Route route = routes.get(model);
    if (route != null) {
      return pick(route);
    }
    int slash = model.indexOf('/');
    if (slash > 0 && slash < model.length() - 1) {
      String prefix = model.substring(0, slash);
      if (providerIds.contains(prefix)) {
        return new Target(prefix, model.substring(slash + 1));
      }
    }
    if (defaultProviderId != null) {
      return new Target(defaultProviderId, model);
    }
    throw new NoRouteException(model, "model '" + model + "' names no route and no provider, and"
        + " no default provider is set. Routes: " + sorted(routes.keySet()) + ". Providers: "
        + sorted(providerIds) + ". Use a route name, 'providerId/model', or mark a provider as"
        + " the default.");
  }

  private Target pick(Route route) {
    var targets = route.targets();
    if (targets.size() == 1) {
      return targets.get(0).target();
    }
    int point = random.applyAsInt(route.totalWeight());
    for (Route.WeightedTarget t : targets) {
      point -= t.weight();
      if (point < 0) {
        return t.target();
      }
    }
    throw new AssertionError("weights changed under the route");
  }

  /** The routes, by name; unmodifiable. */
  public Map<String, Route> routes() {
    return routes;
  }

  private static String sorted(Collection<String> names) {
    return new java.util.TreeSet<>(names).toString();
  }
}
