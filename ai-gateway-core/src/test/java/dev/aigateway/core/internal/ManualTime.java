package dev.aigateway.core.internal;

import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.ManualTiming;
import java.time.Duration;
import java.util.List;

/** Time that moves only when a test advances it, or when a call "sleeps" on it. */
final class ManualTime {
  private final ManualTiming manual = new ManualTiming();
  final List<Duration> sleeps = manual.sleeps;

  void advance(Duration d) {
    manual.advance(d);
  }

  /** The gateway's timing. */
  Timing timing() {
    return manual.timing();
  }

  /** The ticker. */
  Timing.Ticker ticker() {
    return manual.timing().ticker();
  }
}
