package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.structured.InvalidOutput;
import java.time.Duration;

/**
 * The routing stage: decides with the {@link Router} where the call may go and records the
 * decision on the call, with the resilience settings and the timeouts that apply (request over
 * route over gateway). The failover stage below it tries the candidates.
 */
final class RoutingStage implements ChatInterceptor {
  private final Router router;
  private final Resilience defaults;
  private final Timeouts timeouts;

  RoutingStage(Router router, Resilience defaults, Timeouts timeouts) {
    this.router = router;
    this.defaults = defaults;
    this.timeouts = timeouts;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    RealCall call = (RealCall) chain.call();
    if (call.resumed() && call.decision() != null) {
      return chain.proceed(request); // decided by an inline run that moved to a worker
    }
    Router.Routed routed = router.decide(request, call.timing().random());
    Route route = routed.route();
    Resilience resilience = route != null && route.resilience() != null
        ? route.resilience() : defaults;
    Timeouts resolved = resolve(route, request);
    Boolean restarts = request.attribute(CallOptions.STREAM_RESTARTS);
    if (restarts == null && route != null) {
      restarts = route.streamRestarts();
    }
    call.routed(new RoutingDecision(route == null ? null : route.name(), routed.candidates(),
        resilience, resolved, Boolean.TRUE.equals(restarts),
        route == null ? InvalidOutput.FAIL : route.invalidOutput()));
    call.events().routeResolved(call);
    return chain.proceed(request);
  }

  /**
   * The total deadline that will apply to {@code request} (request over route over gateway), for
   * the stages that run before routing; null for none.
   */
  @org.jspecify.annotations.Nullable Duration totalFor(ChatRequest request) {
    return resolve(router.routes().get(request.model()), request).total();
  }

  /** The timeouts that apply: the request's over the route's over the gateway's. */
  private Timeouts resolve(@org.jspecify.annotations.Nullable Route route, ChatRequest request) {
    Timeouts resolved = route == null ? timeouts : timeouts.overriddenBy(route.timeouts());
    return resolved.overriddenBy(ofRequest(request));
  }

  /** The request's own timeouts, or {@link Timeouts#none()} when it sets none. */
  static Timeouts ofRequest(ChatRequest request) {
    Duration total = request.timeout();
    Duration connect = request.attribute(CallOptions.CONNECT_TIMEOUT);
    Duration firstChunk = request.attribute(CallOptions.FIRST_CHUNK_TIMEOUT);
    Duration idle = request.attribute(CallOptions.IDLE_TIMEOUT);
    if (total == null && connect == null && firstChunk == null && idle == null) {
      return Timeouts.none();
    }
    return Timeouts.builder().total(total).connect(connect).firstChunk(firstChunk).idle(idle)
        .build();
  }

  @Override
  public String toString() {
    return "RoutingStage";
  }
}
