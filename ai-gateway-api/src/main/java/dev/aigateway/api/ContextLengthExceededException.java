package dev.aigateway.api;

import org.jspecify.annotations.Nullable;

/**
 * The prompt (plus the requested output) does not fit the model's context window. Not retryable
 * on the same model, but a model with a larger window may take it.
 */
public class ContextLengthExceededException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public ContextLengthExceededException(
      String provider, int statusCode, @Nullable String errorCode, String message,
      @Nullable Throwable cause) {
    super(provider, statusCode, errorCode, message, cause);
  }
}
