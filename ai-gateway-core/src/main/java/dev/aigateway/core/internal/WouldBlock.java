package dev.aigateway.core.internal;

/**
 * The signal that a call running inline, on a thread that must not block (a stream's requesting
 * thread), reached a wait: the gateway's publisher then moves the call to a worker, where it goes
 * on from where it stopped (see {@link RealCall#runsInline()}). It never reaches a caller.
 */
final class WouldBlock extends RuntimeException {
  private static final long serialVersionUID = 1L;

  WouldBlock(String what) {
    super("a call running inline must not block " + what, null, false, false);
  }
}
