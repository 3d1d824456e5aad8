package dev.aigateway.api.spi;

import dev.aigateway.api.AiGatewayException;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small helpers for implementing the gateway's streaming contract in providers and interceptors.
 * All methods are thread safe.
 */
public final class Flows {
  private static final Flow.Subscription NOOP = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };

  private Flows() {}

  /** A subscription that ignores every call. */
  public static Flow.Subscription noopSubscription() {
    return NOOP;
  }

  /**
   * The one-subscriber rule of a publisher, in one place: true when {@code subscriber} is the
   * first (and {@code subscribed} is now set); otherwise it has been sent
   * {@code onError(IllegalStateException)} and the caller must do nothing more with it.
   *
   * @throws NullPointerException when {@code subscriber} is null (Reactive Streams rule 1.9)
   */
  public static boolean firstSubscriber(AtomicBoolean subscribed,
      Flow.Subscriber<?> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (subscribed.compareAndSet(false, true)) {
      return true;
    }
    rejectAdditionalSubscriber(subscriber);
    return false;
  }

  /**
   * Rejects a subscriber that came after the first: it receives {@code onSubscribe} with a no-op
   * subscription, then {@code onError(IllegalStateException)}, as the contract requires.
   */
  public static void rejectAdditionalSubscriber(Flow.Subscriber<?> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    subscriber.onSubscribe(NOOP);
    subscriber.onError(new IllegalStateException(
        "this publisher accepts one subscriber; call stream() again for another"));
  }

  /** A publisher that fails every subscriber with {@code error}. */
  public static <T> Flow.Publisher<T> failed(Throwable error) {
    Objects.requireNonNull(error, "error");
    return subscriber -> {
      Objects.requireNonNull(subscriber, "subscriber");
      subscriber.onSubscribe(NOOP);
      subscriber.onError(error);
    };
  }

  /** A subscriber that cancels as soon as it is subscribed, used to discard a stream. */
  public static <T> Flow.Subscriber<T> cancellingSubscriber() {
    return new Flow.Subscriber<>() {
      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.cancel();
      }

      @Override
      public void onNext(T item) {}

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onComplete() {}
    };
  }

  /**
   * Adds {@code n} to {@code demand}, capping at {@link Long#MAX_VALUE}, and returns the value
   * before the addition.
   */
  public static long addDemand(AtomicLong demand, long n) {
    while (true) {
      long current = demand.get();
      if (current == Long.MAX_VALUE) {
        return current;
      }
      long next = current + n;
      if (next < 0) {
        next = Long.MAX_VALUE;
      }
      if (demand.compareAndSet(current, next)) {
        return current;
      }
    }
  }

  /**
   * Takes one unit of {@code demand} for an item about to be delivered: false when there is none.
   * Unbounded demand ({@link Long#MAX_VALUE}) is never used up.
   */
  public static boolean takeOne(AtomicLong demand) {
    while (true) {
      long current = demand.get();
      if (current == 0) {
        return false;
      }
      if (current == Long.MAX_VALUE || demand.compareAndSet(current, current - 1)) {
        return true;
      }
    }
  }

  /** {@code a + b}, capped at {@link Long#MAX_VALUE}, for non-negative values. */
  public static long addCap(long a, long b) {
    long sum = a + b;
    return sum < 0 ? Long.MAX_VALUE : sum;
  }

  /** The error for a {@code request(n)} with {@code n <= 0}, as rule 3.9 requires. */
  public static IllegalArgumentException nonPositiveRequest(long n) {
    return new IllegalArgumentException(
        "Reactive Streams rule 3.9: request(n) needs n > 0 but got " + n);
  }

  /**
   * {@code error} as an unchecked exception to rethrow: runtime exceptions and errors as they
   * are, anything else wrapped in a non-retryable {@link AiGatewayException}.
   */
  public static RuntimeException propagate(Throwable error) {
    if (error instanceof RuntimeException re) {
      return re;
    }
    if (error instanceof Error e) {
      throw e;
    }
    return new AiGatewayException(error.toString(), error, false);
  }
}
