package dev.aigateway.api.spi;

import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;

/**
 * The gateway's one source of time and chance, in the manner of Caffeine's {@code Ticker} and
 * {@code Scheduler}: a monotonic {@link Ticker} for deadlines, timeouts, cooldowns, TTLs, rate
 * windows and durations; a {@link Scheduler} for watchdogs; a {@link Sleeper} for backoff and
 * limit waits; the {@link RandomGenerator} for weighted splits and jitter; and a wall
 * {@link Clock}, read only where a wall time is meant (an HTTP {@code Retry-After} date).
 *
 * <p>Set one with {@code AiGateway.builder().timing(...)}; {@link #system()} unless set. Tests
 * inject one whose ticker they advance (the sleeper advancing it too, the scheduler running
 * what falls due), so nothing waits real time. Immutable and thread safe; each part must be too.
 */
public final class Timing {
  private static final Timing SYSTEM = new Builder().build();

  private final Ticker ticker;
  private final Sleeper sleeper;
  private final Scheduler scheduler;
  private final RandomGenerator random;
  private final Clock wallClock;

  private Timing(Builder b) {
    this.ticker = b.ticker;
    this.sleeper = b.sleeper;
    this.scheduler = b.scheduler;
    this.random = b.random;
    this.wallClock = b.wallClock;
  }

  /** Real time: {@link System#nanoTime}, {@link Thread#sleep}, one shared daemon timer thread, a
   * thread-local random and the UTC system clock. */
  public static Timing system() {
    return SYSTEM;
  }

  /** A builder that starts from {@link #system()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this timing. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The monotonic ticker. */
  public Ticker ticker() {
    return ticker;
  }

  /** What waits. */
  public Sleeper sleeper() {
    return sleeper;
  }

  /** What runs watchdogs. */
  public Scheduler scheduler() {
    return scheduler;
  }

  /** The random source for splits and jitter. */
  public RandomGenerator random() {
    return random;
  }

  /** The wall clock, for wall times only. */
  public Clock wallClock() {
    return wallClock;
  }

  /** {@code ticker().read()}. */
  public long nanoTime() {
    return ticker.read();
  }

  @Override
  public String toString() {
    return this == SYSTEM ? "Timing[system]" : "Timing[" + ticker + ", " + sleeper + ", "
        + scheduler + "]";
  }

  /** A monotonic source of nanoseconds; only differences between two reads mean anything. */
  @FunctionalInterface
  public interface Ticker {
    /** {@link System#nanoTime()}. */
    Ticker SYSTEM = System::nanoTime;

    /** The current reading, in nanoseconds. */
    long read();
  }

  /** Waits. Interrupted when the call it waits for is cancelled. */
  @FunctionalInterface
  public interface Sleeper {
    /** {@link Thread#sleep}. */
    Sleeper SYSTEM = d -> TimeUnit.NANOSECONDS.sleep(d.toNanos());

    /** Waits for {@code delay}. */
    void sleep(Duration delay) throws InterruptedException;
  }

  /** Runs a quick task later: a watchdog that only cancels or signals. */
  @FunctionalInterface
  public interface Scheduler {
    /** One shared daemon thread, {@code ai-gateway-timeouts}. */
    Scheduler SYSTEM = (task, delayNanos) -> {
      ScheduledFuture<?> f =
          GatewayExecutors.scheduler().schedule(task, delayNanos, TimeUnit.NANOSECONDS);
      return () -> f.cancel(false);
    };

    /**
     * Runs {@code task} once after {@code delayNanos} of the ticker's time.
     *
     * @return a handle whose {@code cancel} stops the task if it has not run
     */
    Scheduled schedule(Runnable task, long delayNanos);
  }

  /** A scheduled task. */
  @FunctionalInterface
  public interface Scheduled {
    /** Stops the task if it has not started; idempotent. */
    void cancel();
  }

  /** Builds a {@link Timing}; every part starts at the system's. Not thread safe. */
  public static final class Builder {
    private Ticker ticker = Ticker.SYSTEM;
    private Sleeper sleeper = Sleeper.SYSTEM;
    private Scheduler scheduler = Scheduler.SYSTEM;
    private RandomGenerator random = ThreadLocalRandomGenerator.INSTANCE;
    private Clock wallClock = Clock.systemUTC();

    private Builder() {}

    private Builder(Timing t) {
      ticker = t.ticker;
      sleeper = t.sleeper;
      scheduler = t.scheduler;
      random = t.random;
      wallClock = t.wallClock;
    }

    /** The monotonic ticker. */
    public Builder ticker(Ticker ticker) {
      this.ticker = Objects.requireNonNull(ticker, "ticker");
      return this;
    }

    /** What waits for backoff and rate limits. */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** What runs watchdogs (first-chunk timeouts). */
    public Builder scheduler(Scheduler scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /** The random source for splits and jitter; it must be thread safe. */
    public Builder random(RandomGenerator random) {
      this.random = Objects.requireNonNull(random, "random");
      return this;
    }

    /** The wall clock. */
    public Builder wallClock(Clock clock) {
      this.wallClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** The timing. */
    public Timing build() {
      return new Timing(this);
    }
  }

  /** {@link java.util.concurrent.ThreadLocalRandom} behind the thread-safe interface. */
  private enum ThreadLocalRandomGenerator implements RandomGenerator {
    INSTANCE;

    @Override
    public long nextLong() {
      return java.util.concurrent.ThreadLocalRandom.current().nextLong();
    }

    @Override
    public int nextInt(int bound) {
      return java.util.concurrent.ThreadLocalRandom.current().nextInt(bound);
    }

    @Override
    public double nextDouble() {
      return java.util.concurrent.ThreadLocalRandom.current().nextDouble();
    }
  }
}
