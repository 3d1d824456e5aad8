package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.spi.Flows;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays a cached stream's chunks in their order, as fast as the subscriber asks and no faster,
 * then completes. One subscriber, like every stream of the gateway; chunks are delivered on the
 * thread that requests them.
 */
final class ReplayPublisher implements Flow.Publisher<ChatChunk> {
  private final List<ChatChunk> chunks;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ReplayPublisher(List<ChatChunk> chunks) {
    this.chunks = chunks;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    Replay replay = new Replay(subscriber, chunks);
    subscriber.onSubscribe(replay);
    replay.drain(); // an empty replay completes without demand
  }

  private static final class Replay implements Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final List<ChatChunk> chunks;
    private final AtomicLong requested = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile long invalidRequest; // 0 when there is none
    private int index; // touched only inside drain, which is serial

    Replay(Flow.Subscriber<? super ChatChunk> downstream, List<ChatChunk> chunks) {
      this.downstream = downstream;
      this.chunks = chunks;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalidRequest = n == 0 ? Long.MIN_VALUE : n;
      } else {
        Flows.addDemand(requested, n);
      }
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    /** Delivers what demand allows; re-entrant calls (request from onNext) only add a pass. */
    void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      int size = chunks.size();
      while (true) {
        if (cancelled) {
          return;
        }
        long bad = invalidRequest;
        if (bad != 0) {
          cancelled = true;
          downstream.onError(Flows.nonPositiveRequest(bad == Long.MIN_VALUE ? 0 : bad));
          return;
        }
        long demand = requested.get();
        long sent = 0;
        while (sent != demand && index < size) {
          if (cancelled) {
            return;
          }
          downstream.onNext(chunks.get(index++));
          sent++;
        }
        if (index == size) {
          if (!cancelled) {
            cancelled = true;
            downstream.onComplete();
          }
          return;
        }
        if (sent != 0 && demand != Long.MAX_VALUE) {
          requested.addAndGet(-sent);
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }
  }
}
