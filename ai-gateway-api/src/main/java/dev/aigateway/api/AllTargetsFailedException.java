package dev.aigateway.api;

import java.util.List;

/**
 * Every candidate target failed or was skipped. {@link #attempts()} lists each failure in the
 * order it happened, so that the cause of each is visible. Retryable when any of them was.
 */
public class AllTargetsFailedException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  private final transient List<FailedAttempt> attempts;

  /** An error listing {@code attempts}, which must not be empty. */
  public AllTargetsFailedException(String message, List<FailedAttempt> attempts) {
    super(message, attempts.isEmpty() ? null : attempts.get(attempts.size() - 1).error(),
        anyRetryable(attempts));
    this.attempts = List.copyOf(attempts);
  }

  private static boolean anyRetryable(List<FailedAttempt> attempts) {
    for (FailedAttempt a : attempts) {
      if (a.error() instanceof AiGatewayException e && e.retryable()) {
        return true;
      }
    }
    return false;
  }

  /** Each failure, in order; unmodifiable. */
  public List<FailedAttempt> attempts() {
    return attempts;
  }

  /**
   * One failed or skipped attempt.
   *
   * @param provider the provider's id
   * @param model the model asked of it
   * @param error why it failed or was skipped
   */
  public record FailedAttempt(String provider, String model, Throwable error) {}
}
