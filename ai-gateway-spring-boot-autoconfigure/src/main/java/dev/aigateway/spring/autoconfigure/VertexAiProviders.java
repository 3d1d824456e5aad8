package dev.aigateway.spring.autoconfigure;

import static dev.aigateway.spring.autoconfigure.GatewayFactory.guarded;

import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.gemini.VertexAiProvider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Provider;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * Makes a {@code vertex-ai} provider from its properties. The adapter is in ai-gateway-providers;
 * only the default tokens need the optional ai-gateway-google-auth, whose classes only
 * {@link GoogleAuthTokens} names, and which is asked for only when no {@code token-supplier} is
 * set.
 */
final class VertexAiProviders {
  private VertexAiProviders() {}

  static ChatProvider provider(String id, String at, Provider p, GatewayFactory.Beans beans) {
    VertexAiProvider.Builder v = VertexAiProvider.builder().id(id);
    String project = p.getProject();
    if (project != null) {
      guarded(at + ".project", () -> v.project(project));
    }
    String location = p.getLocation();
    if (location != null) {
      guarded(at + ".location", () -> v.location(location));
    }
    String quotaProject = p.getQuotaProject();
    if (quotaProject != null) {
      guarded(at + ".quota-project", () -> v.quotaProject(quotaProject));
    }
    String apiVersion = p.getApiVersion();
    if (apiVersion != null) {
      guarded(at + ".api-version", () -> v.apiVersion(apiVersion));
    }
    String baseUrl = p.getBaseUrl();
    if (baseUrl != null) {
      v.baseUrl(baseUrl);
    }
    p.getHeaders().forEach((name, value) -> guarded(at + ".headers." + name,
        () -> v.header(name, value)));
    DataSize max = p.getMaxResponseSize();
    if (max != null) {
      guarded(at + ".max-response-size", () -> v.maxResponseSize(max.toBytes()));
    }
    v.tokenSupplier(tokens(at + ".token-supplier", p.getTokenSupplier(), beans));
    if (project != null) {
      return guarded(at, v::build);
    }
    try {
      return v.build(); // the builder reads the project from GOOGLE_CLOUD_PROJECT
    } catch (IllegalArgumentException e) {
      throw new AiGatewayConfigurationException(at + ".project",
          "is missing, and the environment variable " + VertexAiProvider.PROJECT_VARIABLE
              + " gives no project (" + e.getMessage() + ")",
          "the Google Cloud project id, such as my-project");
    }
  }

  private static TokenSupplier tokens(String at, @Nullable String name,
      GatewayFactory.Beans beans) {
    if (name != null) {
      return GatewayFactory.bean(at, name, TokenSupplier.class, beans);
    }
    if (!beans.hasClass(GatewayFactory.GOOGLE_AUTH_CLASS)) {
      throw new AiGatewayConfigurationException(at, "is not set, and type vertex-ai then needs "
          + "dev.aigateway:ai-gateway-google-auth on the classpath (for Google's application "
          + "default credentials)", "the name of the application's TokenSupplier bean, or add "
          + "the dependency dev.aigateway:ai-gateway-google-auth");
    }
    return GoogleAuthTokens.applicationDefault(at); // loaded only now
  }
}
