package dev.aigateway.api.testing;

import dev.aigateway.api.spi.Timing;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Time that moves only when a test says so: a ticker the test {@link #advance}s, a sleeper that
 * records each wait and advances the ticker by it instead of waiting, a scheduler that runs what
 * falls due as time advances, a seeded random source, and a wall clock that moves with the
 * ticker. Hand {@link #timing()} to a gateway. Thread safe.
 */
public final class ManualTiming {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Instant epoch = Instant.parse("2026-11-25T10:00:00Z");
  private final PriorityQueue<Task> tasks = new PriorityQueue<>();
  private long sequence;
  /** Every wait the sleeper was asked for, in order. */
  public final List<Duration> sleeps = new CopyOnWriteArrayList<>();
  private final Timing timing;

  /** Time at an arbitrary start, with random seeded by 42. */
  public ManualTiming() {
    this(42);
  }

  /** Time whose random source is seeded by {@code seed}. */
  public ManualTiming(long seed) {
    Random random = new Random(seed);
    this.timing = Timing.builder()
        .ticker(nanos::get)
        .sleeper(d -> {
          sleeps.add(d);
          advance(d);
        })
        .scheduler(this::schedule)
        .random(random)
        .wallClock(new Wall())
        .build();
  }

  /** The timing to give the gateway. */
  public Timing timing() {
    return timing;
  }

  /** The ticker's reading. */
  public long nanoTime() {
    return nanos.get();
  }

  /** Moves time forward by {@code d}, running the scheduled tasks that fall due, in order. */
  public void advance(Duration d) {
    long target = nanos.get() + d.toNanos();
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.peek();
        if (next == null || next.at > target) {
          break;
        }
        tasks.poll();
      }
      if (next.at > nanos.get()) {
        nanos.set(next.at);
      }
      if (!next.cancelled) {
        next.task.run();
      }
    }
    if (target > nanos.get()) {
      nanos.set(target);
    }
  }

  /** How many scheduled tasks are waiting (cancelled ones excluded). */
  public synchronized int pendingTasks() {
    int n = 0;
    for (Task t : tasks) {
      if (!t.cancelled) {
        n++;
      }
    }
    return n;
  }

  /**
   * Waits until at least {@code count} tasks are waiting on the scheduler (another thread is
   * starting, say, a stream whose watchdog it schedules), at most {@code timeout} of real time.
   *
   * @return whether they were scheduled in time
   */
  public synchronized boolean awaitScheduled(int count, Duration timeout)
      throws InterruptedException {
    long end = System.nanoTime() + timeout.toNanos();
    while (pendingTasks() < count) {
      long left = end - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  private synchronized Timing.Scheduled schedule(Runnable task, long delayNanos) {
    Task t = new Task(nanos.get() + delayNanos, sequence++, task);
    tasks.add(t);
    notifyAll(); // for awaitScheduled
    return () -> t.cancelled = true;
  }

  private static final class Task implements Comparable<Task> {
    final long at;
    final long order;
    final Runnable task;
    volatile boolean cancelled;

    Task(long at, long order, Runnable task) {
      this.at = at;
      this.order = order;
      this.task = task;
    }

    @Override
    public int compareTo(Task o) {
      int c = Long.compare(at, o.at);
      return c != 0 ? c : Long.compare(order, o.order);
    }
  }

  private final class Wall extends Clock {
    @Override
    public Instant instant() {
      return epoch.plusNanos(nanos.get() - 1_000_000_000L);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public String toString() {
      return "ManualTiming.wall";
    }
  }

}
