package dev.aigateway.core.ratelimit;

import dev.aigateway.core.resilience.Sleeper;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** Time that moves only when a test advances it, or when a call "sleeps" on it. */
final class ManualTime implements TimeMeter, Sleeper {
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  void advance(Duration d) {
    nanos.addAndGet(d.toNanos());
  }

  @Override
  public long currentTimeNanos() {
    return nanos.get();
  }

  @Override
  public boolean isWallClockBased() {
    return false;
  }

  @Override
  public void sleep(Duration delay) {
    sleeps.add(delay);
    advance(delay);
  }
}
