package dev.aigateway.core.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.ratelimit.UpstreamLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.TargetGate;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.Routes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * What {@code AiGateway} runs on: the pipeline of stages in their documented order, the calls it
 * makes, and their listeners. Internal: the application uses {@code AiGateway}. Thread safe.
 *
 * <p>Each call is one {@link RealCall}. This class starts it ({@code callStart}), runs the
 * pipeline, decides the answer's {@code attempts()} and {@code fromCache()} from the call (for a
 * stream the publisher does, on its first chunk), and ends it ({@code callEnd}).
 */
public final class GatewayEngine {
  private final Router router;
  private final Pipeline pipeline;
  private final FailoverStage failover;
  private final Executor executor;
  private final Timing timing;
  private final GatewayEventListener.Factory listeners;
  private final BooleanSupplier closed;
  // What decides whether a stream may run on its requesting thread (see canRunInline).
  private final boolean pipelineNeverWaits;
  private final java.util.Set<String> inlineProviders;

  /**
   * @param providers the providers by id, in registration order
   * @param defaultProviderId the provider for bare model names, or null
   * @param routes the routes
   * @param interceptors the application's interceptors, outermost first
   * @param rateLimits the per-client limits, or null for none
   * @param cache the response cache settings, or null for off (routes may turn it on)
   * @param resilience the gateway's resilience settings
   * @param timeouts the gateway's timeouts
   * @param gate the application's target gate ({@link TargetGate#OPEN} for none)
   * @param upstream the vendor-side limits, or null for none
   * @param timing the time source
   * @param listeners makes each call's listener
   * @param executor runs {@code chatAsync} and streams
   * @param closed whether the gateway was closed
   */
  public GatewayEngine(Map<String, ChatProvider> providers, @Nullable String defaultProviderId,
      List<Route> routes, List<ChatInterceptor> interceptors, @Nullable RateLimits rateLimits,
      @Nullable ResponseCache cache, Resilience resilience, Timeouts timeouts, TargetGate gate,
      @Nullable UpstreamLimits upstream, Timing timing, GatewayEventListener.Factory listeners,
      Executor executor, BooleanSupplier closed) {
    this.router = new Router(providers.keySet(), defaultProviderId, routes);
    this.executor = executor;
    this.timing = timing;
    this.listeners = listeners;
    this.closed = closed;
    TargetGate gates = upstream == null ? gate
        : UpstreamGate.both(gate, new UpstreamGate(upstream, RateLimitStage.meter(timing.ticker())));
    this.failover = new FailoverStage(resilience, timing, gates, Map.copyOf(providers), executor);
    RoutingStage routing =
        new RoutingStage(router, resilience, Timeouts.defaults().overriddenBy(timeouts));
    List<ChatInterceptor> chain = new ArrayList<>(interceptors);
    if (rateLimits != null) {
      chain.add(new RateLimitStage(rateLimits, timing.ticker()));
    }
    // Always present: a route can turn caching on even when the gateway's default is off.
    chain.add(new CacheStage(cache != null ? cache : ResponseCache.disabled(), model -> {
      Route route = router.routes().get(model);
      return route == null ? null : route.cache();
    }, routing::totalFor, timing.ticker(), executor));
    chain.add(routing);
    chain.add(failover);
    chain.add(new ProviderStage(Map.copyOf(providers)));
    this.pipeline = new Pipeline(chain);
    java.util.Set<String> inline = new java.util.HashSet<>();
    providers.forEach((id, p) -> {
      if (p.streamsInline()) {
        inline.add(id);
      }
    });
    this.inlineProviders = java.util.Set.copyOf(inline);
    this.pipelineNeverWaits = interceptors.isEmpty()
        && (rateLimits == null || rateLimits.backend() == null
            && rateLimits.onExhausted().maxWaitNanos() == 0 && !rateLimits.onExhausted().proceeds())
        && (cache == null || cache.store() == null)
        && (upstream == null || upstream.backend() == null);
  }

  /**
   * Whether a stream of {@code request} may run its pipeline on the thread that requests it:
   * only when nothing before its first chunk can block that thread. That is: no application
   * interceptors (their code is unknown); rate limits, if any, on local buckets that reject
   * rather than wait; the cache, if any, on its in-memory store; upstream limits, if any, local;
   * and every target the request may reach served by a provider whose streams answer at once
   * ({@link ChatProvider#streamsInline()}: in-memory ones, never a network adapter). A retry's
   * backoff still cannot block it: the call then moves to a worker and goes on there.
   */
  boolean canRunInline(ChatRequest request) {
    if (!pipelineNeverWaits || inlineProviders.isEmpty()) {
      return false;
    }
    Route route = router.routes().get(request.model());
    if (route == null) {
      try {
        return inlineProviders.contains(router.resolve(request.model(), timing.random())
            .providerId());
      } catch (RuntimeException e) {
        return false; // no route: the pipeline says so, on a worker
      }
    }
    for (Target t : route.allTargets()) {
      if (!inlineProviders.contains(t.providerId())) {
        return false;
      }
    }
    return true;
  }

  /** {@code AiGateway.chat}: runs on the calling thread. */
  public ChatResponse chat(ChatRequest request) {
    return run(newCall(request, false, false, new Cancellation()));
  }

  /** {@code AiGateway.chatAsync}: runs on the executor; cancelling the future cancels the call. */
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    Cancellation cancellation = new Cancellation();
    RealCall call = newCall(request, false, true, cancellation);
    AsyncCall<ChatResponse> async = new AsyncCall<>(() -> run(call), cancellation);
    try {
      executor.execute(async);
    } catch (RejectedExecutionException e) {
      AiGatewayException failure =
          new AiGatewayException("the gateway's executor rejected the call", e, false);
      call.events().callEnded(call, failure);
      async.completeExceptionally(failure);
    }
    return async;
  }

  /** {@code AiGateway.stream}: a cold publisher; the call starts at subscription. */
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return new GatewayPublisher(request, this, executor, closed);
  }

  /** A new call, started: its listener has heard {@code callStart}. */
  RealCall newCall(ChatRequest request, boolean streaming, Cancellation cancellation) {
    return newCall(request, streaming, true, cancellation);
  }

  private RealCall newCall(ChatRequest request, boolean streaming, boolean cancellable,
      Cancellation cancellation) {
    RealCall call = RealCall.create(request, streaming, cancellable, timing, listeners,
        cancellation);
    call.events().callStart(call);
    return call;
  }

  private ChatResponse run(RealCall call) {
    ChatResponse response;
    try {
      response = pipeline.execute(call).response();
    } catch (RuntimeException | Error e) {
      call.events().callEnded(call, e);
      throw e;
    }
    // The call's outcome, decided once, here: a cache hit made no attempt.
    if (response.attempts() != call.attempts() || response.fromCache() != call.fromCache()) {
      response = response.toBuilder().attempts(call.attempts()).fromCache(call.fromCache())
          .build();
    }
    call.answered(response);
    call.events().callEnded(call, null);
    return response;
  }

  Pipeline pipeline() {
    return pipeline;
  }

  /** The routes, changeable at runtime. */
  public Routes routes() {
    return router;
  }

  /** The target the model resolves to first (rules and stickiness aside). */
  public Target resolve(String model) {
    return router.resolve(model, timing.random());
  }

  /** The circuit state of {@code target}; CLOSED if it was never called. */
  public CircuitState circuitState(Target target) {
    return failover.circuitState(target);
  }

  /** Every target called so far, with its circuit state. */
  public Map<Target, CircuitState> circuitStates() {
    return failover.circuitStates();
  }

  /** The interceptors in pipeline order, the built-in stages included. */
  public List<ChatInterceptor> interceptors() {
    return pipeline.interceptors();
  }

}
