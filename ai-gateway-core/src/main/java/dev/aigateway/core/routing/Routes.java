package dev.aigateway.core.routing;

import java.util.Map;
import java.util.Objects;

/**
 * A gateway's routes, changeable at runtime: {@code gateway.routes().replace(route)} moves
 * traffic (90/10, then 50/50, then 0/100) without a restart. Each change is atomic: calls in
 * flight finish on the configuration they started with, and every call that starts after the
 * change sees it. Thread safe.
 */
public final class Routes {
  private final Router router;

  /** The routes {@code router} decides with. */
  public Routes(Router router) {
    this.router = Objects.requireNonNull(router, "router");
  }

  /**
   * Adds {@code route}, or replaces the route of the same name.
   *
   * @return the route it replaced, or null
   * @throws IllegalArgumentException when the route targets a provider the gateway does not have
   */
  public Route replace(Route route) {
    return router.replace(Objects.requireNonNull(route, "route"));
  }

  /** Removes the route called {@code name}; returns it, or null when there was none. */
  public Route remove(String name) {
    return router.remove(name);
  }

  /** The route called {@code name}, or null. */
  public Route get(String name) {
    return router.routes().get(name);
  }

  /** A snapshot of every route, by name; unmodifiable. */
  public Map<String, Route> all() {
    return router.routes();
  }

  @Override
  public String toString() {
    return "Routes" + router.routes().keySet();
  }
}
