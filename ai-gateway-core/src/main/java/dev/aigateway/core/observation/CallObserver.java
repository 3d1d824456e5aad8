package dev.aigateway.core.observation;

import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayCall;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.internal.RealCall;
import dev.aigateway.core.observation.GatewayObservability.ProviderFacts;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceFieldUpdater;
import java.util.function.LongConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One call's observation: its {@link Observation} and its attempts' children, and its metrics.
 * Made per call by {@link GatewayObservability}; hears the call's events in the listener's
 * order, on whichever thread does the work. Each event touches only its own state, so the
 * events of one call need no lock: the attempt in progress sits in one field (a second attempt
 * still open, which only a cancel racing an attempt's start can make, in a map made then).
 */
final class CallObserver implements GatewayEventListener, LongConsumer {
  private static final AtomicReferenceFieldUpdater<CallObserver, Attempt> CURRENT =
      AtomicReferenceFieldUpdater.newUpdater(CallObserver.class, Attempt.class, "current");

  private final GatewayObservability o;
  private final CallInfo call;
  private final @Nullable Observation observation;
  private final @Nullable GatewayObservationContext context;
  private final @Nullable String clientTag;
  private volatile @Nullable Attempt current;
  private volatile @Nullable Map<Integer, Attempt> others;
  private volatile String nextKind = "initial";
  private volatile @Nullable Throwable lastFailure;
  private volatile @Nullable Target lastTarget;
  private volatile long firstChunkNanos = -1;
  private volatile @Nullable Target firstChunkTarget;
  // The delivering thread's alone: the chunk-gap histogram of the answering provider.
  private @Nullable Timer gapTimer;
  private @Nullable String gapProvider;
  private @Nullable String gapModel;

  /** An attempt's observation. */
  private record Attempt(int number, Observation observation, AttemptObservationContext context) {}

  CallObserver(GatewayObservability o, CallInfo call) {
    this.o = o;
    this.call = call;
    ClientTags tags = o.settings.clientTags();
    this.clientTag = tags.enabled() ? tags.valueOf(call.clientId()) : null;
    ObservationRegistry registry = o.observations;
    if (registry != null && !registry.isNoop()) {
      GatewayObservationContext c = new GatewayObservationContext(call,
          ((GatewayCall) call).request(), clientTag);
      this.context = c;
      this.observation = Observation.createNotStarted(o.customConvention,
          DefaultGatewayObservationConvention.INSTANCE, () -> c, registry);
    } else {
      this.context = null;
      this.observation = null;
    }
    if (o.meters != null && call.isStreaming() && call instanceof RealCall rc) {
      rc.onChunkGaps(this);
    }
  }

  @Override
  public void callStart(CallInfo call) {
    o.inFlight(call.isStreaming()).incrementAndGet();
    GatewayObservationContext c = context;
    Observation obs = observation;
    if (c != null && obs != null) {
      if (o.settings.captureContent()) {
        List<dev.aigateway.api.Message> messages = c.request().messages();
        c.input(ContentJson.system(messages), ContentJson.input(messages));
      }
      obs.start();
    }
  }

  @Override
  public void rateLimitDecision(CallInfo call, RateLimitOutcome outcome, Duration waited) {
    if (o.meters != null) {
      String value = DefaultGatewayObservationConvention.lower(outcome);
      o.meter(new Key(GenAi.RATE_LIMIT_DECISIONS, value, clientTag, null, null, null),
          k -> o.counter(GenAi.RATE_LIMIT_DECISIONS, "Per-client rate-limit decisions",
              withClient(Tags.of(GenAi.RATE_LIMIT_OUTCOME, value)))).increment();
    }
    if (outcome != RateLimitOutcome.ADMITTED) {
      // Not the common case: an event on the span (a meter handler counts events, per call).
      event("ai_gateway.rate_limit",
          "rate limit " + DefaultGatewayObservationConvention.lower(outcome));
    }
  }

  @Override
  public void cacheLookup(CallInfo call, CacheOutcome outcome) {
    if (o.meters != null) {
      String value = DefaultGatewayObservationConvention.lower(outcome);
      String model = call.requestedModel();
      o.meter(new Key(GenAi.CACHE_LOOKUPS, value, model, null, null, null),
          k -> o.counter(GenAi.CACHE_LOOKUPS, "Response cache lookups",
              Tags.of(GenAi.CACHE, value, GenAi.REQUEST_MODEL, model))).increment();
    }
  }

  @Override
  public void targetSkipped(CallInfo call, Target target, SkipReason reason, Throwable detail) {
    o.gaugeCircuit(target);
    String why = DefaultGatewayObservationConvention.lower(reason);
    if (o.meters != null) {
      o.meter(new Key(GenAi.TARGETS_SKIPPED, o.name(target), why, null, null, null),
          k -> o.counter(GenAi.TARGETS_SKIPPED, "Targets passed over without an attempt",
              Tags.of(GenAi.TARGET, o.name(target), GenAi.SKIP_REASON, why))).increment();
    }
    event("ai_gateway.target_skipped", "skipped " + target + ": " + why);
  }

  @Override
  public void attemptStart(CallInfo call, Target target, int attempt) {
    o.gaugeCircuit(target);
    lastTarget = target;
    String kind = nextKind;
    nextKind = "initial";
    ObservationRegistry registry = o.observations;
    Observation parent = observation;
    if (registry == null || parent == null) {
      return;
    }
    ProviderFacts p = o.provider(target.providerId());
    AttemptObservationContext c = new AttemptObservationContext(call, target, o.name(target),
        attempt, kind, p == null ? target.providerId() : p.name(), p == null ? null : p.address(),
        p == null ? -1 : p.port());
    Observation child = Observation.createNotStarted(o.customAttemptConvention,
        DefaultAttemptObservationConvention.INSTANCE, () -> c, registry)
        .parentObservation(parent);
    // Started within the call's scope: a tracing handler takes the span current on this thread
    // over the parent observation's, and here that would be the application's (the call's
    // observation is never left open on a thread, since its events run on several).
    try (Observation.Scope scope = parent.openScope()) {
      child.start();
    }
    Attempt a = new Attempt(attempt, child, c);
    if (!CURRENT.compareAndSet(this, null, a)) {
      others().put(attempt, a);
    }
  }

  private Map<Integer, Attempt> others() {
    Map<Integer, Attempt> m = others;
    if (m == null) {
      synchronized (this) {
        m = others;
        if (m == null) {
          m = new ConcurrentHashMap<>();
          others = m;
        }
      }
    }
    return m;
  }

  private @Nullable Attempt take(int number) {
    Attempt a = current;
    if (a != null && a.number == number && CURRENT.compareAndSet(this, a, null)) {
      return a;
    }
    Map<Integer, Attempt> m = others;
    return m == null ? null : m.remove(number);
  }

  @Override
  public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
      Duration duration, int httpStatus, @Nullable Throwable failure) {
    String result = outcome == AttemptOutcome.SUCCESS ? "success"
        : outcome == AttemptOutcome.CANCELLED ? "cancelled" : "error";
    String error = outcome == AttemptOutcome.FAILURE ? ErrorTypes.of(failure) : null;
    if (failure != null && outcome == AttemptOutcome.FAILURE) {
      lastFailure = failure;
    }
    if (o.meters != null) {
      ProviderFacts p = o.provider(target.providerId());
      String vendor = p == null ? target.providerId() : p.name();
      o.meter(new Key(GenAi.ATTEMPT_DURATION, o.name(target), vendor, result, error, null),
          k -> o.secondsHistogram(GenAi.ATTEMPT_DURATION, "Each attempt's duration",
              withError(Tags.of(GenAi.TARGET, o.name(target), GenAi.PROVIDER_NAME, vendor,
                  GenAi.OUTCOME, result), error)))
          .record(duration.toNanos(), TimeUnit.NANOSECONDS);
    }
    Attempt a = take(attempt);
    if (a != null) {
      a.context.ended(result, httpStatus, error);
      if (error != null && failure != null) {
        a.observation.error(failure);
      }
      a.observation.stop();
    }
  }

  @Override
  public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
    nextKind = "retry";
    String cause = ErrorTypes.of(lastFailure);
    if (o.meters != null) {
      o.meter(new Key(GenAi.RETRIES, o.name(target), cause, null, null, null),
          k -> o.counter(GenAi.RETRIES, "Retries of a target",
              Tags.of(GenAi.TARGET, o.name(target), GenAi.ERROR_TYPE, cause))).increment();
    }
    event("ai_gateway.retry", "retry " + target + " after " + cause);
  }

  @Override
  public void failover(CallInfo call, Target from, Target to, Throwable cause) {
    nextKind = "failover";
    String why = ErrorTypes.of(cause);
    if (o.meters != null) {
      o.meter(new Key(GenAi.FAILOVERS, o.name(from), o.name(to), why, null, null),
          k -> o.counter(GenAi.FAILOVERS, "Failovers from one target to the next",
              Tags.of(GenAi.TARGET, o.name(from), GenAi.TARGET_TO, o.name(to),
                  GenAi.ERROR_TYPE, why))).increment();
    }
    event("ai_gateway.failover", "failover " + from + " -> " + to + " after " + why);
  }

  @Override
  public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
      RescueKind kind) {
    nextKind = "rescue";
    String why = ErrorTypes.of(cause);
    String how = DefaultGatewayObservationConvention.lower(kind);
    if (o.meters != null) {
      o.meter(new Key(GenAi.STREAM_RESCUES, o.name(from), o.name(to), why, how, null),
          k -> o.counter(GenAi.STREAM_RESCUES, "Streams rescued after their first chunk",
              Tags.of(GenAi.TARGET, o.name(from), GenAi.TARGET_TO, o.name(to),
                  GenAi.ERROR_TYPE, why, GenAi.RESCUE_KIND, how))).increment();
    }
    event("ai_gateway.stream_rescue", how + " " + from + " -> " + to + " after " + why);
  }

  @Override
  public void circuitStateChange(CallInfo call, Target target, CircuitState from,
      CircuitState to) {
    o.gaugeCircuit(target);
    event("ai_gateway.circuit", "circuit of " + target + " " + from + " -> " + to);
  }

  @Override
  public void firstChunk(CallInfo call, Duration sinceStart) {
    firstChunkNanos = sinceStart.toNanos();
    firstChunkTarget = lastTarget;
    GatewayObservationContext c = context;
    if (c != null) {
      c.timeToFirstChunk(sinceStart);
    }
  }

  /** A gap between two chunks of the stream (see {@link RealCall#onChunkGaps}). */
  @Override
  public void accept(long nanos) {
    Target t = lastTarget;
    if (t == null) {
      return;
    }
    String provider = t.providerId();
    String model = call.responseModel();
    Timer timer = gapTimer;
    if (timer == null || !provider.equals(gapProvider) || !java.util.Objects.equals(model,
        gapModel)) {
      // Resolved again only when the answering vendor or model changes (a rescue), not per chunk.
      String name = o.settings.latestExperimental()
          ? GenAi.CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK : GenAi.CLIENT_TIME_PER_OUTPUT_CHUNK;
      ModelTags m = modelTags(o.provider(provider), provider, model);
      timer = o.meter(new Key(name, m, null, null, null, null),
          k -> o.secondsHistogram(name, "Time between a stream's chunks after the first",
              m.tags()));
      gapTimer = timer;
      gapProvider = provider;
      gapModel = model;
    }
    timer.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void callEnd(CallInfo call, Duration duration, @Nullable Throwable failure) {
    o.inFlight(call.isStreaming()).decrementAndGet();
    boolean cancelled = failure instanceof CancellationException;
    String outcome = failure == null ? "success" : cancelled ? "cancelled" : "error";
    String error = failure == null || cancelled ? null : ErrorTypes.of(failure);
    String answeredBy = call.provider();
    if (answeredBy == null && lastTarget != null) {
      answeredBy = lastTarget.providerId();
    }
    ProviderFacts p = o.provider(answeredBy);
    if (o.meters != null) {
      record(call, duration, p, answeredBy, outcome, error);
    }
    GatewayObservationContext c = context;
    Observation obs = observation;
    if (c != null && obs != null) {
      c.server(p == null ? answeredBy : p.name(), p == null ? null : p.address(),
          p == null ? -1 : p.port());
      c.ended(outcome, error);
      if (o.settings.captureContent() && failure == null) {
        captureOutput(call, c);
      }
      if (error != null) {
        obs.error(failure);
      }
      obs.stop();
    }
  }

  private void captureOutput(CallInfo call, GatewayObservationContext c) {
    if (!(call instanceof RealCall rc)) {
      return;
    }
    ChatResponse answer = rc.answer();
    if (answer != null) {
      c.output(ContentJson.output(answer));
      return;
    }
    CharSequence text = rc.streamedText();
    if (text != null) {
      String copy;
      try {
        copy = text.toString();
      } catch (RuntimeException e) {
        return; // the stream was cancelled from another thread while delivering: nothing sure
      }
      c.output(ContentJson.output(copy, List.of(), call.finishReason()));
    }
  }

  private void record(CallInfo call, Duration duration, @Nullable ProviderFacts p,
      @Nullable String providerId, String outcome, @Nullable String error) {
    boolean latest = o.settings.latestExperimental();
    ModelTags m = modelTags(p, providerId);
    String route = call.route() == null ? GenAi.NONE : call.route();
    CacheOutcome cacheOutcome = call.cacheOutcome();
    String cache = cacheOutcome == null ? GenAi.NONE
        : DefaultGatewayObservationConvention.lower(cacheOutcome);
    String durationName =
        latest ? GenAi.CLIENT_INFERENCE_DURATION : GenAi.CLIENT_OPERATION_DURATION;
    o.meter(new Key(durationName, m, error, route, outcome, cache),
        k -> o.secondsHistogram(durationName, "GenAI operation duration", withError(m.tags(),
            error).and(GenAi.ROUTE, route, GenAi.OUTCOME, outcome, GenAi.CACHE, cache)))
        .record(duration.toNanos(), TimeUnit.NANOSECONDS);
    long ttfc = firstChunkNanos;
    if (call.isStreaming() && ttfc >= 0) {
      // Credited to the vendor whose chunk came first, which a rescue may have replaced since.
      Target first = firstChunkTarget;
      ModelTags f = first == null || first.equals(lastTarget) ? m
          : modelTags(o.provider(first.providerId()), first.providerId(), null);
      String name = latest
          ? GenAi.CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK : GenAi.CLIENT_TIME_TO_FIRST_CHUNK;
      o.meter(new Key(name, f, null, null, null, null),
          k -> o.secondsHistogram(name, "Time to a stream's first chunk", f.tags()))
          .record(ttfc, TimeUnit.NANOSECONDS);
    }
    if (call.fromCache() || call.attempts() == 0) {
      return; // no vendor was asked: no tokens spent, nothing to cost
    }
    Usage usage = call.usage();
    if (latest) {
      latestTokens(m, usage, error);
    } else if (usage != null) {
      tokens(m, GenAi.TOKEN_INPUT).record(usage.inputTokens());
      tokens(m, GenAi.TOKEN_OUTPUT).record(usage.outputTokens());
    }
    PriceTable prices = o.settings.prices();
    if (usage != null && prices != null) {
      String model = call.responseModel();
      Target t = lastTarget;
      if (model == null && t != null) {
        model = t.model();
      }
      if (model != null) {
        double cost = prices.costOf(model, usage);
        if (!Double.isNaN(cost)) {
          String priced = model;
          String vendor = m.vendor == null ? GenAi.NONE : m.vendor;
          o.meter(new Key(GenAi.COST, vendor, priced, clientTag, null, null),
              k -> o.counter(GenAi.COST, "What the calls cost by the price table",
                  withClient(Tags.of(GenAi.PROVIDER_NAME, vendor, GenAi.RESPONSE_MODEL,
                      priced, GenAi.CURRENCY, prices.currency())))).increment(cost);
        }
      }
    }
  }

  private DistributionSummary tokens(ModelTags m, String type) {
    return o.meter(new Key(GenAi.CLIENT_TOKEN_USAGE, m, type, null, null, null),
        k -> o.tokenHistogram(GenAi.CLIENT_TOKEN_USAGE, "Number of input and output tokens used",
            m.tags().and(GenAi.TOKEN_TYPE, type)));
  }

  /** The newest names: counters per token type and per-call histograms, failures as 0. */
  private void latestTokens(ModelTags m, @Nullable Usage usage, @Nullable String error) {
    String modality = usage == null ? "unknown" : "text";
    counter(GenAi.CLIENT_INFERENCE_USAGE_INPUT_TOKENS, m, modality)
        .increment(usage == null ? 0 : usage.inputTokens());
    counter(GenAi.CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS, m, modality)
        .increment(usage == null ? 0 : usage.outputTokens());
    counter(GenAi.CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS, m, modality)
        .increment(usage == null ? 0 : usage.cachedInputTokens());
    counter(GenAi.CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS, m, modality)
        .increment(usage == null ? 0 : usage.reasoningTokens());
    perCall(GenAi.CLIENT_INFERENCE_OPERATION_INPUT_TOKENS, m, error)
        .record(usage == null ? 0 : usage.inputTokens());
    perCall(GenAi.CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS, m, error)
        .record(usage == null ? 0 : usage.outputTokens());
  }

  private Counter counter(String name, ModelTags m, String modality) {
    return o.meter(new Key(name, m, modality, null, null, null),
        k -> o.counter(name, "GenAI tokens used ({token})",
            m.tags().and(GenAi.TOKEN_MODALITY, modality)));
  }

  private DistributionSummary perCall(String name, ModelTags m, @Nullable String error) {
    return o.meter(new Key(name, m, error, "per-call", null, null),
        k -> o.tokenHistogram(name, "GenAI tokens per operation", withError(m.tags(), error)));
  }

  private ModelTags modelTags(@Nullable ProviderFacts p, @Nullable String providerId) {
    return modelTags(p, providerId, call.responseModel());
  }

  private ModelTags modelTags(@Nullable ProviderFacts p, @Nullable String providerId,
      @Nullable String responseModel) {
    return new ModelTags(p == null ? providerId : p.name(), p == null ? null : p.address(),
        p == null ? -1 : p.port(), call.requestedModel(), responseModel, clientTag);
  }

  private void event(String name, String contextual) {
    Observation obs = observation;
    if (obs != null) {
      obs.event(Observation.Event.of(name, contextual));
    }
  }

  private Tags withClient(Tags tags) {
    return clientTag == null ? tags : tags.and(GenAi.CLIENT, clientTag);
  }

  private static Tags withError(Tags tags, @Nullable String error) {
    return error == null ? tags : tags.and(GenAi.ERROR_TYPE, error);
  }

  /** A meter's identity by its name and tag values, cheap to build and compare. */
  private record Key(String metric, @Nullable Object a, @Nullable String b, @Nullable String c,
      @Nullable String d, @Nullable String e) {}

  /** The tags the conventions put on a call's metrics. */
  private record ModelTags(@Nullable String vendor, @Nullable String address, int port,
      String requestModel, @Nullable String responseModel, @Nullable String client) {
    Tags tags() {
      Tags t = Tags.of(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT, GenAi.REQUEST_MODEL,
          requestModel);
      if (vendor != null) {
        t = t.and(GenAi.PROVIDER_NAME, vendor);
      }
      if (responseModel != null) {
        t = t.and(GenAi.RESPONSE_MODEL, responseModel);
      }
      if (address != null) {
        t = t.and(GenAi.SERVER_ADDRESS, address, GenAi.SERVER_PORT, Integer.toString(port));
      }
      return client == null ? t : t.and(GenAi.CLIENT, client);
    }
  }
}
