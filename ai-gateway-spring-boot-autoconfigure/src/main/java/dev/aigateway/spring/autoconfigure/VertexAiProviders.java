package dev.aigateway.spring.autoconfigure;

import static dev.aigateway.spring.autoconfigure.GatewayFactory.guarded;
import static dev.aigateway.spring.autoconfigure.GatewayFactory.guardedStep;

import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.anthropic.AnthropicVertexProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.gemini.VertexAiProvider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Provider;
import java.util.function.Supplier;
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

  /** The settings both Vertex builders take, so that one reading of the properties serves both. */
  private interface Target {
    void project(String project);

    void location(String location);

    void quotaProject(String quotaProject);

    void apiVersion(String apiVersion);

    void baseUrl(String baseUrl);

    void header(String name, String value);

    void maxResponseSize(long bytes);

    void tokenSupplier(TokenSupplier tokens);

    ChatProvider build();
  }

  static ChatProvider provider(String id, String at, Provider p, GatewayFactory.Beans beans) {
    VertexAiProvider.Builder v = VertexAiProvider.builder().id(id);
    return build(at, p, beans, "vertex-ai", new Target() {
      @Override public void project(String project) {
        v.project(project);
      }

      @Override public void location(String location) {
        v.location(location);
      }

      @Override public void quotaProject(String quotaProject) {
        v.quotaProject(quotaProject);
      }

      @Override public void apiVersion(String apiVersion) {
        v.apiVersion(apiVersion);
      }

      @Override public void baseUrl(String baseUrl) {
        v.baseUrl(baseUrl);
      }

      @Override public void header(String name, String value) {
        v.header(name, value);
      }

      @Override public void maxResponseSize(long bytes) {
        v.maxResponseSize(bytes);
      }

      @Override public void tokenSupplier(TokenSupplier tokens) {
        v.tokenSupplier(tokens);
      }

      @Override public ChatProvider build() {
        return v.build();
      }
    });
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
    return build(at, p, beans, "vertex-anthropic", new Target() {
      @Override public void project(String project) {
        v.project(project);
      }

      @Override public void location(String location) {
        v.location(location);
      }

      @Override public void quotaProject(String quotaProject) {
        v.quotaProject(quotaProject);
      }

      @Override public void apiVersion(String apiVersion) {
        v.apiVersion(apiVersion);
      }

      @Override public void baseUrl(String baseUrl) {
        v.baseUrl(baseUrl);
      }

      @Override public void header(String name, String value) {
        v.header(name, value);
      }

      @Override public void maxResponseSize(long bytes) {
        v.maxResponseSize(bytes);
      }

      @Override public void tokenSupplier(TokenSupplier tokens) {
        v.tokenSupplier(tokens);
      }

      @Override public ChatProvider build() {
        return v.build();
      }
    });
  }

  private static ChatProvider build(String at, Provider p, GatewayFactory.Beans beans,
      String type, Target v) {
    String project = p.getProject();
    if (project != null) {
      guardedStep(at + ".project", () -> v.project(project));
    }
    String location = p.getLocation();
    if (location != null) {
      guardedStep(at + ".location", () -> v.location(location));
    }
    String quotaProject = p.getQuotaProject();
    if (quotaProject != null) {
      guardedStep(at + ".quota-project", () -> v.quotaProject(quotaProject));
    }
    String apiVersion = p.getApiVersion();
    if (apiVersion != null) {
      guardedStep(at + ".api-version", () -> v.apiVersion(apiVersion));
    }
    String baseUrl = p.getBaseUrl();
    if (baseUrl != null) {
      v.baseUrl(baseUrl);
    }
    p.getHeaders().forEach((name, value) -> guardedStep(at + ".headers." + name,
        () -> v.header(name, value)));
    DataSize max = p.getMaxResponseSize();
    if (max != null) {
      guardedStep(at + ".max-response-size", () -> v.maxResponseSize(max.toBytes()));
    }
    v.tokenSupplier(tokens(at + ".token-supplier", p.getTokenSupplier(), beans, type));
    Supplier<ChatProvider> build = v::build;
    if (project != null) {
      return guarded(at, build::get);
    }
    try {
      return build.get(); // the builder reads the project from GOOGLE_CLOUD_PROJECT
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
