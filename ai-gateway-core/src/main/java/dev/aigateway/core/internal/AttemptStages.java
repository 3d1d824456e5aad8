package dev.aigateway.core.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatObserver;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.GatewayEventListener.AttemptOutcome;
import dev.aigateway.api.spi.GatewayEventListener.SkipReason;
import dev.aigateway.core.resilience.FailureAction;
import dev.aigateway.core.resilience.TargetGate;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.structured.InvalidOutput;
import dev.aigateway.core.structured.StructuredOutput;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages of one target's turn, outermost first: {@link Retry} (backoff on the gateway's
 * sleeper, each retry passing the stages below again), {@link UpstreamGate} (the vendor-side
 * limits), {@link Breaker}, {@link Bulkhead}, {@link AttemptTimeout} (the call's deadline and
 * the attempt's timeouts), then {@link Send}, which makes the attempt. Retry is outermost so that
 * every attempt is admitted, counted and released on its own.
 */
final class AttemptStages {
  private static final Logger log = LoggerFactory.getLogger(AttemptStages.class);

  private AttemptStages() {}

  /**
   * The classifier's verdict, FAIL when the call was cancelled or the classifier broke. An answer
   * that does not fit its structured output is not the classifier's to judge: the route's
   * {@link InvalidOutput} policy decides.
   */
  static FailureAction classify(TargetRun run, Throwable e) {
    if (e instanceof CancellationException || run.call.isCancelled()) {
      return FailureAction.FAIL;
    }
    if (e instanceof StructuredOutputException invalid) {
      return onInvalidOutput(run, invalid);
    }
    try {
      FailureAction action = run.settings.classifier().classify(e);
      return action != null ? action : FailureAction.FAIL;
    } catch (RuntimeException bug) {
      log.warn("the failure classifier threw; failing the call", bug);
      return FailureAction.FAIL;
    }
  }

  /** What the route's policy makes of an answer that does not fit. */
  static FailureAction onInvalidOutput(TargetRun run, StructuredOutputException invalid) {
    return switch (run.call.decision().invalidOutput()) {
      case FAIL -> FailureAction.FAIL;
      case RETRY_ONCE -> invalid.retryable() && !run.invalidOutputRetried
          ? FailureAction.RETRY : FailureAction.FAIL;
      case FAILOVER -> FailureAction.FAILOVER;
    };
  }

  static boolean counts(TargetRun run, Throwable e) {
    if (e instanceof CancellationException || run.call.isCancelled()) {
      return false;
    }
    if (e instanceof StructuredOutputException) {
      return false; // the vendor answered; the model missed the type
    }
    try {
      return run.settings.classifier().countsAgainstTarget(e);
    } catch (RuntimeException bug) {
      log.warn("the failure classifier threw; the failure is not counted", bug);
      return false;
    }
  }

  /** Retries what the classifier calls retryable, within the target's budget and the deadline. */
  static final class Retry implements AttemptStage {
    static final Retry INSTANCE = new Retry();

    @Override
    public ChatResult execute(TargetRun run, Next next) {
      int retries = run.retriesUsed;
      if (run.pendingDelay != null) { // going on, on a worker, from a wait an inline run reached
        Duration delay = run.pendingDelay;
        run.pendingDelay = null;
        Waits.pause(run.call, delay, "waiting to retry");
      }
      StructuredOutputException invalidBefore = null;
      while (true) {
        try {
          return next.proceed(run);
        } catch (TargetRun.Skipped | WouldBlock s) {
          throw s;
        } catch (RuntimeException e) {
          if (invalidBefore != null && e != invalidBefore) {
            e.addSuppressed(invalidBefore); // the answer the retry was for
            invalidBefore = null;
          }
          if (e instanceof StructuredOutputException invalid) {
            if (classify(run, e) != FailureAction.RETRY) {
              throw e;
            }
            // Once, at once: another sample of the same model, not a wait for a vendor to heal.
            run.invalidOutputRetried = true;
            invalidBefore = invalid;
            run.call.events().retry(run.call, run.target, run.call.attempts() + 1,
                Duration.ZERO);
            continue;
          }
          if (classify(run, e) != FailureAction.RETRY || run.circuitOpened
              || retries >= run.settings.maxRetries()) {
            throw e; // the failover stage decides what comes next
          }
          // The vendor's Retry-After, when it gave one, replaces the backoff as it is (no
          // jitter: the vendor named the moment).
          Duration retryAfter = e instanceof ProviderRateLimitException r
              ? r.retryAfter().orElse(null) : null;
          if (retryAfter != null && retryAfter.compareTo(run.settings.retryAfterCap()) > 0) {
            run.moved(run.guard.coolFor(retryAfter)); // too long to wait: rest it, go elsewhere
            throw e;
          }
          retries++;
          run.retriesUsed = retries;
          Duration delay = retryAfter != null ? retryAfter
              : run.settings.backoff(retries, run.call.timing().random());
          Duration left = run.call.remaining();
          if (left != null && delay.compareTo(left) >= 0) {
            throw e; // the wait would outlast the deadline
          }
          run.call.events().retry(run.call, run.target, run.call.attempts() + 1, delay);
          if (run.call.runsInline()) {
            // This thread must not wait: leave where we are, and go on from here on a worker.
            run.call.keepResume(new RealCall.Resume(run.index, retries, delay, run.failures,
                run.notes));
            throw new WouldBlock("waiting to retry");
          }
          Waits.pause(run.call, delay, "waiting to retry");
        }
      }
    }

    @Override
    public String toString() {
      return "Retry";
    }
  }

  /** Admits the attempt through the gateway's {@link TargetGate} (upstream limits). */
  static final class UpstreamGate implements AttemptStage {
    private final TargetGate gate;

    UpstreamGate(TargetGate gate) {
      this.gate = gate;
    }

    @Override
    public ChatResult execute(TargetRun run, Next next) {
      ChatRequest request = run.request();
      AiGatewayException refused;
      try {
        refused = gate.tryEnter(run.target, request);
      } catch (RuntimeException e) {
        log.warn("the target gate threw; admitting the call", e);
        refused = null;
      }
      if (refused != null) {
        throw new TargetRun.Skipped(SkipReason.UPSTREAM_LIMIT, refused);
      }
      run.onEnd((outcome, failure, usage) -> {
        try {
          gate.exit(run.target, request, usage);
        } catch (RuntimeException e) {
          log.warn("the target gate threw on exit; ignored", e);
        }
      });
      return next.proceed(run);
    }

    @Override
    public String toString() {
      return "UpstreamGate[" + gate + "]";
    }
  }

  /** The target's circuit breaker: skips an open target, records each attempt's outcome. */
  static final class Breaker implements AttemptStage {
    static final Breaker INSTANCE = new Breaker();

    @Override
    public ChatResult execute(TargetRun run, Next next) {
      TargetGuard guard = run.guard;
      if (!guard.hasBreaker()) {
        return next.proceed(run);
      }
      run.moved(guard.probeIfDue());
      RuntimeException open = guard.tryAcquireBreaker();
      if (open != null) {
        throw new TargetRun.Skipped(SkipReason.CIRCUIT_OPEN, open);
      }
      run.onEnd((outcome, failure, usage) -> {
        if (outcome == AttemptOutcome.SUCCESS) {
          run.moved(guard.succeeded());
        } else if (outcome == AttemptOutcome.FAILURE && counts(run, failure)) {
          run.moved(guard.failed());
        } else {
          guard.neutral();
        }
      });
      return next.proceed(run);
    }

    @Override
    public String toString() {
      return "Breaker";
    }
  }

  /** The target's bulkhead: skips a full target, holds the place until the attempt ends. */
  static final class Bulkhead implements AttemptStage {
    static final Bulkhead INSTANCE = new Bulkhead();

    @Override
    public ChatResult execute(TargetRun run, Next next) {
      TargetGuard guard = run.guard;
      if (!guard.hasBulkhead()) {
        return next.proceed(run);
      }
      RuntimeException full = guard.tryAcquireBulkhead();
      if (full != null) {
        throw new TargetRun.Skipped(SkipReason.BULKHEAD_FULL, full);
      }
      run.onEnd((outcome, failure, usage) -> guard.released());
      return next.proceed(run);
    }

    @Override
    public String toString() {
      return "Bulkhead";
    }
  }

  /** Stops at the call's deadline and cancellation before each attempt. */
  static final class AttemptTimeout implements AttemptStage {
    static final AttemptTimeout INSTANCE = new AttemptTimeout();

    @Override
    public ChatResult execute(TargetRun run, Next next) {
      RealCall call = run.call;
      if (call.isCancelled()) {
        throw new CancellationException("the call was cancelled");
      }
      Duration left = call.remaining();
      if (left != null && left.isZero()) {
        Timeouts t = call.decision().timeouts();
        throw new GatewayTimeoutException(null, GatewayTimeoutException.Phase.DEADLINE,
            "the call's deadline of " + t.total() + " passed after " + call.attempts()
                + " attempt(s)" + (run.failures.isEmpty() ? ""
                    : "; failures: " + FailoverStage.describe(run.failures)), null);
      }
      return next.proceed(run);
    }

    @Override
    public String toString() {
      return "AttemptTimeout";
    }
  }

  /**
   * Makes the attempt: tells the listener, passes the request (with the target's overrides and
   * model) to the provider stage, and ends the attempt once its outcome is known: at once for
   * {@code chat()} and for a failure, when a stream ends otherwise.
   */
  static final class Send implements AttemptStage.Next {
    static final Send INSTANCE = new Send();

    @Override
    public ChatResult proceed(TargetRun run) {
      RealCall call = run.call;
      Timeouts t = call.decision().timeouts();
      ChatRequest prepared = run.candidate.overrides().applyTo(run.request())
          .withModel(run.target.model());
      Duration left = call.remaining();
      int attempt = call.attempts() + 1;
      AttemptContext context = AttemptContext.of(call.cancellation(),
          left == null ? null : (left.isZero() ? Duration.ofNanos(1) : left), t.connect(),
          t.idle(), attempt);
      call.beginAttempt(run.target, context);
      List<TargetRun.EndHook> hooks = run.takeHooks();
      Events events = call.events();
      events.attemptStart(call, run.target, attempt);
      long started = call.timing().nanoTime();
      ChatResult result;
      try {
        result = run.chain.proceed(prepared);
      } catch (RuntimeException e) {
        AttemptOutcome outcome = e instanceof CancellationException || call.isCancelled()
            ? AttemptOutcome.CANCELLED : AttemptOutcome.FAILURE;
        // The listener hears the outcome before its consequences (a breaker that moves).
        events.attemptEnded(call, run.target, attempt, outcome, started, e);
        boolean wasOpen = run.circuitOpened;
        TargetRun.end(hooks, outcome, e, null);
        run.failed(e, "attempt " + attempt
            + (run.circuitOpened && !wasOpen ? " failed and opened its circuit breaker" : " failed"));
        throw e;
      }
      StructuredOutput<?> expected = StructuredOutput.expectedBy(prepared);
      if (!result.isStream()) {
        ChatResponse response = result.response();
        call.answered(response);
        if (response.usage() != null) {
          events.usage(call, response.usage());
        }
        StructuredOutputException invalid = expected == null ? null : check(expected, response);
        if (invalid != null) {
          // Billed and answered, but not the value asked for: a failed attempt, and the route's
          // policy decides what comes next.
          events.attemptEnded(call, run.target, attempt, AttemptOutcome.FAILURE, started,
              invalid);
          TargetRun.end(hooks, AttemptOutcome.FAILURE, invalid, response.usage());
          run.failed(invalid, "attempt " + attempt + " answered with output that does not fit "
              + expected.type().getSimpleName());
          throw invalid;
        }
        events.attemptEnded(call, run.target, attempt, AttemptOutcome.SUCCESS, started, null);
        TargetRun.end(hooks, AttemptOutcome.SUCCESS, null, response.usage());
        return result;
      }
      if (expected != null) {
        // Checked when the stream ends: an answer that does not fit ends it with onError
        // instead of onComplete, which the rescue handles by the route's policy.
        result = result.observe(new OutputCheck(expected));
      }
      if (hooks.isEmpty() && !events.enabled()) {
        return result; // nothing to hear the end of: no observer, no per-chunk cost
      }
      return result.observe(new AttemptEnd(run, hooks, attempt, started));
    }
  }

  /**
   * The error of an answer that does not fit {@code expected}, or null when it fits. An answer
   * that calls tools is passed on unchecked: the application runs them and asks again.
   */
  static @Nullable StructuredOutputException check(StructuredOutput<?> expected,
      ChatResponse response) {
    if (!response.toolCalls().isEmpty()) {
      return null;
    }
    try {
      expected.parse(response);
      return null;
    } catch (StructuredOutputException e) {
      return e;
    }
  }

  /** Checks a stream attempt's answer when it completes; see {@link #check}. */
  private static final class OutputCheck implements ChatObserver {
    private final StructuredOutput<?> expected;

    OutputCheck(StructuredOutput<?> expected) {
      this.expected = expected;
    }

    @Override
    public void onComplete(@Nullable ChatResponse response) {
      StructuredOutputException invalid = response == null
          ? new StructuredOutputException(StructuredOutputException.Problem.NOT_JSON,
              expected.type().getName(), "", "the stream completed without any chunk", "", null,
              null, null)
          : check(expected, response);
      if (invalid != null) {
        throw invalid; // the observing publisher turns it into the stream's onError
      }
    }
  }

  /** Ends a stream attempt when its stream ends. */
  private static final class AttemptEnd implements ChatObserver {
    private final TargetRun run;
    private final List<TargetRun.EndHook> hooks;
    private final int attempt;
    private final long started;
    private final java.util.concurrent.atomic.AtomicBoolean ended =
        new java.util.concurrent.atomic.AtomicBoolean();
    private volatile @Nullable Usage usage;

    AttemptEnd(TargetRun run, List<TargetRun.EndHook> hooks, int attempt, long started) {
      this.run = run;
      this.hooks = hooks;
      this.attempt = attempt;
      this.started = started;
    }

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
    public void onComplete(@Nullable ChatResponse ignored) {
      end(AttemptOutcome.SUCCESS, null);
    }

    @Override
    public void onError(Throwable error) {
      end(error instanceof CancellationException ? AttemptOutcome.CANCELLED
          : AttemptOutcome.FAILURE, error);
    }

    @Override
    public void onCancel() {
      end(AttemptOutcome.CANCELLED, null);
    }

    private void end(AttemptOutcome outcome, @Nullable Throwable failure) {
      if (!ended.compareAndSet(false, true)) {
        return; // a cancel raced the stream's own end: the attempt ends once
      }
      run.call.events().attemptEnded(run.call, run.target, attempt, outcome, started, failure);
      TargetRun.end(hooks, outcome, failure, usage);
    }
  }
}
