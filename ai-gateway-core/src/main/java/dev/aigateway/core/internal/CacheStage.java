package dev.aigateway.core.internal;

import dev.aigateway.api.CacheMode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatObserver;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.GatewayEventListener.CacheOutcome;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.CacheStore;
import dev.aigateway.core.cache.ResponseCache;
import java.util.ArrayList;
import java.util.List;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The response cache stage of the pipeline: answers a request from the {@link CacheStore} when
 * an identical one was answered before, and shares one vendor call among identical requests that
 * arrive together. It sits between the per-client rate limit and routing, so it sees the model
 * as the application asked for it. Thread safe.
 *
 * <p><b>What makes two requests identical</b> ({@link CacheKey#of}): the model or route name as given,
 * the messages (role, text, image URLs, image bytes and media type, tool calls, tool call ids),
 * the tools, tool choice, response format, temperature, topP, maxTokens, stop sequences, seed
 * and the {@code extra} fields (in any key order). Not the client id (unless
 * {@link ResponseCache#partitionByClient()}), metadata, timeout, cache mode or attributes. Values
 * at their default count as absent: {@code toolChoice(auto())}, {@code responseFormat(text())}
 * and empty lists change nothing. The order of builder calls changes nothing, but the order of
 * messages, tools and stop sequences does.
 *
 * <p><b>When it applies.</b> A route's own setting ({@code Route.cache(Boolean)}) wins; a route
 * without one, and a model that names no route, follow {@link ResponseCache#enabledByDefault()}.
 * Per request, {@link CacheMode#BYPASS} neither reads nor writes and {@link CacheMode#REFRESH}
 * skips the read and stores the fresh answer.
 *
 * <p><b>Hits.</b> {@code chat()} gets the stored answer with {@link ChatResponse#fromCache()}
 * true, {@link ChatResponse#attempts()} 0 and the usage the vendor reported when it answered.
 * {@code stream()} gets a stored stream replayed chunk by chunk, in order, at the subscriber's
 * demand; a stored {@code chat()} answer is streamed as one chunk. {@code chat()} folds a stored
 * stream. The call records what the cache said ({@code cacheLookup} for its listener, and
 * {@code fromCache} for the stages above and the answer).
 *
 * <p><b>What is stored.</b> Complete answers only: a stream is recorded as it passes to the
 * subscriber (nothing is held back) and stored once it completes. Errors, streams that fail or
 * are cancelled, answers that finish with {@link FinishReason#CONTENT_FILTER}, and streams larger
 * than {@link ResponseCache#maxBytes()} are never stored.
 *
 * <p><b>Single flight.</b> A {@code chat()} request that misses while an identical one is in
 * flight waits for that call's answer instead of making its own (and is then answered as a hit:
 * {@code fromCache} true, 0 attempts), for no longer than its own deadline and until it is
 * cancelled. A stream never waits: its subscriber would get nothing until the other call ended,
 * so it makes its own call. A {@code chat()} call that can be cancelled ({@code chatAsync}) runs its
 * vendor call on the executor under a cancellation of its own, so that a caller who cancels only
 * stops waiting; the vendor call is cancelled when every caller waiting for it has gone. A
 * vendor error is shared with those waiting. A stream's vendor call stays its own subscriber's:
 * when that stream fails or is cancelled, whoever waited for it makes a call of their own.
 *
 * <p><b>A slow or failing store</b> never fails a call: see {@link CacheStore}.
 */
final class CacheStage implements ChatInterceptor {
  private static final Logger log = LoggerFactory.getLogger(CacheStage.class);

  private final ResponseCache config;
  private final Function<String, @Nullable Boolean> routeSetting;
  private final Function<ChatRequest, @Nullable Duration> deadline;
  // One of the two: the built-in store of objects, or the application's store of bytes.
  private final @Nullable InMemoryAnswers answers;
  private final @Nullable CacheStore store;
  private final Executor executor;
  private final long lookupTimeoutNanos;
  private final ConcurrentHashMap<CacheKey, Flight> flights = new ConcurrentHashMap<>();
  private final AtomicBoolean getFailureLogged = new AtomicBoolean();
  private final AtomicBoolean corruptLogged = new AtomicBoolean();
  volatile @Nullable Runnable joinListener; // for tests: runs when a caller joins a call in flight

  /**
   * A cache with {@code config}.
   *
   * @param routeSetting for the model a request names, the route's own setting: TRUE or FALSE,
   *     or null to follow {@link ResponseCache#enabledByDefault()}. Called on every request, so
   *     it must be quick and must not throw.
   * @param deadline for a request, the total deadline routing will give it (null for none): a
   *     caller waiting for an identical call in flight waits no longer
   * @param ticker the time the default in-memory store expires entries by
   * @param executor runs the shared vendor call of a cancellable {@code chatAsync}
   */
  CacheStage(ResponseCache config, Function<String, @Nullable Boolean> routeSetting,
      Function<ChatRequest, @Nullable Duration> deadline, Timing.Ticker ticker,
      Executor executor) {
    this.deadline = Objects.requireNonNull(deadline, "deadline");
    this.config = Objects.requireNonNull(config, "config");
    this.routeSetting = Objects.requireNonNull(routeSetting, "routeSetting");
    Objects.requireNonNull(ticker, "ticker");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.store = config.store();
    // Caffeine's maintenance stays on the calling thread: handing it to an executor made the
    // median no better and the p99 of hits and misses 5 to 10 times worse (README, the cache's
    // own cost), since every drain it schedules wakes a thread.
    this.answers = store != null ? null
        : new InMemoryAnswers(config.maxEntries(), config.maxBytes(), ticker, Runnable::run);
    this.lookupTimeoutNanos = config.lookupTimeout().toNanos();
  }

  /** The key {@code request} is cached under. */
  CacheKey keyOf(ChatRequest request) {
    return CacheKey.of(Objects.requireNonNull(request, "request"), config.partitionByClient());
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    RealCall call = (RealCall) chain.call();
    CacheMode mode = request.cacheMode();
    if (!enabledFor(request.model())) {
      return chain.proceed(request);
    }
    CacheOutcome earlier = call.cacheOutcome();
    if (call.resumed() && earlier != null) {
      // An inline run looked up already and moved to a worker: go on without a second lookup.
      return earlier == CacheOutcome.BYPASS ? chain.proceed(request)
          : callAndStore(chain, request, CacheKey.of(request, config.partitionByClient()), null);
    }
    if (mode == CacheMode.BYPASS) {
      call.cache(CacheOutcome.BYPASS);
      return chain.proceed(request);
    }
    CacheKey key = CacheKey.of(request, config.partitionByClient());
    if (mode == CacheMode.REFRESH) {
      call.cache(CacheOutcome.REFRESH);
      return callAndStore(chain, request, key, null);
    }
    CachedAnswer hit = lookup(key);
    if (hit != null) {
      call.cache(CacheOutcome.HIT);
      return hit.toResult(chain.isStreaming());
    }
    if (call.runsInline()) {
      // A thread that must not block neither waits for an identical call nor makes others wait.
      call.cache(CacheOutcome.MISS);
      return callAndStore(chain, request, key, null);
    }
    Flight flight = new Flight();
    Flight running = flights.putIfAbsent(key, flight);
    if (running != null) {
      if (chain.isStreaming()) {
        // A stream does not wait for an identical call: its subscriber would get nothing until
        // that call had ended. It makes its own.
        call.cache(CacheOutcome.MISS);
        return callAndStore(chain, request, key, null);
      }
      return follow(chain, call, request, key, running);
    }
    call.cache(CacheOutcome.MISS);
    if (chain.isStreaming() || !call.isCancellable()) {
      return callAndStore(chain, request, key, flight);
    }
    return leadShared(chain, call, request, key, flight);
  }

  private boolean enabledFor(String model) {
    Boolean own = routeSetting.apply(model);
    return own != null ? own : config.enabledByDefault();
  }

  /** Proceeds, stores a complete answer, and settles {@code flight} (may be null) with it. */
  private ChatResult callAndStore(
      Chain chain, ChatRequest request, CacheKey key, @Nullable Flight flight) {
    ChatResult result;
    try {
      result = chain.proceed(request);
    } catch (RuntimeException | Error e) {
      if (flight != null) {
        boolean abandoned = chain.isStreaming() || isCancellation(e, null);
        settle(key, flight, null, abandoned ? Abandoned.INSTANCE : e);
      }
      throw e;
    }
    if (result.isStream()) {
      return result.observe(new Recorder(key, flight));
    }
    CachedAnswer answer = CachedAnswer.of(result.response());
    save(key, answer);
    if (flight != null) {
      settle(key, flight, answer, null);
    }
    return result;
  }

  /**
   * Runs the vendor call for a cancellable {@code chat()} on the executor, under a cancellation
   * of its own, and waits for it like any other caller.
   */
  private ChatResult leadShared(
      Chain chain, RealCall call, ChatRequest request, CacheKey key, Flight flight) {
    Cancellation shared = new Cancellation();
    flight.shared = shared;
    // The rest of the chain runs on the executor, under the shared cancellation, while this
    // thread waits. Nothing else touches that chain meanwhile: the caller only waits, and a
    // chat() result needs no discarding.
    Chain sharedChain = ((RealChain) chain).withCall(call.withCancellation(shared));
    try {
      executor.execute(() -> runShared(sharedChain, request, key, flight, shared));
    } catch (RejectedExecutionException e) {
      settle(key, flight, null, Abandoned.INSTANCE);
      return callAndStore(chain, request, key, null);
    }
    CachedAnswer answer;
    try {
      answer = await(flight, call.cancellation(), call, deadline.apply(request));
    } finally {
      flight.leave();
    }
    if (answer == null) { // only if the shared call was abandoned while this caller still waited
      return callAndStore(chain, request, key, null);
    }
    return ChatResult.of(answer.response()); // the leader's own answer, as the vendor gave it
  }

  private void runShared(
      Chain chain, ChatRequest request, CacheKey key, Flight flight, Cancellation shared) {
    ChatResponse response;
    try {
      response = chain.proceed(request).response();
    } catch (Throwable t) {
      settle(key, flight, null, isCancellation(t, shared) ? Abandoned.INSTANCE : t);
      return;
    }
    CachedAnswer answer = CachedAnswer.of(response);
    save(key, answer);
    settle(key, flight, answer, null);
  }

  /** Waits for an identical call in flight; makes its own call when that one is abandoned. */
  private ChatResult follow(
      Chain chain, RealCall call, ChatRequest request, CacheKey key, Flight flight) {
    if (!flight.join()) {
      call.cache(CacheOutcome.MISS);
      return callAndStore(chain, request, key, null);
    }
    Runnable listener = joinListener;
    if (listener != null) {
      listener.run();
    }
    CachedAnswer answer;
    try {
      answer = await(flight, call.isCancellable() ? call.cancellation() : null, call,
          deadline.apply(request));
    } finally {
      flight.leave();
    }
    if (answer == null) {
      call.cache(CacheOutcome.MISS);
      return callAndStore(chain, request, key, null);
    }
    call.cache(CacheOutcome.HIT);
    return answer.toResult(chain.isStreaming());
  }

  /**
   * The flight's answer, or null when its call was abandoned. The wait ends at the caller's own
   * deadline ({@code total} from its start, on the gateway's scheduler) and its cancellation.
   *
   * @throws CancellationException when this caller is cancelled or interrupted while waiting
   * @throws GatewayTimeoutException when the caller's deadline passed while waiting
   */
  private static @Nullable CachedAnswer await(Flight flight, @Nullable Cancellation callerCancel,
      RealCall call, @Nullable Duration total) {
    CompletableFuture<CachedAnswer> mine = new CompletableFuture<>();
    flight.answer.whenComplete((a, e) -> {
      if (e != null) {
        mine.completeExceptionally(e);
      } else {
        mine.complete(a);
      }
    });
    Cancellation.Registration registration =
        callerCancel == null ? null : callerCancel.onCancel(() -> mine.cancel(false));
    Timing.Scheduled timer = null;
    if (total != null) {
      long elapsed = call.timing().nanoTime() - call.startNanos();
      long left = RealCall.saturatedNanos(total) - Math.max(elapsed, 0);
      timer = call.timing().scheduler().schedule(() -> mine.completeExceptionally(
          new GatewayTimeoutException(null, GatewayTimeoutException.Phase.DEADLINE,
              "the call's deadline of " + total + " passed while it waited for an identical"
                  + " call in flight", null)), Math.max(left, 0));
    }
    try {
      return mine.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      CancellationException ce =
          new CancellationException("interrupted while waiting for an identical call");
      ce.initCause(e);
      throw ce;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Abandoned) {
        return null;
      }
      throw Flows.propagate(cause);
    } finally {
      if (registration != null) {
        registration.close();
      }
      if (timer != null) {
        timer.cancel();
      }
    }
  }

  private static boolean isCancellation(Throwable t, @Nullable Cancellation shared) {
    return t instanceof CancellationException
        || shared != null && shared.isCancelled()
        || Thread.currentThread().isInterrupted();
  }

  /** Completes {@code flight} with an answer or an error and lets later requests start anew. */
  private void settle(
      CacheKey key, Flight flight, @Nullable CachedAnswer answer, @Nullable Throwable error) {
    boolean first = answer != null
        ? flight.answer.complete(answer)
        : flight.answer.completeExceptionally(error);
    if (!first) {
      return; // a cancel raced the end of a stream; it was settled once already
    }
    flights.remove(key, flight);
    if (flight.shared == null) {
      flight.leave(); // the leader's own share; a shared call's leader leaves when it stops waiting
    }
  }

  /** The stored answer under {@code key}, or null for a miss, a slow store or a bad value. */
  private @Nullable CachedAnswer lookup(CacheKey key) {
    InMemoryAnswers local = answers;
    if (local != null) {
      return local.get(key); // objects: nothing to wait for, nothing to decode
    }
    CacheStore store = Objects.requireNonNull(this.store);
    byte[] value;
    try {
      CompletableFuture<byte @Nullable []> pending = store.get(key);
      value = pending.isDone()
          ? pending.getNow(null)
          : pending.get(lookupTimeoutNanos, TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CancellationException("interrupted while reading the response cache");
    } catch (TimeoutException e) {
      log.debug("cache lookup took longer than {}; treated as a miss", config.lookupTimeout());
      return null;
    } catch (ExecutionException | RuntimeException e) {
      Throwable cause = e instanceof ExecutionException || e instanceof CompletionException
          ? e.getCause() : e;
      logOnce(getFailureLogged, "cache lookup failed; treated as a miss: {}", cause);
      return null;
    }
    if (value == null) {
      return null;
    }
    try {
      return AnswerCodec.decode(value);
    } catch (AnswerCodec.CorruptValueException e) {
      logOnce(corruptLogged, "unreadable cache entry {}; treated as a miss: {}", key, e.getMessage());
      return null;
    }
  }

  /** Stores a complete answer unless the vendor filtered it. Never throws. */
  private void save(CacheKey key, CachedAnswer answer) {
    if (finishReasonOf(answer) == FinishReason.CONTENT_FILTER) {
      return;
    }
    try {
      InMemoryAnswers local = answers;
      if (local != null) {
        local.put(key, answer, config.ttl()); // as objects: nothing to encode
        return;
      }
      CacheStore store = Objects.requireNonNull(this.store);
      byte[] value = AnswerCodec.encode(answer);
      if (value.length > config.maxBytes()) {
        return;
      }
      store.put(key, value, config.ttl()).whenComplete((ok, e) -> {
        if (e != null) {
          log.warn("storing a cache entry failed: {}", e.toString());
        }
      });
    } catch (RuntimeException e) {
      log.warn("storing a cache entry failed: {}", e.toString());
    }
  }

  private static @Nullable FinishReason finishReasonOf(CachedAnswer answer) {
    if (!answer.isStream()) {
      return answer.response().finishReason();
    }
    FinishReason last = null;
    for (ChatChunk c : answer.chunks()) {
      if (c.finishReason() != null) {
        last = c.finishReason();
      }
    }
    return last;
  }

  private static void logOnce(AtomicBoolean logged, String message, Object... args) {
    if (logged.compareAndSet(false, true)) {
      log.warn(message + " (later ones are logged at DEBUG)", args);
    } else {
      log.debug(message, args);
    }
  }

  /** For tests: how many callers share the call in flight for {@code request}; 0 for none. */
  int callersWaitingFor(ChatRequest request) {
    Flight f = flights.get(keyOf(request));
    return f == null ? 0 : f.callers();
  }

  @Override
  public String toString() {
    return "CacheStage[" + config + "]";
  }

  /** Records a stream as it passes and stores it once it completes. */
  private final class Recorder implements ChatObserver {
    private final CacheKey key;
    private final @Nullable Flight flight; // may be null
    // Written on the delivering thread; onCancel may null it from another.
    private volatile @Nullable List<ChatChunk> chunks = new ArrayList<>(8);
    private long size;

    Recorder(CacheKey key, @Nullable Flight flight) {
      this.key = key;
      this.flight = flight;
    }

    @Override
    public void onChunk(ChatChunk chunk) {
      List<ChatChunk> kept = chunks;
      if (kept == null) {
        return; // too large to keep, or cancelled
      }
      size += 16 + 2L * chunk.textDelta().length();
      if (size > config.maxBytes()) {
        chunks = null;
        return;
      }
      // Stored without the marks of the call that recorded it; a replay is marked afresh.
      kept.add(kept.isEmpty() ? chunk.withCallOutcome(0, false) : chunk);
    }

    @Override
    public void onComplete(@Nullable ChatResponse ignored) {
      List<ChatChunk> kept = chunks;
      if (kept == null || kept.isEmpty()) {
        abandon();
        return;
      }
      CachedAnswer answer = CachedAnswer.ofChunks(kept);
      chunks = null;
      save(key, answer);
      if (flight != null) {
        settle(key, flight, answer, null);
      }
    }

    @Override
    public void onError(Throwable error) {
      abandon();
    }

    @Override
    public void onCancel() {
      abandon();
    }

    @Override
    public boolean needsResponse() {
      return false;
    }

    private void abandon() {
      chunks = null;
      if (flight != null) {
        settle(key, flight, null, Abandoned.INSTANCE);
      }
    }
  }

  /**
   * One vendor call that identical requests share. {@code answer} completes with the answer, the
   * error to share, or {@link Abandoned} (those waiting then call on their own).
   */
  private static final class Flight {
    final CompletableFuture<CachedAnswer> answer = new CompletableFuture<>();
    volatile @Nullable Cancellation shared; // set for a shared chatAsync call, before anyone can join
    private int callers = 1; // guarded by this; the leader; -1 once the call was cancelled

    synchronized boolean join() {
      if (callers <= 0 || answer.isCompletedExceptionally()) {
        return false;
      }
      callers++;
      return true;
    }

    void leave() {
      Cancellation toCancel = null;
      synchronized (this) {
        if (callers > 0 && --callers == 0 && !answer.isDone()) {
          callers = -1;
          toCancel = shared;
        }
      }
      if (toCancel != null) {
        toCancel.cancel(); // nobody waits any more
      }
    }

    synchronized int callers() {
      return Math.max(callers, 0);
    }
  }

  /** The signal that a flight's call was given up; never reaches a caller. */
  private static final class Abandoned extends RuntimeException {
    static final Abandoned INSTANCE = new Abandoned();

    private Abandoned() {
      super("the shared call was abandoned", null, false, false);
    }
  }
}
