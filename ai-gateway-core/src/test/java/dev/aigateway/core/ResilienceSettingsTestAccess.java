package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.testing.ManualTiming;

/** Test helpers shared by the core's stream tests. */
final class ResilienceSettingsTestAccess {
  private ResilienceSettingsTestAccess() {}

  /**
   * Waits, bounded, until a stream's first-chunk watchdog is scheduled on the fake time: a worker
   * thread is starting the stream. This polls for a state; it never waits for a timeout.
   */
  static void awaitWatchdog(ManualTiming time) throws InterruptedException {
    for (int i = 0; i < 5_000 && time.pendingTasks() == 0; i++) {
      Thread.sleep(1);
    }
    assertThat(time.pendingTasks()).as("the watchdog is scheduled").isEqualTo(1);
  }
}
