package dev.aigateway.core.structured;

/**
 * What a route does when an answer does not fit the structured output its request asked for
 * (a {@link dev.aigateway.api.StructuredOutputException}): {@code
 * Route.builder("extract")...onInvalidOutput(InvalidOutput.RETRY_ONCE)}. The answer is checked
 * per attempt, where it arrives, for {@code chat()} and for streams alike; only requests made with
 * {@link StructuredOutput#request} (or the gateway's typed {@code chat}) are checked.
 *
 * <p>Whatever the policy, an answer that does not fit is never cached, its attempt ends as a
 * failure whose {@code error.type} is {@code invalid_output}, its usage is still counted, and it
 * never counts against the target's circuit breaker (the vendor answered; the model missed).
 * The route's {@code FailureClassifier} is not asked about it: this policy decides.
 */
public enum InvalidOutput {
  /** The call fails with the {@code StructuredOutputException}. The default. */
  FAIL,
  /**
   * One more attempt on the same target, at once (no backoff, and not taken from the retry budget
   * for transient failures), when the problem is one another sample may fix (not JSON, or JSON
   * that does not fit); the second answer is used if it fits, and otherwise the call fails with
   * its error (for {@code chat()}, the first one suppressed in it). An answer cut at the output
   * limit, or refused, is not retried.
   */
  RETRY_ONCE,
  /**
   * The next candidate of the route (its fallbacks), as for a failed attempt; when none is left,
   * the call fails as any failed-over call does: with the error itself for a single candidate,
   * with {@code AllTargetsFailedException} listing every attempt for a {@code chat()} with
   * several, and with the last answer's error for a stream.
   */
  FAILOVER
}
