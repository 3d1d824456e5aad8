package dev.aigateway.core;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.GatewayExecutors;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.internal.GatewayEngine;
import dev.aigateway.core.observation.Observability;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.ratelimit.UpstreamLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.TargetGate;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.Routes;
import dev.aigateway.core.structured.StructuredOutput;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway: one {@link ChatClient} in front of any number of vendor adapters, with a pipeline
 * of stages in between. Thread safe; build one per application and share it.
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
 * candidate targets and the call's timeouts; failover over the candidates, where each target's
 * turn passes retry, the upstream limits, its circuit breaker, its bulkhead and the attempt
 * timeout; and the provider. A request passes down that list and its result passes back up.
 *
 * <p><b>Calls.</b> Each {@code chat}, {@code chatAsync} and {@code stream} makes one call object
 * ({@link ChatInterceptor.Chain#call()}) that carries its cancellation, deadline, attempts and
 * listener; the listener, made per call by the {@link Builder#eventListenerFactory}, hears every
 * step. {@link ChatResponse#attempts()} and {@link ChatResponse#fromCache()} are decided from
 * the call, once, for chat and stream alike.
 *
 * <p><b>Structured output.</b> {@link #chat(ChatRequest, Class)} asks for the JSON Schema of a
 * record or bean and returns the answer read into it; each attempt's answer is checked where it
 * arrives, so a route can retry or fail over on one that does not fit
 * ({@code Route.Builder.onInvalidOutput}). For a stream, fold it with
 * {@link StructuredOutput#fold(ChatClient, ChatRequest)}.
 *
 * <p><b>Errors.</b> A call with one candidate fails with that vendor's own typed exception
 * (a bad key is an {@link dev.aigateway.api.AuthenticationException}); a call with several fails
 * with {@link dev.aigateway.api.AllTargetsFailedException} listing every attempt.
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
  private final GatewayEngine engine;
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
    Executor executor = b.executor != null ? b.executor : GatewayExecutors.defaultExecutor();
    List<GatewayEventListener.Factory> factories = new ArrayList<>();
    if (b.observationRegistry != null || b.meterRegistry != null) {
      // First, so that the call's observation is open before any other listener hears it.
      factories.add(Observability.listenerFactory(b.observationRegistry, b.meterRegistry,
          b.observability, providers, this::circuitState));
    }
    factories.addAll(b.listenerFactories);
    GatewayEventListener.Factory listeners = factories.isEmpty()
        ? GatewayEventListener.Factory.NONE : composite(List.copyOf(factories));
    this.engine = new GatewayEngine(providers, defaultId, b.routes, b.interceptors, b.rateLimits,
        b.cache, b.resilience, b.timeouts, b.targetGate, b.upstreamLimits, b.timing, listeners,
        executor, closed::get);
  }

  private static GatewayEventListener.Factory composite(
      List<GatewayEventListener.Factory> factories) {
    if (factories.size() == 1) {
      return factories.get(0);
    }
    return call -> {
      List<GatewayEventListener> made = new ArrayList<>(factories.size());
      for (GatewayEventListener.Factory f : factories) {
        made.add(f.create(call));
      }
      return GatewayEventListener.composite(made);
    };
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    return engine.chat(request);
  }

  @Override
  public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    return engine.chatAsync(request);
  }

  /**
   * Asks for an answer of {@code type}, a record or bean, and returns it: the request goes out
   * with the type's JSON Schema as its response format ({@link StructuredOutput#of}), and the
   * answer is read into the type. Runs on the calling thread, like {@link #chat(ChatRequest)}.
   *
   * @throws IllegalArgumentException when {@code type} cannot be expressed in strict JSON Schema
   * @throws dev.aigateway.api.StructuredOutputException when the answer does not fit (after the
   *     route's {@code onInvalidOutput} policy: retried once, or failed over to every
   *     candidate, in which case a call with several candidates fails with
   *     {@link dev.aigateway.api.AllTargetsFailedException} listing each answer's error)
   */
  public <T> T chat(ChatRequest request, Class<T> type) {
    return chat(request, StructuredOutput.of(type));
  }

  /** {@link #chat(ChatRequest, Class)} with a {@link StructuredOutput} made beforehand. */
  public <T> T chat(ChatRequest request, StructuredOutput<T> output) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(output, "output");
    return output.parse(chat(output.request(request)));
  }

  /**
   * {@link #chat(ChatRequest, Class)} on the gateway's executor: the future completes with the
   * value, or exceptionally with the same errors. Cancelling it cancels the call.
   */
  public <T> CompletableFuture<T> chatAsync(ChatRequest request, Class<T> type) {
    return chatAsync(request, StructuredOutput.of(type));
  }

  /** {@link #chatAsync(ChatRequest, Class)} with a {@link StructuredOutput} made beforehand. */
  public <T> CompletableFuture<T> chatAsync(ChatRequest request, StructuredOutput<T> output) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(output, "output");
    CompletableFuture<ChatResponse> call = chatAsync(output.request(request));
    CompletableFuture<T> value = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        call.cancel(mayInterruptIfRunning);
        return super.cancel(mayInterruptIfRunning);
      }
    };
    call.whenComplete((response, failure) -> {
      if (failure != null) {
        value.completeExceptionally(failure);
        return;
      }
      try {
        value.complete(output.parse(response));
      } catch (RuntimeException e) {
        value.completeExceptionally(e);
      }
    });
    return value;
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    checkOpen();
    return engine.stream(request);
  }

  /** The registered providers by id, in registration order; unmodifiable. */
  public Map<String, ChatProvider> providers() {
    return providers;
  }

  /** The routes, which can be replaced at runtime: {@code gateway.routes().replace(route)}. */
  public Routes routes() {
    return engine.routes();
  }

  /**
   * The first target a request for {@code model} would try, leaving content rules and
   * stickiness aside (a split is picked at random).
   *
   * @throws dev.aigateway.api.NoRouteException when the model names nothing
   */
  public Target resolve(String model) {
    return engine.resolve(Objects.requireNonNull(model, "model"));
  }

  /**
   * The circuit state of {@code target}: one breaker per target (provider and model), whichever
   * route uses it; CLOSED for a target never called.
   */
  public CircuitState circuitState(Target target) {
    return engine.circuitState(Objects.requireNonNull(target, "target"));
  }

  /** Every target called so far with its circuit state, a snapshot. */
  public Map<Target, CircuitState> circuitStates() {
    return engine.circuitStates();
  }

  /** The interceptors in pipeline order, the built-in stages included; unmodifiable. */
  public List<ChatInterceptor> interceptors() {
    return engine.interceptors();
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
        + engine.routes().all().keySet() + "]";
  }

  /** Builds an {@link AiGateway}. Not thread safe. */
  public static final class Builder {
    private final Map<String, ChatProvider> providers = new LinkedHashMap<>();
    private final List<Route> routes = new ArrayList<>();
    private final List<ChatInterceptor> interceptors = new ArrayList<>();
    private final List<GatewayEventListener.Factory> listenerFactories = new ArrayList<>();
    private @Nullable String defaultProvider;
    private @Nullable Executor executor;
    private Resilience resilience = Resilience.defaults();
    private Timeouts timeouts = Timeouts.none();
    private Timing timing = Timing.system();
    private TargetGate targetGate = TargetGate.OPEN;
    private @Nullable UpstreamLimits upstreamLimits;
    private @Nullable RateLimits rateLimits;
    private @Nullable ResponseCache cache;
    private @Nullable ObservationRegistry observationRegistry;
    private @Nullable MeterRegistry meterRegistry;
    private Observability observability = Observability.defaults();

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
     * Adds an application interceptor. They run in the order added, outside the rate limit, the
     * cache and routing, so they see the model as the application asked for it.
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
     * The gateway's timeouts (connect, first chunk, idle, total), which routes and requests may
     * override; see {@link Timeouts} for the table and defaults.
     */
    public Builder timeouts(Timeouts timeouts) {
      this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
      return this;
    }

    /**
     * Retries, circuit breakers and bulkheads for every call whose route has no settings of its
     * own (breakers and bulkheads are per target and always follow these);
     * {@link Resilience#defaults()} unless set.
     */
    public Builder resilience(Resilience resilience) {
      this.resilience = Objects.requireNonNull(resilience, "resilience");
      return this;
    }

    /**
     * Adds a factory that makes a listener for every call; several compose, in the order added.
     */
    public Builder eventListenerFactory(GatewayEventListener.Factory factory) {
      listenerFactories.add(Objects.requireNonNull(factory, "factory"));
      return this;
    }

    /** Adds one thread-safe listener that hears every call; the same as a factory of it. */
    public Builder eventListener(GatewayEventListener listener) {
      return eventListenerFactory(GatewayEventListener.Factory.of(listener));
    }

    /**
     * The one source of time and chance: the ticker for deadlines, timeouts, cooldowns, TTLs and
     * rate windows, the scheduler for watchdogs, the sleeper for backoff and limit waits, the
     * random source for splits and jitter. {@link Timing#system()} unless set; tests inject one
     * they advance.
     */
    public Builder timing(Timing timing) {
      this.timing = Objects.requireNonNull(timing, "timing");
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
     * A vendor's own limits (requests and tokens per minute per target or provider), respected
     * before the vendor answers 429: a target over its budget is skipped like an open circuit.
     */
    public Builder upstreamLimits(UpstreamLimits limits) {
      this.upstreamLimits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /**
     * Admits attempts to targets before they are sent (the application's own admission rule);
     * a target it turns away is skipped like an open circuit. Admits everything unless set.
     */
    public Builder targetGate(TargetGate gate) {
      this.targetGate = Objects.requireNonNull(gate, "gate");
      return this;
    }

    /**
     * Observes every call on {@code registry}: one {@code Observation} per call (name
     * {@code gen_ai.client.operation}, contextual name such as {@code chat gpt-4o}) with a child
     * per attempt ({@code ai_gateway.attempt}), named and tagged after the OpenTelemetry GenAI
     * conventions (see {@link Observability} and {@code dev.aigateway.core.observation}). With a
     * tracing handler on the registry (micrometer-tracing and a bridge, the application's
     * choice) each becomes a span. Not observed unless set.
     */
    public Builder observationRegistry(ObservationRegistry registry) {
      this.observationRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * Records the gateway's metrics on {@code registry}: the GenAI conventions' duration, token,
     * time-to-first-chunk and time-per-chunk histograms with their buckets, and the gateway's
     * own cache, rate-limit, retry, failover, rescue, skip, circuit, in-flight and cost meters
     * (the names are in {@code GenAi}). Works with or without an observation registry. No
     * metrics unless set.
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /**
     * How calls are observed once a registry is set: conventions, prices, client tags, content
     * capture, metric names; {@link Observability#defaults()} unless set.
     */
    public Builder observability(Observability observability) {
      this.observability = Objects.requireNonNull(observability, "observability");
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
