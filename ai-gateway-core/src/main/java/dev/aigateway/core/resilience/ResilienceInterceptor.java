package dev.aigateway.core.resilience;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.AttributeKey;
import dev.aigateway.api.AllTargetsFailedException.FailedAttempt;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatObserver;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.core.Target;
import dev.aigateway.core.routing.RouteTarget;
import dev.aigateway.core.routing.RoutingDecision;
import dev.failsafe.Execution;
import dev.failsafe.RetryPolicy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resilience stage, below routing: it takes the candidates routing chose (the split's pick,
 * then the fallbacks) and tries them in order. For each: skip it if its circuit is open or its
 * bulkhead full; send it, with the route's per-target overrides, the remaining deadline and the
 * first-chunk timeout; on failure ask the {@link FailureClassifier}: retry the same target with
 * backoff (Failsafe's {@link RetryPolicy}, waited out here on the gateway's {@link Clock} and
 * {@link Sleeper}), fail over to the next, or stop.
 *
 * <p>It serves {@code chat()} and {@code stream()} alike: a stream's failure before its first
 * chunk is thrown from {@code proceed}, so it is retried and failed over the same way, and the
 * subscriber never sees it. A failure after the first chunk goes to the subscriber (with the
 * partial text, see the gateway's publisher) and, like any failure, counts against the target.
 *
 * <p>When every candidate failed or was skipped, the call fails with
 * {@link AllTargetsFailedException}, whose {@code attempts()} lists each failure in order; when
 * the classifier says FAIL, the failure itself is thrown. A successful {@link ChatResponse}
 * reports in {@code attempts()} how many attempts were sent. Thread safe.
 */
public final class ResilienceInterceptor implements ChatInterceptor {
  /**
   * The request attribute that numbers each attempt, from 1, across the whole call (fallbacks
   * included); the provider call marks it on a stream's first chunk, so that
   * {@link dev.aigateway.api.StreamAccumulator} reports it as {@code attempts()}.
   */
  public static final AttributeKey<Integer> ATTEMPT = AttributeKey.of("attempt", Integer.class);

  private static final Logger log = LoggerFactory.getLogger(ResilienceInterceptor.class);

  private final Resilience defaults;
  private final Clock clock;
  private final Sleeper sleeper;
  private final AttemptListener listener;
  private final TargetGate gate;
  // One guard per target and breaker settings: a route with other breaker settings has its own;
  // equal settings (a route rebuilt and replaced) share the state, so the map stays bounded by
  // the configurations in use.
  private final Map<GuardKey, TargetGuard> guards = new ConcurrentHashMap<>();

  private record GuardKey(Target target, Resilience.GuardSettings settings) {}

  /**
   * @param defaults the settings for calls whose route has none of its own
   * @param clock the clock for deadlines and cooldowns
   * @param sleeper waits between retries
   * @param listener hears every attempt
   */
  public ResilienceInterceptor(
      Resilience defaults, Clock clock, Sleeper sleeper, AttemptListener listener) {
    this(defaults, clock, sleeper, listener, TargetGate.OPEN);
  }

  /**
   * @param defaults the settings for calls whose route has none of its own
   * @param clock the clock for deadlines and cooldowns
   * @param sleeper waits between retries
   * @param listener hears every attempt
   * @param gate admits attempts to targets (upstream limits)
   */
  public ResilienceInterceptor(Resilience defaults, Clock clock, Sleeper sleeper,
      AttemptListener listener, TargetGate gate) {
    this.defaults = defaults;
    this.clock = clock;
    this.sleeper = sleeper;
    this.listener = listener;
    this.gate = gate;
  }

  /** The circuit state of {@code target} under {@code settings}; CLOSED if never called. */
  public CircuitState circuitState(Target target, Resilience settings) {
    TargetGuard guard = guards.get(new GuardKey(target, settings.guardSettings));
    return guard == null ? CircuitState.CLOSED : guard.state();
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    RoutingDecision decision = request.attribute(RoutingDecision.ATTRIBUTE);
    if (decision == null) {
      throw new IllegalStateException(
          "no routing decision on the request: an interceptor removed it");
    }
    Resilience settings = decision.resilience() != null ? decision.resilience() : defaults;
    return new Call(chain, request, decision, settings).run();
  }

  /** One call's walk through its candidates. */
  private final class Call {
    private final Chain chain;
    private final ChatRequest request;
    private final RoutingDecision decision;
    private final Resilience settings;
    private final Instant deadline;
    private final Duration firstChunkTimeout;
    private final Duration connectTimeout;
    private final Cancellation cancellation;
    private final List<FailedAttempt> failures = new ArrayList<>(2);
    private int attempts;

    Call(Chain chain, ChatRequest request, RoutingDecision decision, Resilience settings) {
      this.chain = chain;
      this.request = request;
      this.decision = decision;
      this.settings = settings;
      Duration total = shorter(request.timeout(), settings.deadline);
      this.deadline = total == null ? null : clock.instant().plus(total);
      Duration firstChunk = request.attribute(CallOptions.FIRST_CHUNK_TIMEOUT);
      this.firstChunkTimeout = firstChunk != null ? firstChunk : settings.firstChunkTimeout;
      Duration connect = request.attribute(CallOptions.CONNECT_TIMEOUT);
      this.connectTimeout = connect != null ? connect : settings.connectTimeout;
      this.cancellation = Cancellation.of(request);
    }

    ChatResult run() {
      List<RouteTarget> candidates = decision.candidates();
      for (int i = 0; i < candidates.size(); i++) {
        RouteTarget candidate = candidates.get(i);
        ChatResult result = tryTarget(candidate);
        if (result != null) {
          return result;
        }
        if (i + 1 < candidates.size()) {
          Throwable cause = failures.get(failures.size() - 1).error();
          Target next = candidates.get(i + 1).target();
          tell(l -> l.onFailover(candidate.target(), next, cause));
        }
      }
      throw allFailed();
    }

    /** The result, or null to go on to the next candidate; throws to end the call. */
    private ChatResult tryTarget(RouteTarget candidate) {
      Target target = candidate.target();
      TargetGuard guard = guards.computeIfAbsent(new GuardKey(target, settings.guardSettings),
          k -> new TargetGuard(k.target(), k.settings(), clock, listener));
      Execution<Object> retries = null; // made on the first failure: success needs none
      while (true) {
        checkCancelled();
        Duration remaining = remaining();
        if (remaining != null && remaining.isNegative()) {
          throw deadlinePassed();
        }
        AiGatewayException skipped = guard.tryAcquire();
        if (skipped != null) {
          failures.add(new FailedAttempt(target.providerId(), target.model(), skipped));
          tell(l -> l.onSkipped(target, skipped));
          return null;
        }
        ChatRequest prepared = prepare(candidate, remaining, attempts + 1);
        AiGatewayException refused = enter(target, prepared);
        if (refused != null) {
          guard.neutral();
          guard.released();
          failures.add(new FailedAttempt(target.providerId(), target.model(), refused));
          tell(l -> l.onSkipped(target, refused));
          return null;
        }
        int attempt = ++attempts;
        tell(l -> l.onAttempt(target, attempt));
        ChatResult result;
        try {
          result = chain.proceed(prepared);
        } catch (RuntimeException e) {
          exit(target, prepared, null);
          guard.released();
          FailureAction action = classify(e);
          if (action == FailureAction.FAIL) {
            guard.neutral();
            tell(l -> l.onFailure(target, attempt, e, action));
            throw e;
          }
          failures.add(new FailedAttempt(target.providerId(), target.model(), e));
          tell(l -> l.onFailure(target, attempt, e, action));
          guard.failed();
          if (action == FailureAction.FAILOVER || guard.state() == CircuitState.OPEN) {
            return null; // a retry of a target whose circuit just opened would only be skipped
          }
          if (retries == null) {
            retries = Execution.of(settings.retryPolicy);
          }
          retries.recordException(e);
          if (retries.isComplete()) {
            return null; // this target's retry budget is spent
          }
          // The vendor's Retry-After, when it gave one, replaces Failsafe's backoff as it is
          // (no jitter: the vendor named the moment).
          Duration retryAfter = e instanceof ProviderRateLimitException r
              ? r.retryAfter().orElse(null) : null;
          if (retryAfter != null && retryAfter.compareTo(settings.retryAfterCap) > 0) {
            guard.coolFor(retryAfter); // too long to wait: let the target rest, go elsewhere
            return null;
          }
          Duration delay = retryAfter != null ? retryAfter : retries.getDelay();
          Duration left = remaining();
          if (left != null && delay.compareTo(left) >= 0) {
            return null; // the wait would outlast the deadline
          }
          tell(l -> l.onRetry(target, attempt + 1, delay));
          pause(delay);
          continue;
        }
        tell(l -> l.onSuccess(target, attempt));
        return finish(result, guard, target, prepared);
      }
    }

    private ChatRequest prepare(RouteTarget candidate, Duration remaining, int attempt) {
      ChatRequest r = candidate.overrides().applyTo(request);
      if (remaining != null || firstChunkTimeout != null || connectTimeout != null) {
        ChatRequest.Builder b = r.toBuilder();
        if (remaining != null) {
          b.timeout(remaining.isZero() ? Duration.ofNanos(1) : remaining);
        }
        if (firstChunkTimeout != null) {
          b.attribute(CallOptions.FIRST_CHUNK_TIMEOUT, firstChunkTimeout);
        }
        if (connectTimeout != null) {
          b.attribute(CallOptions.CONNECT_TIMEOUT, connectTimeout);
        }
        r = b.build();
      }
      return r.withModel(candidate.target().model())
          .withAttribute(Target.ATTRIBUTE, candidate.target())
          .withAttribute(ATTEMPT, attempt);
    }

    private ChatResult finish(
        ChatResult result, TargetGuard guard, Target target, ChatRequest sent) {
      if (!result.isStream()) {
        guard.succeeded();
        guard.released();
        ChatResponse response = result.response();
        exit(target, sent, response.usage());
        return ChatResult.of(response.attempts() == attempts ? response
            : response.toBuilder().attempts(attempts).build());
      }
      // A stream holds its bulkhead permit until it ends, and its outcome for the breaker is
      // known only then: a failure after the first chunk counts against the target too.
      return result.observe(new ChatObserver() {
        private Usage usage;

        @Override
        public boolean needsResponse() {
          return false; // only the outcome matters here: do not fold the chunks
        }

        @Override
        public void onChunk(ChatChunk chunk) {
          if (chunk.usage() != null) {
            usage = chunk.usage();
          }
        }

        @Override
        public void onComplete(ChatResponse response) {
          guard.succeeded();
          guard.released();
          exit(target, sent, usage);
        }

        @Override
        public void onError(Throwable error) {
          if (classify(error) == FailureAction.FAIL) {
            guard.neutral();
          } else {
            guard.failed();
          }
          guard.released();
          exit(target, sent, usage);
        }

        @Override
        public void onCancel() {
          guard.neutral();
          guard.released();
          exit(target, sent, usage);
        }
      });
    }

    private FailureAction classify(Throwable e) {
      if (e instanceof CancellationException || cancellation != null && cancellation.isCancelled()) {
        return FailureAction.FAIL;
      }
      try {
        FailureAction action = settings.classifier.classify(e);
        return action != null ? action : FailureAction.FAIL;
      } catch (RuntimeException bug) {
        log.warn("the failure classifier threw; failing the call", bug);
        return FailureAction.FAIL;
      }
    }

    private void pause(Duration delay) {
      Thread thread = Thread.currentThread();
      try (Cancellation.Registration wake =
          cancellation == null ? null : cancellation.onCancel(thread::interrupt)) {
        sleeper.sleep(delay);
      } catch (InterruptedException e) {
        if (cancellation != null && cancellation.isCancelled()) {
          Thread.interrupted(); // ours, not the application's
          throw new CancellationException("the call was cancelled while waiting to retry");
        }
        thread.interrupt();
        throw new CancellationException("interrupted while waiting to retry");
      }
    }

    private void checkCancelled() {
      if (cancellation != null && cancellation.isCancelled()) {
        throw new CancellationException("the call was cancelled");
      }
    }

    private Duration remaining() {
      return deadline == null ? null : Duration.between(clock.instant(), deadline);
    }

    private GatewayTimeoutException deadlinePassed() {
      Duration total = shorter(request.timeout(), settings.deadline);
      GatewayTimeoutException e = new GatewayTimeoutException(null,
          GatewayTimeoutException.Phase.DEADLINE, "the call's deadline of " + total + " passed after " + attempts + " attempt(s)"
              + (failures.isEmpty() ? "" : "; failures: " + describe(failures)), null);
      return e;
    }

    private AllTargetsFailedException allFailed() {
      String route = decision.route() != null ? "route '" + decision.route() + "'"
          : "model '" + request.model() + "'";
      return new AllTargetsFailedException("every target of " + route + " failed ("
          + attempts + " attempt(s)): " + describe(failures), failures);
    }
  }

  private AiGatewayException enter(Target target, ChatRequest request) {
    try {
      return gate.tryEnter(target, request);
    } catch (RuntimeException e) {
      log.warn("the target gate threw; admitting the call", e);
      return null;
    }
  }

  private void exit(Target target, ChatRequest request, Usage usage) {
    try {
      gate.exit(target, request, usage);
    } catch (RuntimeException e) {
      log.warn("the target gate threw on exit; ignored", e);
    }
  }

  private static String describe(List<FailedAttempt> failures) {
    StringBuilder sb = new StringBuilder();
    for (FailedAttempt f : failures) {
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(f.provider()).append('/').append(f.model()).append(": ")
          .append(f.error().getClass().getSimpleName()).append(": ")
          .append(f.error().getMessage());
    }
    return sb.toString();
  }

  private static Duration shorter(Duration a, Duration b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void tell(java.util.function.Consumer<AttemptListener> event) {
    try {
      event.accept(listener);
    } catch (RuntimeException e) {
      listenerFailed(e);
    }
  }

  static void listenerFailed(RuntimeException e) {
    log.warn("an AttemptListener threw; ignored", e);
  }

  @Override
  public String toString() {
    return "ResilienceInterceptor[" + defaults + "]";
  }
}
