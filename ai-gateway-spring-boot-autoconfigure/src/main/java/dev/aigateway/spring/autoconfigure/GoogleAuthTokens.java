package dev.aigateway.spring.autoconfigure;

import dev.aigateway.googleauth.GoogleTokens;
import dev.aigateway.providers.auth.TokenSupplier;

/**
 * The one class that names ai-gateway-google-auth's: loaded only once the module is known to be
 * on the classpath (see {@link VertexAiProviders}).
 */
final class GoogleAuthTokens {
  private GoogleAuthTokens() {}

  /** Tokens from Google's application default credentials; a failure of {@code at} when none. */
  static TokenSupplier applicationDefault(String at) {
    try {
      return GoogleTokens.applicationDefault();
    } catch (IllegalStateException e) {
      // The message says where credentials were looked for; it holds none.
      throw new AiGatewayConfigurationException(at,
          "is not set, and ai-gateway-google-auth found " + e.getMessage(),
          "the name of the application's TokenSupplier bean, or application default "
              + "credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud auth application-default "
              + "login, or Google Cloud's metadata server)");
    }
  }
}
