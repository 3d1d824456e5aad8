package dev.aigateway.api.testing;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Flows;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory, rule-abiding publisher of chunks for tests: one subscriber, exact demand, no
 * recursion (a trampoline), optionally a failure after the chunks, optionally a gate that holds
 * the first chunk back, optionally emitting on another thread. It records what was requested and
 * whether it was cancelled.
 */
public final class ChunkPublisher implements Flow.Publisher<ChatChunk> {
  private final List<ChatChunk> chunks;
  private final Throwable failure;
  private final CountDownLatch gate;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  /** Counts down when the subscriber cancels. */
  public final CountDownLatch cancelled = new CountDownLatch(1);
  /** Counts down when the subscriber first requests. */
  public final CountDownLatch requested = new CountDownLatch(1);
  private final AtomicLong totalRequested = new AtomicLong();
  private final AtomicInteger emitted = new AtomicInteger();

  private ChunkPublisher(List<ChatChunk> chunks, Throwable failure, CountDownLatch gate,
      Executor executor) {
    this.chunks = List.copyOf(chunks);
    this.failure = failure;
    this.gate = gate;
    this.executor = executor;
  }

  /** Emits {@code chunks}, then completes. */
  public static ChunkPublisher of(List<ChatChunk> chunks) {
    return new ChunkPublisher(chunks, null, null, null);
  }

  /** Emits {@code chunks}, then fails with {@code failure}. */
  public static ChunkPublisher failingAfter(List<ChatChunk> chunks, Throwable failure) {
    return new ChunkPublisher(chunks, failure, null, null);
  }

  /** This publisher, emitting on {@code executor} and only after {@code gate} opens. */
  public ChunkPublisher gatedOn(CountDownLatch gate, Executor executor) {
    return new ChunkPublisher(chunks, failure, gate, executor);
  }

  /** This publisher, emitting on {@code executor}. */
  public ChunkPublisher on(Executor executor) {
    return new ChunkPublisher(chunks, failure, gate, executor);
  }

  /** {@code n} text chunks "w0 ", "w1 ", …, the last also carrying STOP and usage. */
  public static List<ChatChunk> words(String provider, String model, int n) {
    List<ChatChunk> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      boolean last = i == n - 1;
      list.add(ChatChunk.of("id-1", provider, model, "w" + i + " ", null,
          last ? FinishReason.STOP : null, last ? Usage.of(3, n) : null));
    }
    return list;
  }

  /** How many items subscribers requested in all. */
  public long totalRequested() {
    return totalRequested.get();
  }

  /** How many chunks were emitted. */
  public int emitted() {
    return emitted.get();
  }

  /** Whether a subscriber ever subscribed. */
  public boolean wasSubscribed() {
    return subscribed.get();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Flows.rejectAdditionalSubscriber(subscriber);
      return;
    }
    subscriber.onSubscribe(new Emission(subscriber));
  }

  private final class Emission implements Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean stopped;
    private volatile boolean invalid;
    private volatile long invalidDemand;
    private int index;
    private boolean done;

    Emission(Flow.Subscriber<? super ChatChunk> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      requested.countDown();
      if (n <= 0) {
        invalidDemand = n;
        invalid = true;
      } else {
        totalRequested.addAndGet(n);
        Flows.addDemand(demand, n);
      }
      if (executor == null) {
        drain();
      } else {
        executor.execute(this::drain);
      }
    }

    @Override
    public void cancel() {
      stopped = true;
      cancelled.countDown();
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      while (true) {
        if (gate != null && index == 0) {
          try {
            gate.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        while (!stopped && !done) {
          if (invalid) {
            done = true;
            subscriber.onError(Flows.nonPositiveRequest(invalidDemand));
            break;
          }
          if (index == chunks.size()) {
            done = true;
            if (failure != null) {
              subscriber.onError(failure);
            } else {
              subscriber.onComplete();
            }
            break;
          }
          long d = demand.get();
          if (d == 0) {
            break;
          }
          if (d != Long.MAX_VALUE) {
            demand.decrementAndGet();
          }
          emitted.incrementAndGet();
          subscriber.onNext(chunks.get(index++));
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}
