package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.GatewayCall;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.GatewayEventListener.CacheOutcome;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The one object of one gateway call, as OkHttp's {@code RealCall}: made by the gateway for each
 * {@code chat}, {@code chatAsync} and {@code stream}, handed to every stage by the chain, and
 * holding the call's execution state. Stages write facts (the routing decision, the attempt in
 * progress, what the cache said, the answer's model and usage) and read the others'.
 *
 * <p>A view made by {@link #withCancellation} shares every fact but the cancellation: the cache
 * runs a shared vendor call under a cancellation of its own.
 *
 * <p>Thread safe: facts are volatile fields in {@link Facts}, written by whichever stage knows
 * them, in the call's order.
 */
public final class RealCall implements GatewayCall {
  private static final AtomicLong IDS = new AtomicLong();

  private final Facts facts;
  private final Cancellation cancellation;

  private RealCall(Facts facts, Cancellation cancellation) {
    this.facts = facts;
    this.cancellation = cancellation;
  }

  /** A new call of {@code request}; its listener is made by {@code listeners} at once. */
  public static RealCall create(ChatRequest request, boolean streaming, boolean cancellable,
      Timing timing, GatewayEventListener.Factory listeners, Cancellation cancellation) {
    Facts f = new Facts(IDS.incrementAndGet(), request, streaming, cancellable, timing,
        timing.nanoTime());
    RealCall call = new RealCall(f, cancellation);
    GatewayEventListener made;
    try {
      made = listeners.create(call);
    } catch (RuntimeException e) {
      Events.log.warn("the event listener factory threw; this call has no listener", e);
      made = null;
    }
    f.listener = made == null || made == GatewayEventListener.NONE ? Events.NONE
        : new Events(made);
    return call;
  }

  /** This call under {@code other} cancellation; every other fact is shared. */
  public RealCall withCancellation(Cancellation other) {
    return new RealCall(facts, Objects.requireNonNull(other, "cancellation"));
  }

  /** Whether anyone may cancel the call ({@code chatAsync} and streams; not plain chat). */
  boolean isCancellable() {
    return facts.cancellable;
  }

  /** The guarded listener, which never throws. */
  public Events events() {
    return facts.listener;
  }

  // ---- GatewayCall ----

  @Override
  public long callId() {
    return facts.id;
  }

  @Override
  public boolean isStreaming() {
    return facts.streaming;
  }

  @Override
  public ChatRequest request() {
    return facts.request;
  }

  @Override
  public String requestedModel() {
    return facts.request.model();
  }

  @Override
  public @Nullable String clientId() {
    return facts.request.clientId();
  }

  @Override
  public Cancellation cancellation() {
    return cancellation;
  }

  @Override
  public GatewayEventListener listener() {
    return facts.listener;
  }

  @Override
  public Timing timing() {
    return facts.timing;
  }

  @Override
  public long deadlineNanos() {
    return facts.deadlineNanos;
  }

  @Override
  public long startNanos() {
    return facts.startNanos;
  }

  @Override
  public @Nullable String route() {
    RoutingDecision d = facts.decision;
    return d == null ? null : d.route();
  }

  @Override
  public List<Target> candidates() {
    RoutingDecision d = facts.decision;
    return d == null ? List.of() : d.targets();
  }

  @Override
  public @Nullable Target target() {
    return facts.target;
  }

  @Override
  public int attempts() {
    return facts.attempts;
  }

  @Override
  public @Nullable CacheOutcome cacheOutcome() {
    return facts.cacheOutcome;
  }

  @Override
  public boolean fromCache() {
    return facts.fromCache;
  }

  @Override
  public @Nullable String provider() {
    return facts.provider;
  }

  @Override
  public @Nullable String responseModel() {
    return facts.responseModel;
  }

  @Override
  public @Nullable String responseId() {
    return facts.responseId;
  }

  @Override
  public @Nullable FinishReason finishReason() {
    return facts.finishReason;
  }

  @Override
  public @Nullable Usage usage() {
    return facts.usage;
  }

  @Override
  public int chunks() {
    return facts.chunks;
  }

  // ---- running inline, and going on after a move to a worker ----

  /**
   * Whether the call runs on a thread that must not block (a stream's requesting thread). A stage
   * that would wait throws {@link WouldBlock} instead, after leaving on the call what it needs to
   * go on; the publisher then runs the pipeline again on a worker, where each stage takes up its
   * state ({@link #takeAdmission}, {@link #decision}, {@link #takeResume}) instead of starting
   * over, so that nothing is charged, decided, sent or heard twice.
   */
  boolean runsInline() {
    return facts.inline;
  }

  void runsInline(boolean inline) {
    facts.inline = inline;
  }

  /** Whether this run goes on from where an inline run stopped (on a worker). */
  boolean resumed() {
    return facts.resumed;
  }

  /** Moves the call to a worker: it no longer runs inline, and goes on where it stopped. */
  void resumeOnWorker() {
    facts.inline = false;
    facts.resumed = true;
  }

  /** The rate limit's admission, kept while the call moves to a worker. */
  record Admission(Object quota, long estimate) {}

  void keepAdmission(Admission admission) {
    facts.admission = admission;
  }

  @Nullable Admission takeAdmission() {
    Admission a = facts.admission;
    facts.admission = null;
    return a;
  }

  /** Where failover stopped: the candidate, its retries so far, the wait before the next. */
  record Resume(int candidate, int retries, Duration delay,
      List<dev.aigateway.api.AllTargetsFailedException.FailedAttempt> failures,
      List<String> notes) {}

  void keepResume(Resume resume) {
    facts.resume = resume;
  }

  @Nullable Resume takeResume() {
    Resume r = facts.resume;
    facts.resume = null;
    return r;
  }

  // ---- what the stages write ----

  /** Routing's decision, with the deadline and timeouts it resolved. */
  void routed(RoutingDecision decision) {
    facts.decision = decision;
    Duration total = decision.timeouts().total();
    if (total != null) {
      long deadline = facts.startNanos + saturatedNanos(total);
      facts.deadlineNanos = deadline < facts.startNanos ? Long.MAX_VALUE : deadline;
    }
  }

  /** The routing decision, or null before routing. */
  @Nullable RoutingDecision decision() {
    return facts.decision;
  }

  /** Counts and starts the next attempt, at {@code target}; returns its number. */
  int beginAttempt(Target target, AttemptContext context) {
    int n = ++facts.attempts;
    facts.target = target;
    facts.attempt = context;
    return n;
  }

  /** The attempt in progress: its provider call context. */
  @Nullable AttemptContext attemptContext() {
    return facts.attempt;
  }

  /** What the cache said. */
  void cache(CacheOutcome outcome) {
    facts.cacheOutcome = outcome;
    if (outcome == CacheOutcome.HIT) {
      facts.fromCache = true;
    }
    facts.listener.cacheLookup(this, outcome);
  }

  // ---- for the gateway's own observation (core.observation), which is handed this call ----

  /**
   * Has {@code sink} told, for each chunk after a stream's first, the ticker's nanoseconds since
   * the chunk before it (on the delivering thread). Only the gateway's observation sets one, so
   * that a call nobody times reads no clock per chunk.
   */
  public void onChunkGaps(java.util.function.LongConsumer sink) {
    facts.gapSink = Objects.requireNonNull(sink, "sink");
  }

  /** The complete answer of a {@code chat()} call once it came, else null. */
  public @Nullable ChatResponse answer() {
    return facts.answer;
  }

  /** A stream's text delivered so far (since its last restart), or null for a chat call. */
  public @Nullable CharSequence streamedText() {
    return facts.streamedText;
  }

  void streamedText(CharSequence text) {
    facts.streamedText = text;
  }

  /** The answer's facts, from a complete response. */
  void answered(ChatResponse response) {
    facts.answer = response;
    facts.provider = response.provider();
    facts.responseModel = response.model();
    if (response.id() != null) {
      facts.responseId = response.id();
    }
    facts.finishReason = response.finishReason();
    if (response.usage() != null) {
      facts.usage = response.usage();
    }
  }

  /** The answer's facts, from one streamed chunk. Called on the delivering thread. */
  void streamed(dev.aigateway.api.ChatChunk chunk) {
    Facts f = facts;
    f.chunks++; // only the delivering thread writes it, one chunk at a time
    if (f.provider == null || !f.provider.equals(chunk.provider())) {
      f.provider = chunk.provider();
    }
    if (f.responseModel == null || !f.responseModel.equals(chunk.model())) {
      f.responseModel = chunk.model();
    }
    if (f.responseId == null && chunk.id() != null && !chunk.id().isEmpty()) {
      f.responseId = chunk.id();
    }
    if (chunk.finishReason() != null) {
      f.finishReason = chunk.finishReason();
    }
    if (chunk.usage() != null) {
      f.usage = chunk.usage();
      if (!f.fromCache) { // a replay spent no tokens
        f.listener.usage(this, chunk.usage());
      }
    }
    // After the facts, so that the gap is told with this chunk's vendor and model known.
    java.util.function.LongConsumer gaps = f.gapSink;
    if (gaps != null) {
      long now = f.timing.nanoTime();
      if (f.chunks > 1) {
        gaps.accept(now - f.lastChunkNanos);
      }
      f.lastChunkNanos = now;
    }
  }

  /** For the call log: when the first chunk came (ticker nanoseconds). */
  void firstChunkAt(long nanos) {
    facts.firstChunkAt = nanos - facts.startNanos;
  }

  /** For the call log: the first chunk's time since the start, or -1 when unknown. */
  long firstChunkNanos() {
    return facts.firstChunkAt;
  }

  /** The ticker's time since the call started. */
  Duration elapsed() {
    return Duration.ofNanos(facts.timing.nanoTime() - facts.startNanos);
  }

  static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "RealCall#" + facts.id + "[" + (facts.streaming ? "stream " : "chat ")
        + facts.request.model() + (facts.target == null ? "" : " -> " + facts.target)
        + ", attempts=" + facts.attempts + "]";
  }

  /** The facts a call and its views share. */
  private static final class Facts {
    final long id;
    final ChatRequest request;
    final boolean streaming;
    final boolean cancellable;
    final Timing timing;
    final long startNanos;
    volatile Events listener = Events.NONE;
    volatile long deadlineNanos = Long.MAX_VALUE;
    volatile @Nullable RoutingDecision decision;
    volatile @Nullable Target target;
    volatile @Nullable AttemptContext attempt;
    volatile int attempts;
    volatile @Nullable CacheOutcome cacheOutcome;
    volatile boolean fromCache;
    volatile @Nullable String provider;
    volatile @Nullable String responseModel;
    volatile @Nullable String responseId;
    volatile @Nullable FinishReason finishReason;
    volatile @Nullable Usage usage;
    volatile int chunks;
    volatile long firstChunkAt = -1;
    volatile java.util.function.@Nullable LongConsumer gapSink;
    long lastChunkNanos; // the delivering thread's alone
    volatile @Nullable ChatResponse answer;
    volatile @Nullable CharSequence streamedText;
    volatile boolean inline;
    volatile boolean resumed;
    volatile @Nullable Admission admission;
    volatile @Nullable Resume resume;

    Facts(long id, ChatRequest request, boolean streaming, boolean cancellable, Timing timing,
        long startNanos) {
      this.id = id;
      this.request = request;
      this.streaming = streaming;
      this.cancellable = cancellable;
      this.timing = timing;
      this.startNanos = startNanos;
    }
  }

}
