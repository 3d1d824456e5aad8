package dev.aigateway.providers;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.testing.PublicSurface;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The providers module's public surface: no public type outside an {@code internal} package shows
 * an internal type, or an OkHttp, okio, Jackson or Kotlin type, in a public or protected
 * signature, except each builder's {@code httpClient(OkHttpClient)}; and its packages depend on
 * each other without cycles.
 */
class PublicSurfaceTest {
  private static final Set<String> THIRD_PARTY =
      Set.of("okhttp3", "okio", "com.fasterxml", "kotlin");

  private static Path classes() throws URISyntaxException {
    return Path.of(OpenAiProvider.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
  }

  private static boolean isHttpClientSetter(Method m) {
    return m.getName().equals("httpClient") && m.getParameterCount() == 1
        && m.getParameterTypes()[0].getName().equals("okhttp3.OkHttpClient");
  }

  @Test
  void noPublicSignatureShowsAnInternalOrThirdPartyType() throws Exception {
    assertThat(PublicSurface.violations(classes(), THIRD_PARTY,
        PublicSurfaceTest::isHttpClientSetter)).isEmpty();
  }

  @Test
  void theOneExceptionIsEachBuildersHttpClientAndNothingElse() throws Exception {
    List<String> all = PublicSurface.violations(classes(), THIRD_PARTY, m -> false);
    assertThat(all).as("what the allowance hides").hasSize(6).allSatisfy(v -> assertThat(v)
        .contains("$Builder.httpClient(okhttp3.OkHttpClient)")
        .endsWith("shows okhttp3.OkHttpClient"));
    assertThat(all).anyMatch(v -> v.startsWith("dev.aigateway.providers.openai.OpenAiProvider$"))
        .anyMatch(v -> v.startsWith("dev.aigateway.providers.azure.AzureOpenAiProvider$"))
        .anyMatch(v -> v.startsWith("dev.aigateway.providers.anthropic.AnthropicProvider$"))
        .anyMatch(v -> v.startsWith("dev.aigateway.providers.anthropic.AnthropicVertexProvider$"))
        .anyMatch(v -> v.startsWith("dev.aigateway.providers.gemini.GeminiProvider$"))
        .anyMatch(v -> v.startsWith("dev.aigateway.providers.gemini.VertexAiProvider$"));
  }

  @Test
  void thePackagesHaveNoCycles() throws Exception {
    Map<String, Set<String>> graph = PublicSurface.packageGraph(classes(), "dev.aigateway");
    assertThat(graph).as("jdeps was read").containsKeys(
        "dev.aigateway.providers.openai", "dev.aigateway.providers.openai.internal",
        "dev.aigateway.providers.azure", "dev.aigateway.providers.anthropic",
        "dev.aigateway.providers.gemini", "dev.aigateway.providers.internal");
    assertThat(graph.get("dev.aigateway.providers.openai"))
        .contains("dev.aigateway.providers.internal");
    assertThat(PublicSurface.cycles(graph)).isEmpty();
  }
}
