package dev.aigateway.api.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A subscriber for tests. It records what it receives and checks the Reactive Streams rules a
 * publisher must keep with it: onSubscribe first and once, no onNext beyond the demand it
 * requested, no signal after a terminal one, no overlapping signals. Waiting methods block on
 * conditions with a timeout; nothing sleeps.
 */
public final class TestSubscriber<T> implements Flow.Subscriber<T> {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<T> items = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final AtomicBoolean inSignal = new AtomicBoolean();
  private final long initialRequest;
  private volatile Flow.Subscription subscription;
  private long outstanding;
  private int onSubscribeCalls;
  private Throwable error;
  private boolean completed;

  private TestSubscriber(long initialRequest) {
    this.initialRequest = initialRequest;
  }

  /** A subscriber that requests {@code n} as soon as it is subscribed (0 for none). */
  public static <T> TestSubscriber<T> requesting(long n) {
    return new TestSubscriber<>(n);
  }

  /** A subscriber that requests everything. */
  public static <T> TestSubscriber<T> unbounded() {
    return new TestSubscriber<>(Long.MAX_VALUE);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    enter("onSubscribe");
    try {
      lock.lock();
      try {
        onSubscribeCalls++;
        if (onSubscribeCalls > 1) {
          violations.add("onSubscribe called " + onSubscribeCalls + " times");
        }
        subscription = s;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    } finally {
      exit();
    }
    if (initialRequest > 0) {
      request(initialRequest);
    }
  }

  @Override
  public void onNext(T item) {
    enter("onNext");
    try {
      lock.lock();
      try {
        if (subscription == null) {
          violations.add("onNext before onSubscribe");
        }
        if (error != null || completed) {
          violations.add("onNext after a terminal signal");
        }
        if (outstanding == 0) {
          violations.add("onNext beyond demand (item " + (items.size() + 1) + ")");
        } else if (outstanding != Long.MAX_VALUE) {
          outstanding--;
        }
        items.add(item);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    } finally {
      exit();
    }
  }

  @Override
  public void onError(Throwable t) {
    terminal(t);
  }

  @Override
  public void onComplete() {
    terminal(null);
  }

  private void terminal(Throwable t) {
    enter(t == null ? "onComplete" : "onError");
    try {
      lock.lock();
      try {
        if (error != null || completed) {
          violations.add("a second terminal signal: " + (t == null ? "onComplete" : t));
        }
        if (t == null) {
          completed = true;
        } else {
          error = t;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    } finally {
      exit();
    }
  }

  private void enter(String signal) {
    if (!inSignal.compareAndSet(false, true)) {
      lock.lock();
      try {
        violations.add(signal + " overlapped another signal");
      } finally {
        lock.unlock();
      }
    }
  }

  private void exit() {
    inSignal.set(false);
  }

  /** Requests {@code n} more. */
  public void request(long n) {
    lock.lock();
    try {
      outstanding = outstanding + n < 0 || n == Long.MAX_VALUE ? Long.MAX_VALUE : outstanding + n;
    } finally {
      lock.unlock();
    }
    subscription.request(n);
  }

  /** Cancels the subscription. */
  public void cancel() {
    subscription.cancel();
  }

  /** Waits until the stream completed or failed. */
  public TestSubscriber<T> awaitTerminal(Duration timeout) {
    if (!await(() -> error != null || completed, timeout)) {
      throw new AssertionError("no terminal signal within " + timeout + "; got " + items.size()
          + " items");
    }
    return this;
  }

  /** Waits until at least {@code count} items arrived. */
  public TestSubscriber<T> awaitItems(int count, Duration timeout) {
    if (!await(() -> items.size() >= count || error != null || completed, timeout)) {
      throw new AssertionError("got " + items.size() + " of " + count + " items within " + timeout);
    }
    return this;
  }

  /** Waits until onSubscribe was called. */
  public TestSubscriber<T> awaitSubscribed(Duration timeout) {
    if (!await(() -> subscription != null, timeout)) {
      throw new AssertionError("not subscribed within " + timeout);
    }
    return this;
  }

  private boolean await(java.util.function.BooleanSupplier condition, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    lock.lock();
    try {
      while (!condition.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        changed.await(left, TimeUnit.NANOSECONDS);
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted", e);
    } finally {
      lock.unlock();
    }
  }

  /** The items so far. */
  public List<T> items() {
    lock.lock();
    try {
      return List.copyOf(items);
    } finally {
      lock.unlock();
    }
  }

  /** The error, or null. */
  public Throwable error() {
    lock.lock();
    try {
      return error;
    } finally {
      lock.unlock();
    }
  }

  /** Whether onComplete arrived. */
  public boolean isCompleted() {
    lock.lock();
    try {
      return completed;
    } finally {
      lock.unlock();
    }
  }

  /** Rule violations seen so far; empty when the publisher behaved. */
  public List<String> violations() {
    lock.lock();
    try {
      return List.copyOf(violations);
    } finally {
      lock.unlock();
    }
  }
}
