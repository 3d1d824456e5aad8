package dev.aigateway.core.internal;

import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.AllTargetsFailedException.FailedAttempt;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.resilience.FailureAction;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.TargetGate;
import dev.aigateway.core.routing.RouteTarget;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.jspecify.annotations.Nullable;

/**
 * The failover stage, below routing: it takes the candidates routing chose (the split's pick,
 * then the fallbacks) and gives each its turn through the per-target {@link AttemptStages} until
 * one answers. A failure the classifier calls FAIL ends the call with that failure; any other
 * moves on to the next candidate.
 *
 * <p>It serves {@code chat()} and {@code stream()} alike: a stream's failure before its first
 * chunk is thrown from {@code proceed}, so it is retried and failed over the same way, and the
 * subscriber never sees it.
 *
 * <p><b>Errors.</b> A call with a single candidate fails with that candidate's own exception (its
 * last failure, or why it was skipped, with the earlier attempts' failures added as suppressed),
 * so that {@code catch (AuthenticationException e)} works for a gateway with one provider. A call with several fails with
 * {@link AllTargetsFailedException}, whose {@code attempts()} lists every failure and skip in
 * order and whose message says, per attempt, what happened (a breaker that opened included).
 */
final class FailoverStage implements ChatInterceptor {
  private final Resilience gatewaySettings;
  private final Timing.Ticker ticker;
  private final AttemptStage.Next perTarget;
  private final Map<String, ChatProvider> providers;
  private final Executor executor;
  // One guard per target, whichever route uses it.
  private final Map<Target, TargetGuard> guards = new ConcurrentHashMap<>();

  /**
   * @param providers the providers by id, for their capabilities (assistant prefill)
   * @param executor runs the rescue of a stream that failed mid-answer
   */
  FailoverStage(Resilience gatewaySettings, Timing timing, TargetGate gate,
      Map<String, ChatProvider> providers, Executor executor) {
    this.gatewaySettings = gatewaySettings;
    this.providers = providers;
    this.executor = executor;
    this.ticker = timing.ticker();
    List<AttemptStage> stages = new ArrayList<>(5);
    stages.add(AttemptStages.Retry.INSTANCE);
    if (gate != TargetGate.OPEN) {
      stages.add(new AttemptStages.UpstreamGate(gate));
    }
    stages.add(AttemptStages.Breaker.INSTANCE);
    stages.add(AttemptStages.Bulkhead.INSTANCE);
    stages.add(AttemptStages.AttemptTimeout.INSTANCE);
    this.perTarget = AttemptStage.compose(stages, AttemptStages.Send.INSTANCE);
  }

  /** The circuit state of {@code target}; CLOSED if it was never called. */
  CircuitState circuitState(Target target) {
    TargetGuard guard = guards.get(target);
    return guard == null ? CircuitState.CLOSED : guard.state();
  }

  /** Every target called so far with its circuit state. */
  Map<Target, CircuitState> circuitStates() {
    Map<Target, CircuitState> states = new java.util.LinkedHashMap<>();
    guards.forEach((t, g) -> states.put(t, g.state()));
    return states;
  }

  private TargetGuard guard(Target target) {
    TargetGuard guard = guards.get(target);
    return guard != null ? guard
        : guards.computeIfAbsent(target, t -> new TargetGuard(t, gatewaySettings, ticker));
  }

  @Override
  public ChatResult intercept(Chain chain) {
    RealCall call = (RealCall) chain.call();
    RoutingDecision decision = call.decision();
    if (decision == null) {
      throw new IllegalStateException("no routing decision on the call: routing did not run");
    }
    List<RouteTarget> candidates = decision.candidates();
    RealCall.Resume resume = call.takeResume(); // an inline run that had to wait stopped here
    List<FailedAttempt> failures = resume != null ? resume.failures() : new ArrayList<>(2);
    List<String> notes = resume != null ? resume.notes() : new ArrayList<>(2);
    RuntimeException last = null;
    for (int i = resume != null ? resume.candidate() : 0; i < candidates.size(); i++) {
      RouteTarget candidate = candidates.get(i);
      TargetRun run = newRun(call, chain, candidate, i, failures, notes);
      if (resume != null && i == resume.candidate()) {
        run.retriesUsed = resume.retries();
        run.pendingDelay = resume.delay();
      }
      RuntimeException cause;
      try {
        ChatResult result = perTarget.proceed(run);
        if (!result.isStream() || !decision.resilience().rescueStreams()) {
          return result;
        }
        return ChatResult.ofStream(new StreamRescue(this, call, chain, decision, run,
            result.chunks(), failures, notes, executor));
      } catch (WouldBlock w) {
        throw w;
      } catch (TargetRun.Skipped s) {
        cause = s.detail;
        run.failed(s.detail, "skipped");
        call.events().targetSkipped(call, run.target, s.reason, s.detail);
      } catch (RuntimeException e) {
        if (AttemptStages.classify(run, e) == FailureAction.FAIL) {
          throw e;
        }
        cause = e;
      }
      last = cause;
      if (i + 1 < candidates.size()) {
        call.events().failover(call, run.target, candidates.get(i + 1).target(), cause);
      }
    }
    if (candidates.size() == 1) {
      // One candidate: its own, typed failure; the attempts before it ride along, suppressed.
      for (FailedAttempt f : failures) {
        if (f.error() != last && f.error() != null) {
          last.addSuppressed(f.error());
        }
      }
      throw last;
    }
    String what = decision.route() != null ? "route '" + decision.route() + "'"
        : "model '" + call.requestedModel() + "'";
    throw new AllTargetsFailedException("every target of " + what + " failed ("
        + call.attempts() + " attempt(s)): " + describe(failures, notes), failures);
  }

  /** A turn for {@code candidate}, the {@code index}th of the call's candidates. */
  TargetRun newRun(RealCall call, Chain chain, RouteTarget candidate, int index,
      List<FailedAttempt> failures, List<String> notes) {
    TargetRun run = new TargetRun(call, chain, candidate, guard(candidate.target()),
        call.decision().resilience(), failures, notes);
    run.index = index;
    return run;
  }

  /** Runs {@code run} through the target's stages; the rescue's way in. */
  ChatResult attempt(TargetRun run) {
    return perTarget.proceed(run);
  }

  /** Whether {@code candidate} continues an answer from an assistant prefill. */
  boolean takesPrefill(RouteTarget candidate) {
    Boolean own = candidate.overrides().assistantPrefill();
    if (own != null) {
      return own;
    }
    ChatProvider provider = providers.get(candidate.target().providerId());
    return provider != null && provider.supportsAssistantPrefill();
  }

  static String describe(List<FailedAttempt> failures) {
    return describe(failures, null);
  }

  private static String describe(List<FailedAttempt> failures, @Nullable List<String> notes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < failures.size(); i++) {
      FailedAttempt f = failures.get(i);
      if (sb.length() > 0) {
        sb.append("; ");
      }
      sb.append(f.provider()).append('/').append(f.model());
      if (notes != null && i < notes.size()) {
        sb.append(' ').append(notes.get(i));
      }
      sb.append(": ").append(f.error().getClass().getSimpleName()).append(": ")
          .append(f.error().getMessage());
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "FailoverStage[" + gatewaySettings + "]";
  }
}
