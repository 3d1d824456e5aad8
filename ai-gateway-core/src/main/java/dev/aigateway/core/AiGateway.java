package dev.aigateway.core;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.GatewayExecutors;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.cache.CacheInterceptor;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.ratelimit.RateLimitInterceptor;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.AttemptListener;
import dev.aigateway.core.resilience.CircuitState;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.ResilienceInterceptor;
import dev.aigateway.core.resilience.Sleeper;
import dev.aigateway.core.resilience.TargetGate;
import dev.aigateway.core.routing.Router;
import dev.aigateway.core.routing.Routes;
import java.time.Clock;
import dev.aigateway.core.routing.RoutingInterceptor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one {@link ChatClient} in front of any number of vendor adapters, with a pipeline
 * of interceptors in between. Thread safe; build one per application and share it.
 *
 * <pre>{@code
 * AiGateway gateway = AiGateway.builder()
 *     .provider(OpenAiProvider.builder().apiKey(Secret.env("OPENAI_API_KEY")).build())
 *     .route(Route.builder("support").target("openai", "gpt-4o").build())
 *     .build();
 * ChatResponse answer = gateway.chat(ChatRequest.of("support", "Where is my order?"));
 * }</pre>
 *
 * <p><b>The pipeline</b>, outermost first: the application's interceptors, in the order they were
 * added; the per-client rate limit (when set); the response cache; routing, which decides the
 * candidate targets (see {@link Router}); resilience, which
 * tries them with circuit breakers, retries, timeouts and failover (see
 * {@link ResilienceInterceptor}); and the provider call. A request passes down that list and its
 * result passes back up.
 *
 * <p><b>Threads.</b> {@link #chat} runs on the calling thread. {@link #chatAsync} and
 * {@link #stream} run on the gateway's executor (by default {@link GatewayExecutors}: virtual
 * threads on JDK 21+), so they never block the caller.
 *
 * <p><b>Closing</b> closes every provider, which aborts calls in flight; later calls fail with
 * {@link IllegalStateException}.
 */
public final class AiGateway implements ChatClient, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AiGateway.class);

  private final Map<String, ChatProvider> providers;
  private final Router router;
  private final Routes routes;
  private final ResilienceInterceptor resilience;
  private final Resilience defaultResilience;
  private final Pipeline pipeline;
  private final Executor executor;
  private final AtomicBoolean closed = new AtomicBoolean();

  private AiGateway(Builder b) {
    if (b.providers.isEmpty()) {
      throw new IllegalArgumentException("a gateway needs at least one provider");
    }
    this.providers = Collections.unmodifiableMap(new LinkedHashMap<>(b.providers));
    String defaultId = b.defaultProvider;
    if (defaultId == null && providers.size() == 1) {
      defaultId = providers.keySet().iterator().next();
    }
    this.router = new Router(providers.keySet(), defaultId, b.routes,
        bound -> ThreadLocalRandom.current().nextInt(bound));
    this.executor = b.executor != null ? b.executor : GatewayExecutors.defaultExecutor();
    this.routes = new Routes(router);
    Resilience resilience = b.resilience;
    if (b.firstChunkTimeout != null && resilience.firstChunkTimeout() == null) {
      resilience = resilience.toBuilder().firstChunkTimeout(b.firstChunkTimeout).build();
    }
    this.defaultResilience = resilience;
    this.resilience =
        new ResilienceInterceptor(resilience, b.clock, b.sleeper, b.listener, b.targetGate);
    List<ChatInterceptor> chain = new ArrayList<>(b.interceptors);
    if (b.rateLimits != null) {
      chain.add(new RateLimitInterceptor(b.rateLimits, b.sleeper));
    }
    // Always present: a route can turn caching on even when the gateway's default is off.
    chain.add(new CacheInterceptor(b.cache != null ? b.cache : ResponseCache.disabled(),
        model -> {
          Route route = router.routes().get(model);
          return route == null ? null : route.cache();
        }, b.clock, this.executor));
    chain.add(new RoutingInterceptor(router));
    chain.add(this.resilience);
    chain.add(new ProviderCall(providers));
    this.pipeline = new Pipeline(chain);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    return pipeline.execute(request, false).response();
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    Cancellation cancellation = new Cancellation();
    ChatRequest cancellable = request.withAttribute(Cancellation.ATTRIBUTE, cancellation);
    AsyncCall<ChatResponse> call = new AsyncCall<>(() -> chat(cancellable), cancellation);
    try {
      executor.execute(call);
    } catch (RejectedExecutionException e) {
      call.completeExceptionally(
          new AiGatewayException("the gateway's executor rejected the call", e, false));
    }
    return call;
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    return new GatewayPublisher(request, pipeline, executor, closed::get);
  }

  /** The registered providers by id, in registration order; unmodifiable. */
  public Map<String, ChatProvider> providers() {
    return providers;
  }

  /** The router that resolves models for this gateway. */
  public Router router() {
    return router;
  }

  /** The routes, which can be replaced at runtime: {@code gateway.routes().replace(route)}. */
  public Routes routes() {
    return routes;
  }

  /**
   * The circuit state of {@code target} under the gateway's resilience settings (a route with
   * its own settings has its own breakers; see {@link ResilienceInterceptor#circuitState}).
   */
  public CircuitState circuitState(Target target) {
    return resilience.circuitState(target, defaultResilience);
  }

  /** The interceptors in pipeline order, the built-in stages included; unmodifiable. */
  public List<ChatInterceptor> interceptors() {
    return pipeline.interceptors();
  }

  /** Closes every provider. Idempotent. A provider that fails to close is logged and skipped. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (ChatProvider provider : providers.values()) {
      try {
        provider.close();
      } catch (RuntimeException e) {
        log.warn("closing provider {} failed: {}", provider.id(), e.toString());
      }
    }
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("this gateway is closed");
    }
  }

  @Override
  public String toString() {
    return "AiGateway[providers=" + providers.keySet() + ", routes="
        + router.routes().keySet() + "]";
  }

  /** Builds an {@link AiGateway}. Not thread safe. */
  public static final class Builder {
    private final Map<String, ChatProvider> providers = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<ChatInterceptor> interceptors = new ArrayList<>();
    private String defaultProvider;
    private Executor executor;
    private Duration firstChunkTimeout;
    private Resilience resilience = Resilience.defaults();
    private AttemptListener listener = AttemptListener.NONE;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = Sleeper.SYSTEM;
    private TargetGate targetGate = TargetGate.OPEN;
    private RateLimits rateLimits;
    private ResponseCache cache;

    private Builder() {}

    /**
     * Registers a provider under its {@link ChatProvider#id()}.
     *
     * @throws IllegalArgumentException when another provider already has that id
     */
    public Builder provider(ChatProvider provider) {
      Objects.requireNonNull(provider, "provider");
      String id = provider.id();
      if (id == null || id.isBlank()) {
        throw new IllegalArgumentException("provider " + provider + " has a blank id");
      }
      if (id.contains("/")) {
        throw new IllegalArgumentException("provider id '" + id + "' must not contain '/'");
      }
      if (providers.putIfAbsent(id, provider) != null) {
        throw new IllegalArgumentException("two providers have the id '" + id
            + "'; give one another id with its builder's id(...)");
      }
      return this;
    }

    /**
     * The provider that serves bare model names. Not needed when there is only one provider.
     */
    public Builder defaultProvider(String providerId) {
      this.defaultProvider = Objects.requireNonNull(providerId, "providerId");
      return this;
    }

    /** Adds a route. */
    public Builder route(Route route) {
      routes.add(Objects.requireNonNull(route, "route"));
      return this;
    }

    /**
     * Adds an application interceptor. They run in the order added, outside routing, so they
     * see the model as the application asked for it.
     */
    public Builder interceptor(ChatInterceptor interceptor) {
      interceptors.add(Objects.requireNonNull(interceptor, "interceptor"));
      return this;
    }

    /** The executor for {@link #chatAsync} and streams; by default {@link GatewayExecutors}. */
    public Builder executor(Executor executor) {
      this.executor = Objects.requireNonNull(executor, "executor");
      return this;
    }

    /**
     * The longest a stream may take to deliver its first chunk before it fails with a
     * {@link dev.aigateway.api.GatewayTimeoutException}, which fails over like any retryable
     * failure. Unset by default: the providers' own read timeouts apply. The same as
     * {@link Resilience.Builder#firstChunkTimeout} on the gateway's settings.
     */
    public Builder firstChunkTimeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("firstChunkTimeout must be positive but was " + timeout);
      }
      this.firstChunkTimeout = timeout;
      return this;
    }

    /**
     * Retries, circuit breakers, timeouts and bulkheads for every call whose route has no
     * settings of its own; {@link Resilience#defaults()} unless set.
     */
    public Builder resilience(Resilience resilience) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /** Hears every attempt, failure, retry, failover, skip and circuit-state change. */
    public Builder attemptListener(AttemptListener listener) {
      this.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /** The clock for deadlines and circuit cooldowns; for tests. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * The response cache: on for every model unless the cache says otherwise
     * ({@link ResponseCache.Builder#enabledByDefault}), per route with {@code Route.cache}, and
     * per request with {@code cacheMode}. Off unless set (a route may still turn it on, with the
     * default settings).
     */
    public Builder cache(ResponseCache cache) {
      this.cache = Objects.requireNonNull(cache, "cache");
      return this;
    }

    /**
     * Per-client limits on requests and tokens, and which models each client may use; checked
     * after the application's interceptors, before the cache and routing. None unless set.
     */
    public Builder rateLimits(RateLimits limits) {
      this.rateLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Admits attempts to targets before they are sent (a vendor's own limits, such as
     * {@link dev.aigateway.core.ratelimit.UpstreamLimits}); a target it turns
     * away is skipped like an open circuit. Admits everything unless set.
     */
    public Builder targetGate(TargetGate gate) {
      this.targetGate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /** What waits between retries; for tests, with a fake {@link #clock}. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException when there is no provider, or a route or the default
     *     provider names an unknown provider
     */
    public AiGateway build() {
      return new AiGateway(this);
    }
  }
}
