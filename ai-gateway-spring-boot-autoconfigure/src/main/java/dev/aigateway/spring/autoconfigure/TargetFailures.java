package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.observation.ErrorTypes;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The kind of each target's last failed attempt ({@link ErrorTypes}' values), for the health
 * indicator: a listener the actuator configuration adds to the gateway. Only the type is kept,
 * never a message (which could echo a vendor's text). Thread safe.
 */
public final class TargetFailures implements GatewayEventListener {
  private final Map<Target, String> last = new ConcurrentHashMap<>();

  @Override
  public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
      Duration duration, int httpStatus, @Nullable Throwable failure) {
    if (outcome == AttemptOutcome.FAILURE) {
      last.put(target, ErrorTypes.of(failure));
    }
  }

  /** The kind of {@code target}'s last failure, or null when it never failed. */
  public @Nullable String lastFailure(Target target) {
    return last.get(target);
  }
}
