package dev.aigateway.core.resilience;

/** What the gateway does after an attempt failed; see {@link FailureClassifier}. */
public enum FailureAction {
  /** Try the same target again, within its retry budget; then fail over. */
  RETRY,
  /** Go to the next target at once: the same one would fail the same way, another may not. */
  FAILOVER,
  /** Stop and throw this failure: the request itself is wrong, or the call is over. */
  FAIL
}
