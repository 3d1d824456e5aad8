package dev.aigateway.core;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The future {@link AiGateway#chatAsync} returns. Unlike a plain {@link CompletableFuture},
 * cancelling it interrupts the thread running the call, which aborts the call where the blocking
 * operation responds to interrupts (HTTP/2 exchanges, and any socket I/O on a virtual thread).
 */
final class AsyncCall<T> extends CompletableFuture<T> implements Runnable {
  private final Supplier<T> body;
  private Thread runner; // guarded by this
  private boolean interruptedByCancel; // guarded by this

  AsyncCall(Supplier<T> body) {
    this.body = body;
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
