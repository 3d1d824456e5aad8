package dev.aigateway.core.internal;

import dev.aigateway.api.spi.Cancellation;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The future {@link AiGateway#chatAsync} returns. Unlike a plain {@link CompletableFuture},
 * cancelling it cancels the call's {@link Cancellation}, which aborts the provider's HTTP call,
 * and interrupts the thread running it, for application interceptors that block.
 */
final class AsyncCall<T> extends CompletableFuture<T> implements Runnable {
  private final Supplier<T> body;
  private final Cancellation cancellation;
  private @Nullable Thread runner; // guarded by this
  private boolean interruptedByCancel; // guarded by this

  AsyncCall(Supplier<T> body, Cancellation cancellation) {
    this.body = body;
    this.cancellation = cancellation;
  }

  @Override
  public void run() {
    synchronized (this) {
      if (isDone()) {
        return;
      }
      runner = Thread.currentThread();
    }
    try {
      complete(body.get());
    } catch (Throwable t) {
      completeExceptionally(t);
    } finally {
      boolean clear;
      synchronized (this) {
        runner = null;
        clear = interruptedByCancel;
      }
      if (clear) {
        Thread.interrupted(); // do not leave our interrupt on a pooled thread
      }
    }
  }

  @Override
  public boolean cancel(boolean mayInterruptIfRunning) {
    boolean cancelled = super.cancel(mayInterruptIfRunning);
    if (cancelled) {
      cancellation.cancel(); // aborts the provider's HTTP call, whatever the thread is doing
      synchronized (this) {
        if (runner != null) {
          interruptedByCancel = true;
          runner.interrupt();
        }
      }
    }
    return cancelled;
  }

  @Override
  public <U> CompletableFuture<U> newIncompleteFuture() {
    return new CompletableFuture<>();
  }
}
