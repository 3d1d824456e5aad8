package dev.aigateway.api.spi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A call's cancellation signal, held by its {@link GatewayCall} and handed to each provider
 * attempt in its {@link AttemptContext}. The gateway cancels it when a stream's subscriber
 * cancels or a {@code chatAsync} future is cancelled. Whatever blocks on the call's behalf registers
 * a hook that aborts it ({@link #onCancel}): an adapter its HTTP call, a retry its backoff wait.
 * Thread safe; hooks run once, on the cancelling thread.
 */
public final class Cancellation {
  private static final Registration NOTHING = () -> {};

  private @Nullable List<Hook> hooks = new ArrayList<>(2); // guarded by this; null once cancelled
  private volatile boolean cancelled;

  /** A new, uncancelled signal. */
  public Cancellation() {}

  /** Whether the call was cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Cancels the call: runs every registered hook once. Later calls do nothing. */
  public void cancel() {
    List<Hook> toRun;
    synchronized (this) {
      if (hooks == null) {
        return;
      }
      cancelled = true;
      toRun = hooks;
      hooks = null;
    }
    RuntimeException failure = null;
    for (Hook hook : toRun) {
      try {
        hook.fire();
      } catch (RuntimeException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * Runs {@code hook} when the call is cancelled, or at once if it already was. Close the
   * returned registration when the hook is no longer needed: once {@code close()} has returned,
   * the hook will not run and is not running (a {@code close()} that races {@code cancel()} waits
   * for the hook to finish), so a hook that interrupts a thread cannot reach it after its wait.
   */
  public Registration onCancel(Runnable hook) {
    Hook registered = new Hook(hook);
    synchronized (this) {
      if (hooks != null) {
        hooks.add(registered);
        return registered;
      }
    }
    hook.run();
    return NOTHING;
  }

  private synchronized void remove(Hook hook) {
    if (hooks != null) {
      hooks.remove(hook);
    }
  }

  /** A registered hook; closing it unregisters the hook. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    /**
     * Unregisters the hook. When {@code cancel()} has already taken it, waits until it has run
     * (unless called from within the hook itself).
     */
    @Override
    void close();
  }

  /** One hook: runs at most once, and never after its registration was closed. */
  private final class Hook implements Registration {
    private static final int WAITING = 0;
    private static final int RUNNING = 1;
    private static final int DONE = 2;
    private static final int CLOSED = 3;

    private final Runnable action;
    private final AtomicInteger state = new AtomicInteger(WAITING);
    private volatile @Nullable Thread runner;

    Hook(Runnable action) {
      this.action = action;
    }

    void fire() {
      if (!state.compareAndSet(WAITING, RUNNING)) {
        return; // closed first: the hook is no longer wanted
      }
      runner = Thread.currentThread();
      try {
        action.run();
      } finally {
        synchronized (this) {
          state.set(DONE);
          notifyAll();
        }
      }
    }

    @Override
    public void close() {
      if (state.compareAndSet(WAITING, CLOSED)) {
        remove(this);
        return;
      }
      if (runner == Thread.currentThread()) {
        return; // closed from within the hook: it is finishing on this very thread
      }
      boolean interrupted = false;
      synchronized (this) {
        while (state.get() == RUNNING) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true; // keep waiting: returning early is what this method prevents
          }
        }
      }
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
