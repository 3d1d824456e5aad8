package dev.aigateway.core.observation;

import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.Target;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import org.jspecify.annotations.Nullable;

/**
 * The context of one attempt's observation, a child of its call's: the target it was sent to,
 * its number in the call, why it was made ({@link #kind()}), the vendor and server, and how it
 * ended. A sender context of kind {@code CLIENT}, without a carrier. Read by an {@link AttemptObservationConvention}; final when the observation stops.
 */
public final class AttemptObservationContext extends SenderContext<Object> {
  private final CallInfo call;
  private final Target target;
  private final String targetName;
  private final int attempt;
  private final String kind;
  private final String providerName;
  private final @Nullable String serverAddress;
  private final int serverPort;
  private volatile boolean ended;
  private volatile String outcome = "success";
  private volatile int httpStatus;
  private volatile @Nullable String errorType;

  AttemptObservationContext(CallInfo call, Target target, String targetName, int attempt,
      String kind,
      String providerName, @Nullable String serverAddress, int serverPort) {
    super((carrier, key, value) -> {}, Kind.CLIENT); // a client call; nothing to propagate into
    this.call = call;
    this.target = target;
    this.targetName = targetName;
    this.attempt = attempt;
    this.kind = kind;
    this.providerName = providerName;
    this.serverAddress = serverAddress;
    this.serverPort = serverPort;
  }

  /** The call this attempt belongs to. */
  public CallInfo call() {
    return call;
  }

  /** Where it was sent. */
  public Target target() {
    return target;
  }

  /** The target as {@code providerId/model}. */
  public String targetName() {
    return targetName;
  }

  /** Its number within the call, from 1. */
  public int attempt() {
    return attempt;
  }

  /**
   * Why it was made: {@code initial} (the call's first), {@code retry} (the same target again),
   * {@code failover} (the next candidate) or {@code rescue} (a stream that failed after its
   * first chunk goes on here).
   */
  public String kind() {
    return kind;
  }

  /** The target's vendor, as {@code ChatProvider.providerName()} says. */
  public String providerName() {
    return providerName;
  }

  /** The target's host, or null. */
  public @Nullable String serverAddress() {
    return serverAddress;
  }

  /** The target's port, or -1. */
  public int serverPort() {
    return serverPort;
  }

  /**
   * Whether it has ended, so that every value here is final (the observation is about to stop).
   * A convention asked before (at the start) may leave out what is not known yet.
   */
  public boolean isEnded() {
    return ended;
  }

  /** {@code success}, {@code error} or {@code cancelled}. */
  public String outcome() {
    return outcome;
  }

  /** The vendor's HTTP status when a failure carried one, else 0. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The failure's {@link ErrorTypes} value, or null when it succeeded. */
  public @Nullable String errorType() {
    return errorType;
  }

  void ended(String outcome, int httpStatus, @Nullable String errorType) {
    this.outcome = outcome;
    this.httpStatus = httpStatus;
    this.errorType = errorType;
    this.ended = true;
  }
}
