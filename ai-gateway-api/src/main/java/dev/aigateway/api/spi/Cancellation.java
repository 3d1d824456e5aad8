package dev.aigateway.api.spi;

import java.util.ArrayList;
import java.util.List;
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

  private @Nullable List<Runnable> hooks = new ArrayList<>(2); // guarded by this; null once cancelled
  private volatile boolean cancelled;

  /** A new, uncancelled signal. */
  public Cancellation() {}

  /** Whether the call was cancelled. */
  public boolean isCancelled() {
    return cancelled;
  }

  /** Cancels the call: runs every registered hook once. Later calls do nothing. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (hooks == null) {
        return;
      }
      cancelled = true;
      toRun = hooks;
      hooks = null;
    }
    RuntimeException failure = null;
    for (Runnable hook : toRun) {
      try {
        hook.run();
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
   * returned registration when the hook is no longer needed.
   */
  public Registration onCancel(Runnable hook) {
    synchronized (this) {
      if (hooks != null) {
        hooks.add(hook);
        return () -> {
          synchronized (this) {
            if (hooks != null) {
              hooks.remove(hook);
            }
          }
        };
      }
    }
    hook.run();
    return NOTHING;
  }

  /** A registered hook; closing it unregisters the hook. */
  @FunctionalInterface
  public interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
