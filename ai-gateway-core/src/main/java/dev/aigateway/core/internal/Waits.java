package dev.aigateway.core.internal;

import dev.aigateway.api.spi.Cancellation;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/** The gateway's one way to wait: on the call's sleeper, cut short by its cancellation. */
final class Waits {
  private Waits() {}

  /**
   * Waits {@code delay} on the call's {@link dev.aigateway.api.spi.Timing#sleeper()}.
   *
   * @throws CancellationException when the call is cancelled (or the thread interrupted) first;
   *     the interrupt flag is restored when the interrupt was not the call's own
   * @throws WouldBlock when the call runs inline, on a thread that must not block
   */
  static void pause(RealCall call, Duration delay, String what) {
    Cancellation cancellation = call.cancellation();
    if (cancellation.isCancelled()) {
      throw new CancellationException("the call was cancelled");
    }
    if (call.runsInline()) {
      throw new WouldBlock(what); // the caller keeps what it needs to go on
    }
    Thread thread = Thread.currentThread();
    try (Cancellation.Registration wake = cancellation.onCancel(thread::interrupt)) {
      call.timing().sleeper().sleep(delay);
    } catch (InterruptedException e) {
      if (cancellation.isCancelled()) {
        Thread.interrupted(); // ours, not the application's
        throw new CancellationException("the call was cancelled while " + what);
      }
      thread.interrupt();
      throw new CancellationException("interrupted while " + what);
    }
    if (cancellation.isCancelled()) {
      Thread.interrupted(); // a cancel that raced the end of the wait
      throw new CancellationException("the call was cancelled while " + what);
    }
  }
}
