package dev.aigateway.api.spi;

/** The state of one target's circuit breaker. */
public enum CircuitState {
  /** Calls go through; failures are counted. */
  CLOSED,
  /** Calls are skipped without being sent, until the cooldown has passed. */
  OPEN,
  /** The cooldown has passed: a probe call goes through; its outcome closes or reopens. */
  HALF_OPEN
}
