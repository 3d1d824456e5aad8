package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.testing.PublicSurface;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The core module's public surface: no public type outside {@code dev.aigateway.core.internal}
 * shows an internal type, or a Failsafe, Caffeine, Bucket4j, jtokkit, SLF4J, Jackson or victools
 * type (structured output uses the last two inside), in a public or protected signature,
 * except the two clearly named {@code backend(ProxyManager)} methods that take a Bucket4j proxy
 * manager for distributed limits (and their getters); and its packages, with the api's, depend
 * on each other without cycles.
 */
class PublicSurfaceTest {
  private static final Set<String> THIRD_PARTY = Set.of("dev.failsafe",
      "com.github.benmanes.caffeine", "io.github.bucket4j", "com.knuddels", "org.slf4j",
      "com.fasterxml.jackson", "com.github.victools", "com.fasterxml.classmate");

  private static Path classes() throws URISyntaxException {
    return Path.of(AiGateway.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  private static boolean isBackend(Method m) {
    return m.getName().equals("backend")
        && m.getDeclaringClass().getPackageName().equals("dev.aigateway.core.ratelimit");
  }

  @Test
  void noPublicSignatureShowsAnInternalOrThirdPartyType() throws Exception {
    assertThat(PublicSurface.violations(classes(), THIRD_PARTY, PublicSurfaceTest::isBackend))
        .isEmpty();
  }

  @Test
  void theOneExceptionIsTheRateLimitBackendAndNothingElse() throws Exception {
    List<String> all = PublicSurface.violations(classes(), THIRD_PARTY, m -> false);
    assertThat(all).as("what the allowance hides").isNotEmpty().allSatisfy(v -> assertThat(v)
        .contains(".backend(").contains("io.github.bucket4j.distributed.proxy.ProxyManager"));
  }

  @Test
  void thePackagesHaveNoCycles() throws Exception {
    Map<String, Set<String>> graph = PublicSurface.packageGraph(classes(), "dev.aigateway");
    assertThat(graph).as("jdeps was read").containsKeys("dev.aigateway.core",
        "dev.aigateway.core.internal", "dev.aigateway.core.routing",
        "dev.aigateway.core.resilience", "dev.aigateway.core.cache",
        "dev.aigateway.core.ratelimit", "dev.aigateway.core.structured");
    assertThat(graph.get("dev.aigateway.core")).contains("dev.aigateway.core.internal");
    assertThat(graph.get("dev.aigateway.core.routing"))
        .as("the old routing <-> resilience cycle").contains("dev.aigateway.core.resilience");
    assertThat(graph.get("dev.aigateway.core.resilience"))
        .doesNotContain("dev.aigateway.core.routing", "dev.aigateway.core");
    assertThat(PublicSurface.cycles(graph)).isEmpty();
  }
}
