package dev.aigateway.spring.autoconfigure;

import static dev.aigateway.spring.autoconfigure.GatewayFactory.guarded;
import static dev.aigateway.spring.autoconfigure.GatewayFactory.guardedStep;

import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.anthropic.AnthropicVertexProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.gemini.VertexAiProvider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Provider;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.springframework.util.unit.DataSize;

/**
 * Makes a {@code vertex-ai} (Gemini) or {@code vertex-anthropic} (Claude) provider from its
 * properties, which the two read alike. The adapters are in ai-gateway-providers; only the default
 * tokens need the optional ai-gateway-google-auth, whose classes only {@link GoogleAuthTokens}
 * names, and which is asked for only when no {@code token-supplier} is set.
 */
final class VertexAiProviders {
  private VertexAiProviders() {}

  /** Sets a header on a builder. */
  private interface HeaderSetter<B> {
    void set(B builder, String name, String value);
  }

  /**
   * The setters both Vertex builders have, as method references, so that one reading of the
   * properties ({@link #build}) serves both.
   */
  private record Target<B>(B builder, BiConsumer<B, String> project,
      BiConsumer<B, String> location, BiConsumer<B, String> quotaProject,
      BiConsumer<B, String> apiVersion, BiConsumer<B, String> baseUrl, HeaderSetter<B> header,
      BiConsumer<B, Long> maxResponseSize, BiConsumer<B, TokenSupplier> tokenSupplier,
      Function<B, ChatProvider> build) {}

  static ChatProvider provider(String id, String at, Provider p, GatewayFactory.Beans beans) {
    return build(at, p, beans, "vertex-ai", new Target<>(VertexAiProvider.builder().id(id),
        VertexAiProvider.Builder::project, VertexAiProvider.Builder::location,
        VertexAiProvider.Builder::quotaProject, VertexAiProvider.Builder::apiVersion,
        VertexAiProvider.Builder::baseUrl, VertexAiProvider.Builder::header,
        VertexAiProvider.Builder::maxResponseSize, VertexAiProvider.Builder::tokenSupplier,
        VertexAiProvider.Builder::build));
  }

  static ChatProvider anthropic(String id, String at, Provider p, GatewayFactory.Beans beans) {
    AnthropicVertexProvider.Builder v = AnthropicVertexProvider.builder().id(id);
    String version = p.getAnthropicVersion();
    if (version != null) {
      guarded(at + ".anthropic-version", () -> v.version(version));
    }
    if (!p.getAnthropicBeta().isEmpty()) {
      guarded(at + ".anthropic-beta", () -> v.beta(p.getAnthropicBeta().toArray(String[]::new)));
    }
    Integer maxTokens = p.getDefaultMaxTokens();
    if (maxTokens != null) {
      guarded(at + ".default-max-tokens", () -> v.defaultMaxTokens(maxTokens));
    }
    return build(at, p, beans, "vertex-anthropic", new Target<>(v,
        AnthropicVertexProvider.Builder::project, AnthropicVertexProvider.Builder::location,
        AnthropicVertexProvider.Builder::quotaProject, AnthropicVertexProvider.Builder::apiVersion,
        AnthropicVertexProvider.Builder::baseUrl, AnthropicVertexProvider.Builder::header,
        AnthropicVertexProvider.Builder::maxResponseSize,
        AnthropicVertexProvider.Builder::tokenSupplier, AnthropicVertexProvider.Builder::build));
  }

  private static <B> ChatProvider build(String at, Provider p, GatewayFactory.Beans beans,
      String type, Target<B> v) {
    B b = v.builder();
    String project = p.getProject();
    if (project != null) {
      guardedStep(at + ".project", () -> v.project().accept(b, project));
    }
    String location = p.getLocation();
    if (location != null) {
      guardedStep(at + ".location", () -> v.location().accept(b, location));
    }
    String quotaProject = p.getQuotaProject();
    if (quotaProject != null) {
      guardedStep(at + ".quota-project", () -> v.quotaProject().accept(b, quotaProject));
    }
    String apiVersion = p.getApiVersion();
    if (apiVersion != null) {
      guardedStep(at + ".api-version", () -> v.apiVersion().accept(b, apiVersion));
    }
    String baseUrl = p.getBaseUrl();
    if (baseUrl != null) {
      v.baseUrl().accept(b, baseUrl);
    }
    p.getHeaders().forEach((name, value) -> guardedStep(at + ".headers." + name,
        () -> v.header().set(b, name, value)));
    DataSize max = p.getMaxResponseSize();
    if (max != null) {
      guardedStep(at + ".max-response-size", () -> v.maxResponseSize().accept(b, max.toBytes()));
    }
    v.tokenSupplier().accept(b, tokens(at + ".token-supplier", p.getTokenSupplier(), beans, type));
    if (project != null) {
      return guarded(at, () -> v.build().apply(b));
    }
    try {
      return v.build().apply(b); // the builder reads the project from GOOGLE_CLOUD_PROJECT
    } catch (IllegalArgumentException e) {
      throw new AiGatewayConfigurationException(at + ".project",
          "is missing, and the environment variable " + VertexAiProvider.PROJECT_VARIABLE
              + " gives no project (" + e.getMessage() + ")",
          "the Google Cloud project id, such as my-project");
    }
  }

  private static TokenSupplier tokens(String at, @Nullable String name,
      GatewayFactory.Beans beans, String type) {
    if (name != null) {
      return GatewayFactory.bean(at, name, TokenSupplier.class, beans);
    }
    if (!beans.hasClass(GatewayFactory.GOOGLE_AUTH_CLASS)) {
      throw new AiGatewayConfigurationException(at, "is not set, and type " + type + " then "
          + "needs dev.aigateway:ai-gateway-google-auth on the classpath (for Google's "
          + "application default credentials)", "the name of the application's TokenSupplier "
          + "bean, or add the dependency dev.aigateway:ai-gateway-google-auth");
    }
    return GoogleAuthTokens.applicationDefault(at); // loaded only now
  }
}
