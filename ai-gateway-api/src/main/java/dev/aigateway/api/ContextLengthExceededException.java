package dev.aigateway.api;

/**
 * The prompt (plus the requested output) does not fit the model's context window. Not retryable
 * on the same model, but a model with a larger window may take it.
 */
public class ContextLengthExceededException extends InvalidRequestException {
  private static final long serialVersionUID = 1L;

  /** See {@link ProviderException#ProviderException}. */
  public ContextLengthExceededException(
      String provider, int statusCode, String errorCode, String message, Throwable cause) {
    super(provider, statusCode, errorCode, message, cause);
  }
}
