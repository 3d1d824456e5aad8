package dev.aigateway.core.ratelimit;

/**
 * What a call does when the limits' shared backend (Redis) cannot be reached while admitting
 * it. The default is {@link #FAIL_OPEN}: a limit store outage should not become an outage of
 * every call, and what it lets through is bounded by the outage and visible (each call so
 * admitted is an {@code UNCHECKED} rate-limit decision, counted in the metrics, and the outage
 * is logged once). {@link #FAIL_CLOSED} is for applications whose limits guard a hard budget.
 */
public enum BackendFailure {
  /** Admit the call unchecked; count it, and log the outage once. */
  FAIL_OPEN,
  /** Refuse the call with {@link dev.aigateway.api.RateLimitStoreUnavailableException}. */
  FAIL_CLOSED
}
