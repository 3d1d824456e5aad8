package dev.aigateway.core.internal;

import dev.aigateway.api.AllTargetsFailedException.FailedAttempt;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener.AttemptOutcome;
import dev.aigateway.api.spi.GatewayEventListener.SkipReason;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.RouteTarget;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One candidate's turn within a call: the target, its guard, the settings that apply, and what
 * must be undone or recorded when the attempt in progress ends. Used by one thread at a time (the
 * call's), except {@link #end}, which a stream calls from its delivering thread once.
 */
final class TargetRun {
  final RealCall call;
  final ChatInterceptor.Chain chain;
  final RouteTarget candidate;
  final Target target;
  final TargetGuard guard;
  final Resilience settings;
  final List<FailedAttempt> failures;
  final List<String> notes; // what happened to each failure, in step with failures
  // What the attempt in progress registered; run in reverse when it ends.
  private final List<EndHook> hooks = new ArrayList<>(4);
  boolean circuitOpened;
  // What this run sends: the chain's request, or a rescue's (the conversation plus a prefill).
  private ChatRequest request;
  // Where this candidate stands in the call, and what an inline run left to go on with.
  int index;
  int retriesUsed;
  @Nullable Duration pendingDelay;
  // Whether this turn already had its one retry for an answer that did not fit
  // (InvalidOutput.RETRY_ONCE), which is not taken from retriesUsed.
  boolean invalidOutputRetried;

  TargetRun(RealCall call, ChatInterceptor.Chain chain, RouteTarget candidate, TargetGuard guard,
      Resilience settings, List<FailedAttempt> failures, List<String> notes) {
    this.call = call;
    this.chain = chain;
    this.candidate = candidate;
    this.target = candidate.target();
    this.guard = guard;
    this.settings = settings;
    this.failures = failures;
    this.notes = notes;
    this.request = chain.request();
  }

  /** The request this run sends, before the target's overrides and model are applied. */
  ChatRequest request() {
    return request;
  }

  /** Sends {@code request} instead of the chain's (a rescue's continuation). */
  void request(ChatRequest request) {
    this.request = request;
  }

  /** Records a failed attempt or a skip for the call's error message. */
  void failed(RuntimeException error, String note) {
    failures.add(new FailedAttempt(target.providerId(), target.model(), error));
    notes.add(note);
  }

  /** What an admitting stage does when the attempt ends. */
  @FunctionalInterface
  interface EndHook {
    void ended(AttemptOutcome outcome, @Nullable Throwable failure, @Nullable Usage usage);
  }

  /** Registers {@code hook} for the end of the attempt in progress. */
  void onEnd(EndHook hook) {
    hooks.add(hook);
  }

  /** The hooks of the attempt that just began, handed over to whoever ends it. */
  List<EndHook> takeHooks() {
    List<EndHook> taken = List.copyOf(hooks);
    hooks.clear();
    return taken;
  }

  /** Runs {@code hooks} in reverse, each once; one that throws does not stop the others. */
  static void end(List<EndHook> hooks, AttemptOutcome outcome, @Nullable Throwable failure,
      @Nullable Usage usage) {
    for (int i = hooks.size() - 1; i >= 0; i--) {
      try {
        hooks.get(i).ended(outcome, failure, usage);
      } catch (RuntimeException e) {
        Events.log.warn("an attempt's end hook threw; ignored", e);
      }
    }
  }

  /** Tells the listener of a breaker move this call caused. */
  void moved(TargetGuard.@Nullable Transition transition) {
    if (transition == null) {
      return;
    }
    if (transition.to() == CircuitState.OPEN) {
      circuitOpened = true;
    }
    call.events().circuitStateChange(call, target, transition.from(), transition.to());
  }

  /** The signal that a stage refused the target: no attempt was made. */
  static final class Skipped extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final SkipReason reason;
    final RuntimeException detail;

    Skipped(SkipReason reason, RuntimeException detail) {
      super(detail.getMessage(), null, false, false);
      this.reason = reason;
      this.detail = detail;
    }
  }
}
