package dev.aigateway.bedrock;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.testing.PublicSurface;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The bedrock module's public surface: one public type, whose signatures show no internal type of
 * the providers, and no OkHttp, okio, Jackson, Kotlin or AWS type, except the builder's
 * {@code httpClient(OkHttpClient)} and {@code credentialsProvider(AwsCredentialsProvider)}.
 */
class PublicSurfaceTest {
  private static final Set<String> THIRD_PARTY = Set.of(
      "okhttp3", "okio", "com.fasterxml", "kotlin", "software.amazon", "dev.aigateway.providers");

  private static Path classes() throws Exception {
    return Path.of(BedrockProvider.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
  }

  private static boolean allowed(Method m) {
    return m.getParameterCount() == 1 && (m.getName().equals("httpClient")
        && m.getParameterTypes()[0].getName().equals("okhttp3.OkHttpClient")
        || m.getName().equals("credentialsProvider") && m.getParameterTypes()[0].getName()
            .equals("software.amazon.awssdk.auth.credentials.AwsCredentialsProvider"));
  }

  @Test
  void noPublicSignatureShowsAnInternalOrThirdPartyTypeButTheTwoSetters() throws Exception {
    assertThat(PublicSurface.violations(classes(), THIRD_PARTY, PublicSurfaceTest::allowed))
        .isEmpty();
    List<String> all = PublicSurface.violations(classes(), THIRD_PARTY, m -> false);
    assertThat(all).hasSize(2)
        .anyMatch(v -> v.contains("$Builder.httpClient(okhttp3.OkHttpClient)"))
        .anyMatch(v -> v.contains("$Builder.credentialsProvider("));
  }
}
