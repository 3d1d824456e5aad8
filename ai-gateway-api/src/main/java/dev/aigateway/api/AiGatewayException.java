package dev.aigateway.api;

import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The root of every error the gateway throws or signals. Unchecked.
 *
 * <p>{@link #retryable()} says whether sending the same request again may succeed. A stream that
 * failed after some chunks had reached the subscriber carries the text received so far in
 * {@link #partialText()}.
 *
 * <p>No message ever contains a credential: adapters redact vendor keys from everything they put
 * into an exception.
 */
public class AiGatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final boolean retryable;
  private volatile @Nullable String partialText;

  /** An error with a message. */
  public AiGatewayException(String message, boolean retryable) {
    this(message, null, retryable);
  }

  /** An error with a message and a cause. */
  public AiGatewayException(String message, @Nullable Throwable cause, boolean retryable) {
    super(message, cause);
    this.retryable = retryable;
  }

  /** Whether the same request, sent again, may succeed. */
  public boolean retryable() {
    return retryable;
  }

  /**
   * The answer's text received before a stream failed, when the failure came after the first
   * chunk; empty otherwise.
   */
  public Optional<String> partialText() {
    return Optional.ofNullable(partialText);
  }

  /**
   * Records the text a stream had delivered before this error ended it. Like
   * {@link Throwable#initCause}, it may be set once; later calls are ignored. Returns this.
   */
  public AiGatewayException initPartialText(String text) {
    synchronized (this) {
      if (partialText == null && text != null) {
        partialText = text;
      }
    }
    return this;
  }
}
