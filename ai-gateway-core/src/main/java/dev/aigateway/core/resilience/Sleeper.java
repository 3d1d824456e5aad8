package dev.aigateway.core.resilience;

import java.time.Duration;

/**
 * Waits between retries. The default sleeps; tests inject one that advances a fake clock, so that
 * backoff, cooldown and half-open are tested without waiting.
 */
@FunctionalInterface
public interface Sleeper {
  /** The real one: {@link Thread#sleep}. */
  Sleeper SYSTEM = d -> Thread.sleep(d.toMillis(), (int) (d.toNanos() % 1_000_000));

  /** Waits for {@code delay}; interrupted when the call is cancelled. */
  void sleep(Duration delay) throws InterruptedException;
}
