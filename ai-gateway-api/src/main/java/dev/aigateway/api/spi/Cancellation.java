package dev.aigateway.api.spi;

import dev.aigateway.api.AttributeKey;
import dev.aigateway.api.ChatRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * A call's cancellation signal, carried on the request under {@link #ATTRIBUTE}. The gateway
 * attaches one to every stream and every {@code chatAsync} call and cancels it when the
 * subscriber cancels or the future is cancelled. Whatever blocks on the call's behalf registers
 * a hook that aborts it ({@link #onCancel}): an adapter its HTTP call, a retry its backoff wait.
 * Thread safe; hooks run once, on the cancelling thread.
 */
public final class Cancellation {
  /** The request attribute that holds a call's cancellation. */
  public static final AttributeKey<Cancellation> ATTRIBUTE =
      AttributeKey.of("cancellation", Cancellation.class);

  private static final Registration NOTHING = () -> {};

  private List<Runnable> hooks = new ArrayList<>(2); // guarded by this; null once cancelled
  private volatile boolean cancelled;

  /** A new, uncancelled signal. */
  public Cancellation() {}

  /** The request's cancellation, or null when the call cannot be cancelled (a plain chat). */
  public static Cancellation of(ChatRequest request) {
    return request.attribute(ATTRIBUTE);
  }

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
