package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.NoRouteException;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.RouteTarget;
import dev.aigateway.core.routing.Routes;
import dev.aigateway.core.routing.Rule;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Decides where a request goes, resolving its model in this order:
 * <ol>
 *   <li>the name of a {@link Route}: its first matching {@link Rule}, or else its split, picks
 *       one target (sticky per caller, see {@link Route}), followed by the fallbacks;
 *   <li>{@code providerId/model}, cut at the first {@code /} only when what stands before it is
 *       a registered provider id, so vendor model names that contain {@code /} still work;
 *   <li>a bare model name, for the default provider: the only provider, or the one marked
 *       default;
 *   <li>anything else fails with {@link NoRouteException}, whose message lists what exists.
 * </ol>
 *
 * <p>Routes can be replaced while calls run ({@link #replace}, {@link #remove}): the routes are an
 * immutable map swapped atomically, so a call in flight finishes on the route it started with,
 * and every later call sees the new one. Thread safe.
 */
final class Router implements Routes {
  private final Set<String> providerIds;
  private final @Nullable String defaultProviderId;
  private final Object writeLock = new Object();
  private volatile Map<String, Route> routes;

  /**
   * @param providerIds the registered providers
   * @param defaultProviderId the provider for bare model names, or null for none
   * @param routes the routes; each must target registered providers only
   * @throws IllegalArgumentException when a route names an unknown provider, two routes share a
   *     name, or the default provider is unknown
   */
  Router(Collection<String> providerIds, @Nullable String defaultProviderId,
      Collection<Route> routes) {
    this.providerIds = Set.copyOf(new LinkedHashSet<>(providerIds));
    if (defaultProviderId != null && !this.providerIds.contains(defaultProviderId)) {
      throw new IllegalArgumentException("default provider '" + defaultProviderId
          + "' is not registered; providers: " + sorted(this.providerIds));
    }
    this.defaultProviderId = defaultProviderId;
    Map<String, Route> byName = new LinkedHashMap<>();
    for (Route route : routes) {
      check(route);
      if (byName.put(route.name(), route) != null) {
        throw new IllegalArgumentException("two routes are called '" + route.name() + "'");
      }
    }
    this.routes = Map.copyOf(byName);
  }

  private void check(Route route) {
    for (Target t : route.allTargets()) {
      if (!providerIds.contains(t.providerId())) {
        throw new IllegalArgumentException("route '" + route.name() + "' targets provider '"
            + t.providerId() + "', which is not registered; providers: " + sorted(providerIds));
      }
    }
  }

  /** Where a request goes: its route (or null) and its candidates in order. */
  record Routed(@Nullable Route route, List<RouteTarget> candidates) {}

  /**
   * Everything {@code request} may be sent to, in order; {@code random} picks unsticky splits.
   *
   * @throws NoRouteException when nothing matches
   */
  Routed decide(ChatRequest request, RandomGenerator random) {
    return decide(request.model(), request, random);
  }

  /** The decision for {@code model}; rules and stickiness apply only when there is a request. */
  private Routed decide(String model, @Nullable ChatRequest request, RandomGenerator random) {
    Route route = routes.get(model);
    if (route != null) {
      return decide(route, request, random);
    }
    return new Routed(null, List.of(new RouteTarget(direct(model), 1, null)));
  }

  private Routed decide(Route route, @Nullable ChatRequest request, RandomGenerator random) {
    List<RouteTarget> split = route.targets();
    List<RouteTarget> fallbacks = route.fallbacks();
    for (Rule rule : request == null ? List.<Rule>of() : route.rules()) {
      if (rule.matches(request)) {
        split = rule.targets();
        fallbacks = rule.fallbacks();
        break;
      }
    }
    RouteTarget pick = pick(split, request == null ? null : stickyKey(route, request), random);
    if (fallbacks.isEmpty()) {
      return new Routed(route, List.of(pick));
    }
    List<RouteTarget> candidates = new ArrayList<>(1 + fallbacks.size());
    candidates.add(pick);
    for (RouteTarget f : fallbacks) {
      if (!f.target().equals(pick.target())) {
        candidates.add(f);
      }
    }
    return new Routed(route, candidates);
  }

  private static @Nullable String stickyKey(Route route, ChatRequest request) {
    String key = route.stickyKey();
    return key == null ? request.clientId() : request.metadata().get(key);
  }

  private static RouteTarget pick(List<RouteTarget> split, @Nullable String stickyKey,
      RandomGenerator random) {
    if (split.size() == 1) {
      return split.get(0);
    }
    if (stickyKey != null) {
      return WeightedRendezvous.pick(stickyKey, split, RouteTarget::weight,
          t -> t.target().toString());
    }
    int total = 0;
    for (RouteTarget t : split) {
      total += t.weight();
    }
    int point = random.nextInt(total);
    for (RouteTarget t : split) {
      point -= t.weight();
      if (point < 0) {
        return t;
      }
    }
    throw new AssertionError("weights changed under the split");
  }

  private Target direct(String model) {
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

  /**
   * The first target a request for {@code model} would try, leaving content rules and
   * stickiness aside (the split is picked at random).
   *
   * @throws NoRouteException when nothing matches
   */
  Target resolve(String model, RandomGenerator random) {
    return decide(model, null, random).candidates().get(0).target();
  }

  /** The routes, by name; an unmodifiable snapshot. */
  Map<String, Route> routes() {
    return routes;
  }

  @Override
  public Map<String, Route> all() {
    return routes;
  }

  @Override
  public @Nullable Route get(String name) {
    return routes.get(name);
  }

  @Override
  public String toString() {
    return "Routes" + routes.keySet();
  }

  /**
   * Adds {@code route}, or replaces the route of the same name, atomically.
   *
   * @return the route it replaced, or null
   * @throws IllegalArgumentException when the route targets an unknown provider
   */
  @Override
  public @Nullable Route replace(Route route) {
    java.util.Objects.requireNonNull(route, "route");
    check(route);
    synchronized (writeLock) {
      Map<String, Route> next = new LinkedHashMap<>(routes);
      Route old = next.put(route.name(), route);
      routes = Map.copyOf(next);
      return old;
    }
  }

  /** Removes the route called {@code name}; returns it, or null when there was none. */
  @Override
  public @Nullable Route remove(String name) {
    synchronized (writeLock) {
      Map<String, Route> next = new LinkedHashMap<>(routes);
      Route old = next.remove(name);
      if (old != null) {
        routes = Map.copyOf(next);
      }
      return old;
    }
  }

  private static String sorted(Collection<String> names) {
    return new TreeSet<>(names).toString();
  }
}
