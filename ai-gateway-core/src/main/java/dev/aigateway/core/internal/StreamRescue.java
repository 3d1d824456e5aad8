package dev.aigateway.core.internal;

import dev.aigateway.api.AllTargetsFailedException.FailedAttempt;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.GatewayEventListener.RescueKind;
import dev.aigateway.api.spi.GatewayExecutors;
import dev.aigateway.core.resilience.FailureAction;
import dev.aigateway.core.routing.RouteTarget;
import dev.aigateway.core.routing.TokenEstimate;
import dev.aigateway.core.structured.StructuredOutput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * A stream whose first chunk has arrived, rescued when its vendor fails mid-answer. Made by the
 * failover stage around the attempt that answered; the stages above see one stream.
 *
 * <p>When the attempt's stream fails with a failure the classifier would have retried or failed
 * over (a cut connection, a stall, a vendor error event, a malformed event), the rescue goes
 * back to the candidates, on a gateway worker, within the call's deadline: first the candidates
 * after the one that failed, then, when the failure is retryable and its budget allows, the same
 * target again. Each new attempt goes through the target's stages (limits, breaker, bulkhead,
 * retries before its first chunk) like any other, and is spliced into the same subscriber:
 * <ul>
 *   <li>nothing of substance delivered yet (no text, no tool call): the original request, and
 *       the answer simply goes on;
 *   <li><b>continuation</b>, where the target takes an assistant prefill (its provider's
 *       {@code supportsAssistantPrefill()}, or the route target's override) and no tool call was
 *       streamed: the conversation plus {@code Message.assistant(text so far)} (trailing
 *       whitespace left out, as Anthropic requires, and not repeated), delivering only the new
 *       text. A continuation refused as an invalid request is a refused prefill: the same target
 *       is asked again from the start, and that refusal never becomes the call's error;
 *   <li><b>restart</b> otherwise, only when the subscriber said it understands restarts: the
 *       original request, after one {@link ChatChunk#restart restart chunk}.
 * </ul>
 * When no candidate can take over, the stream ends with the failure that broke it (the rescue's
 * own failures suppressed), which the gateway's publisher marks with the partial text. A
 * truncated answer never completes.
 *
 * <p>An answer that ended but does not fit the structured output its request asked for (a
 * {@link StructuredOutputException} in place of the stream's completion) follows the route's
 * {@code InvalidOutput} policy instead: RETRY_ONCE asks the same target once more, FAILOVER the
 * candidates after it, FAIL ends the stream with the error. A stream that asks for a structured
 * output is never continued from a prefill, whatever broke it (its answer is checked whole, per
 * attempt, and an answer that did not fit was whole, and wrong): when text had been delivered it
 * is a restart, so only for a subscriber that understands restarts.
 *
 * <p>The chunk carrying usage counts what was billed across the attempts: a failed attempt's
 * reported usage, or, when it broke before reporting any, an estimate (its request's
 * {@link TokenEstimate#approximate} input and its delivered text at four characters a token).
 *
 * <p>Demand is exact across attempts: what the subscriber asked for and did not get is asked of
 * the next attempt, less the restart chunk. Signals to the subscriber are serial: one attempt
 * delivers at a time, and the next is connected only after the previous one ended.
 */
final class StreamRescue implements Flow.Publisher<ChatChunk>, Flow.Subscription {
  private final FailoverStage stage;
  private final RealCall call;
  private final ChatInterceptor.Chain chain;
  private final RoutingDecision decision;
  private final List<FailedAttempt> failures;
  private final List<String> notes;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final AtomicBoolean terminated = new AtomicBoolean();

  // Demand the subscriber asked for and has not received, across attempts.
  private final AtomicLong requested = new AtomicLong();
  private final Object lock = new Object();
  private volatile @Nullable Leg leg; // the attempt delivering, or about to
  private volatile boolean cancelled;
  private volatile boolean invalidDemand;
  // A restart chunk waiting for demand, and the attempt to connect after it; guarded by lock.
  private @Nullable ChatChunk held;
  private @Nullable Leg heldLeg;
  private Flow.@Nullable Subscriber<? super ChatChunk> downstream;

  // The answer so far. Written by the delivering attempt, read by the rescue after that attempt
  // ended (the hand-over to the executor orders them).
  private final StringBuilder text = new StringBuilder();
  private boolean toolCalls;
  private @Nullable Usage billed;

  StreamRescue(FailoverStage stage, RealCall call, ChatInterceptor.Chain chain,
      RoutingDecision decision, TargetRun run, Flow.Publisher<ChatChunk> first,
      List<FailedAttempt> failures, List<String> notes, Executor executor) {
    this.stage = stage;
    this.call = call;
    this.chain = chain;
    this.decision = decision;
    this.failures = failures;
    this.notes = notes;
    this.executor = executor;
    this.leg = new Leg(run, run.request(), first, Mode.FRESH, false);
  }

  /** How an attempt takes over the answer. */
  private enum Mode {
    /** The original request: nothing of substance had been delivered. */
    FRESH,
    /** The conversation plus the text so far as an assistant prefill. */
    CONTINUATION,
    /** The original request, after a restart chunk. */
    RESTART
  }

  // ---- Publisher and Subscription, facing the stages above ----

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    downstream = subscriber;
    Leg first = Objects.requireNonNull(leg);
    first.source.subscribe(first);
    synchronized (lock) {
      connect(first);
    }
    subscriber.onSubscribe(this);
    first.forward();
  }

  @Override
  public void request(long n) {
    if (n <= 0) {
      invalidDemand = true; // the attempt answers it with onError, which is passed on as it is
      Leg l = leg;
      if (l != null && l.subscription != null) {
        l.subscription.request(n);
      } else {
        cancel();
        terminate(Flows.nonPositiveRequest(n));
      }
      return;
    }
    ChatChunk restart = null;
    Leg l;
    synchronized (lock) {
      Flows.addDemand(requested, n);
      if (held != null && takeOne()) {
        restart = held;
        l = heldLeg;
        held = null;
        heldLeg = null;
      } else {
        l = leg;
        if (l != null && l.connected) {
          Flows.addDemand(l.owed, n);
        }
      }
    }
    if (restart != null) {
      deliverRestart(restart, Objects.requireNonNull(l));
    } else if (l != null) {
      l.forward();
    }
  }

  @Override
  public void cancel() {
    cancelled = true;
    Leg l = leg;
    if (l != null) {
      l.cancel();
    }
  }

  /** Takes one unit of demand for a restart chunk; under lock. */
  private boolean takeOne() {
    return Flows.takeOne(requested);
  }

  /** Lets {@code l} deliver: it owes what the subscriber is still owed. Under lock. */
  private void connect(Leg l) {
    l.owed.set(requested.get());
    l.connected = true;
  }

  private void deliverRestart(ChatChunk restart, Leg next) {
    if (!cancelled) {
      Objects.requireNonNull(downstream).onNext(restart);
    }
    synchronized (lock) {
      connect(next);
    }
    next.forward();
  }

  private void terminate(@Nullable Throwable error) {
    if (!terminated.compareAndSet(false, true) || cancelled) {
      return;
    }
    Flow.Subscriber<? super ChatChunk> s = Objects.requireNonNull(downstream);
    if (error == null) {
      s.onComplete();
    } else {
      s.onError(error);
    }
  }

  // ---- the rescue ----

  /** {@code failed}'s stream broke with {@code cause}: rescue it, or end with the cause. */
  private void broke(Leg failed, Throwable cause) {
    FailureAction action = cause instanceof RuntimeException r
        ? AttemptStages.classify(failed.run, r) : FailureAction.FAIL;
    if (invalidDemand || action == FailureAction.FAIL || cancelled) {
      terminate(cause);
      return;
    }
    RuntimeException e = (RuntimeException) cause;
    billed = plus(billed, failed.billed());
    failed.run.failed(e, e instanceof StructuredOutputException
        ? "answered a stream of " + failed.delivered + " chunk(s) that does not fit"
        : "failed mid-stream after " + failed.delivered + " chunk(s)");
    try {
      executor.execute(() -> GatewayExecutors.runAsWorker(() -> rescue(failed, e, action)));
    } catch (RejectedExecutionException rejected) {
      e.addSuppressed(rejected);
      terminate(e);
    }
  }

  private void rescue(Leg failed, RuntimeException cause, FailureAction action) {
    try {
      if (!tryCandidates(failed, cause, action)) {
        terminate(cause);
      } else if (call.isCancelled() && leg == failed) {
        terminate(new java.util.concurrent.CancellationException(
            "the call was cancelled while its stream was being rescued"));
      }
    } catch (RuntimeException | Error bug) {
      cause.addSuppressed(bug);
      terminate(cause);
    }
  }

  /** Tries the candidates after {@code failed}, then its own target; true once one took over. */
  private boolean tryCandidates(Leg failed, RuntimeException cause, FailureAction action) {
    call.runsInline(false); // a worker: waits (backoff) are allowed here
    List<RouteTarget> candidates = decision.candidates();
    TargetRun from = failed.run;
    boolean invalid = cause instanceof StructuredOutputException;
    // A structured answer is checked whole, per attempt: a continuation's attempt would hold only
    // the rest of the JSON, so such a stream is restarted, never continued.
    boolean structured = StructuredOutput.expectedBy(chain.request()) != null;
    List<Integer> order = new ArrayList<>(candidates.size());
    if (!invalid || action == FailureAction.FAILOVER) {
      for (int i = from.index + 1; i < candidates.size(); i++) {
        if (!candidates.get(i).target().equals(from.target)) {
          order.add(i);
        }
      }
    }
    boolean sameAgain = invalid ? action == FailureAction.RETRY
        : action == FailureAction.RETRY
            && !from.circuitOpened && from.retriesUsed < from.settings.maxRetries();
    if (sameAgain) {
      order.add(from.index);
    }
    boolean substance = text.length() > 0 || toolCalls;
    for (int index : order) {
      RouteTarget candidate = candidates.get(index);
      Mode mode = !substance ? Mode.FRESH
          : !toolCalls && !structured && stage.takesPrefill(candidate) ? Mode.CONTINUATION
              : Mode.RESTART;
      if (mode == Mode.RESTART && !decision.streamRestarts()) {
        continue; // it could only restart the answer, which this subscriber does not expect
      }
      while (true) {
        if (cancelled || call.isCancelled()) {
          return true; // nothing more to deliver
        }
        TargetRun run = stage.newRun(call, chain, candidate, index, failures, notes);
        if (index == from.index && invalid) {
          run.retriesUsed = from.retriesUsed;
          run.invalidOutputRetried = true; // once, at once: see InvalidOutput.RETRY_ONCE
        } else if (index == from.index) {
          run.retriesUsed = from.retriesUsed + 1;
          run.pendingDelay = from.settings.backoff(run.retriesUsed, call.timing().random());
        }
        ChatRequest sent = mode == Mode.CONTINUATION
            ? withPrefill(chain.request(), prefill()) : chain.request();
        run.request(sent);
        call.events().streamRescue(call, from.target, candidate.target(), cause,
            mode == Mode.RESTART ? RescueKind.RESTART : RescueKind.CONTINUATION);
        ChatResult result;
        try {
          result = stage.attempt(run);
        } catch (TargetRun.Skipped s) {
          run.failed(s.detail, "skipped");
          call.events().targetSkipped(call, run.target, s.reason, s.detail);
          break;
        } catch (RuntimeException e) {
          if (cancelled || call.isCancelled()) {
            return true;
          }
          if (mode == Mode.CONTINUATION && e instanceof InvalidRequestException
              && !(e instanceof ContextLengthExceededException)) {
            // The vendor refused the prefill: not the call's error. Ask again from the start.
            if (decision.streamRestarts()) {
              mode = Mode.RESTART;
              continue;
            }
            break;
          }
          cause.addSuppressed(e);
          if (AttemptStages.classify(run, e) == FailureAction.FAIL) {
            return false;
          }
          break;
        }
        takeOver(run, sent, result.chunks(), mode, "the stream from " + from.target
            + " broke mid-answer (" + cause.getClass().getSimpleName()
            + "); the answer starts again from " + run.target);
        return true;
      }
    }
    return false;
  }

  /** The text so far, for a prefill: without its trailing whitespace, which vendors refuse. */
  private String prefill() {
    int end = text.length();
    while (end > 0 && Character.isWhitespace(text.charAt(end - 1))) {
      end--;
    }
    return text.substring(0, end);
  }

  private static ChatRequest withPrefill(ChatRequest request, String prefill) {
    List<Message> messages = new ArrayList<>(request.messages().size() + 1);
    messages.addAll(request.messages());
    messages.add(Message.assistant(prefill));
    return request.toBuilder().messages(messages).build();
  }

  /** Splices {@code source}, whose first chunk has arrived, into the subscriber. */
  private void takeOver(TargetRun run, ChatRequest sent, Flow.Publisher<ChatChunk> source,
      Mode mode, String reason) {
    Leg next = new Leg(run, sent, source, mode, true);
    if (mode == Mode.CONTINUATION) {
      int kept = prefill().length();
      next.skipWhitespace = text.length() - kept; // delivered already; the model may repeat it
    } else if (mode == Mode.RESTART) {
      text.setLength(0);
      toolCalls = false;
    }
    source.subscribe(next);
    ChatChunk restart = mode == Mode.RESTART
        ? ChatChunk.restart(run.target.providerId(), run.target.model(), reason) : null;
    boolean emitNow = false;
    synchronized (lock) {
      leg = next;
      if (restart == null) {
        connect(next);
      } else if (takeOne()) {
        emitNow = true;
      } else {
        held = restart;
        heldLeg = next;
      }
    }
    if (cancelled) {
      next.cancel();
      return;
    }
    if (emitNow) {
      deliverRestart(restart, next);
    } else if (restart == null) {
      next.forward();
    }
  }

  private static @Nullable Usage plus(@Nullable Usage a, @Nullable Usage b) {
    return a == null ? b : b == null ? a : a.plus(b);
  }

  /** One attempt's stream, as the rescue's subscriber of it. */
  private final class Leg implements Flow.Subscriber<ChatChunk> {
    final TargetRun run;
    final ChatRequest sent;
    final Flow.Publisher<ChatChunk> source;
    final Mode mode;
    final boolean rescued; // made by a rescue, not the call's first answering attempt
    // Demand to pass to this attempt, forwarded serially by whoever moves wip from 0.
    final AtomicLong owed = new AtomicLong();
    final AtomicInteger wip = new AtomicInteger();
    volatile boolean connected;
    volatile Flow.@Nullable Subscription subscription;
    private volatile boolean cancelledLeg;
    // The delivering thread's own.
    int delivered;
    int chars;
    int skipWhitespace;
    @Nullable Usage usage;

    Leg(TargetRun run, ChatRequest sent, Flow.Publisher<ChatChunk> source, Mode mode,
        boolean rescued) {
      this.rescued = rescued;
      this.run = run;
      this.sent = sent;
      this.source = source;
      this.mode = mode;
    }

    /** Passes what is owed to the attempt, once it is connected and subscribed. */
    void forward() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        Flow.Subscription s = subscription;
        if (s != null && connected && !cancelledLeg) {
          long n = owed.getAndSet(0);
          if (n > 0) {
            s.request(n);
          }
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    void cancel() {
      cancelledLeg = true;
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
    }

    /** What this attempt cost: its reported usage, or an estimate when it reported none. */
    Usage billed() {
      if (usage != null) {
        return usage;
      }
      return Usage.of(TokenEstimate.approximate(sent), (chars + 3) / 4);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (cancelledLeg || cancelled) {
        s.cancel();
        return;
      }
      forward();
    }

    @Override
    public void onNext(ChatChunk chunk) {
      if (cancelled || leg != this) {
        return;
      }
      if (requested.get() != Long.MAX_VALUE) {
        requested.decrementAndGet();
      }
      String delta = chunk.textDelta();
      if (skipWhitespace > 0 && !delta.isEmpty()) {
        int skip = 0;
        while (skip < delta.length() && skip < skipWhitespace
            && Character.isWhitespace(delta.charAt(skip))) {
          skip++;
        }
        skipWhitespace = skip < delta.length() ? 0 : skipWhitespace - skip;
        if (skip > 0) {
          delta = delta.substring(skip);
          ChatChunk trimmed = ChatChunk.of(chunk.id(), chunk.provider(), chunk.model(), delta,
              chunk.toolCallDeltas(), chunk.finishReason(), chunk.usage());
          if (!chunk.reasoningDelta().isEmpty() || chunk.reasoningEnd() != null) {
            trimmed = trimmed.withReasoning(chunk.reasoningDelta(), chunk.reasoningEnd());
          }
          if (chunk.refusalDelta() != null) {
            trimmed = trimmed.withRefusal(chunk.refusalDelta());
          }
          chunk = trimmed;
        }
      }
      text.append(delta);
      chars += delta.length();
      if (!chunk.toolCallDeltas().isEmpty()) {
        toolCalls = true;
      }
      if (chunk.usage() != null) {
        usage = chunk.usage();
        if (billed != null) {
          chunk = chunk.withUsage(billed.plus(chunk.usage()));
        }
      }
      if (delivered++ == 0 && rescued) {
        chunk = chunk.withCallOutcome(call.attempts(), false); // the attempts so far
      }
      Objects.requireNonNull(downstream).onNext(chunk);
    }

    @Override
    public void onError(Throwable error) {
      if (leg != this || cancelled) {
        return;
      }
      broke(this, error);
    }

    @Override
    public void onComplete() {
      if (leg != this) {
        return;
      }
      terminate(null);
    }
  }
}
