package dev.aigateway.core.internal;

import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener.RescueKind;
import dev.aigateway.api.spi.Target;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's log of its calls, on the logger {@value #NAME} through SLF4J: one line per call
 * at DEBUG (route, target, outcome, attempts, durations, tokens, what the cache said), and
 * failovers, stream rescues and circuit changes at INFO. No line ever holds content or a key:
 * only the call's facts and the failures' type names. Each line is built only when its level
 * is enabled, so a quiet logger costs a level check.
 */
final class CallLog {
  static final String NAME = "dev.aigateway.calls";
  static final Logger LOG = LoggerFactory.getLogger(NAME);

  private CallLog() {}

  static void callEnded(CallInfo call, long elapsedNanos, long firstChunkNanos,
      @Nullable Throwable failure) {
    StringBuilder b = new StringBuilder(160);
    b.append("call #").append(call.callId()).append(call.isStreaming() ? " stream " : " chat ")
        .append(call.requestedModel());
    if (call.route() != null) {
      b.append(" route=").append(call.route());
    }
    Target t = call.target();
    if (t != null) {
      b.append(" target=").append(t);
    }
    b.append(" outcome=").append(failure == null ? "success"
        : failure instanceof CancellationException ? "cancelled"
        : "error(" + failure.getClass().getSimpleName() + ")");
    b.append(" attempts=").append(call.attempts());
    b.append(" duration=").append(millis(elapsedNanos)).append("ms");
    if (firstChunkNanos >= 0) {
      b.append(" firstChunk=").append(millis(firstChunkNanos)).append("ms");
    }
    if (call.cacheOutcome() != null) {
      b.append(" cache=").append(call.cacheOutcome().name().toLowerCase(java.util.Locale.ROOT));
    }
    Usage u = call.usage();
    if (u != null && !call.fromCache()) {
      b.append(" tokens=").append(u.inputTokens()).append('/').append(u.outputTokens());
    }
    LOG.debug(b.toString());
  }

  private static String millis(long nanos) {
    return Long.toString(Duration.ofNanos(nanos).toMillis());
  }

  static void failover(CallInfo call, Target from, Target to, Throwable cause) {
    if (LOG.isInfoEnabled()) {
      LOG.info("call #{} {}: failover {} -> {} after {}", call.callId(), call.requestedModel(),
          from, to, cause.getClass().getSimpleName());
    }
  }

  static void rescue(CallInfo call, Target from, Target to, Throwable cause, RescueKind kind) {
    if (LOG.isInfoEnabled()) {
      LOG.info("call #{} {}: stream rescued by {} {} -> {} after {}", call.callId(),
          call.requestedModel(), kind.name().toLowerCase(java.util.Locale.ROOT), from, to,
          cause.getClass().getSimpleName());
    }
  }

  static void circuit(Target target, CircuitState from, CircuitState to) {
    if (LOG.isInfoEnabled()) {
      LOG.info("circuit of {} {} -> {}", target, from, to);
    }
  }

  static void retry(CallInfo call, Target target, int next, Duration delay) {
    if (LOG.isDebugEnabled()) {
      LOG.debug("call #{} {}: retry {} as attempt {} after {}ms", call.callId(),
          call.requestedModel(), target, next, delay.toMillis());
    }
  }
}
