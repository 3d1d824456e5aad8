package dev.aigateway.core.routing;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A gateway's routes, changeable at runtime: {@code gateway.routes().replace(route)} moves
 * traffic (90/10, then 50/50, then 0/100) without a restart. Each change is atomic: calls in
 * flight finish on the configuration they started with, and every call that starts after the
 * change sees it. Thread safe.
 */
public interface Routes {

  /**
   * Adds {@code route}, or replaces the route of the same name.
   *
   * @return the route it replaced, or null
   * @throws IllegalArgumentException when the route targets a provider the gateway does not have
   */
  @Nullable Route replace(Route route);

  /** Removes the route called {@code name}; returns it, or null when there was none. */
  @Nullable Route remove(String name);

  /** The route called {@code name}, or null. */
  @Nullable Route get(String name);

  /** A snapshot of every route, by name; unmodifiable. */
  Map<String, Route> all();
}
