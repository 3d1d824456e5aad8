package dev.aigateway.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.testing.PublicSurface;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The kit's public surface hides what it is built on: no public signature shows a MockWebServer,
 * OkHttp, okio or Kotlin type, and Jackson only where it is the point, the parsed body of a
 * received request. (JUnit's types show on purpose: the vendor is an extension.)
 */
class PublicSurfaceTest {
  private static boolean isTheParsedBody(Method m) {
    return m.getDeclaringClass() == ReceivedRequest.class && m.getName().equals("body");
  }

  @Test
  void noPublicSignatureShowsTheServerOrTheHttpClientItIsBuiltOn() throws Exception {
    Path classes = Path.of(FakeVendor.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    Set<String> hidden = Set.of("mockwebserver3", "okhttp3", "okio", "kotlin", "com.fasterxml");
    assertThat(PublicSurface.violations(classes, hidden, PublicSurfaceTest::isTheParsedBody))
        .isEmpty();
    assertThat(PublicSurface.violations(classes, hidden, m -> false))
        .as("what the allowance hides").singleElement().asString()
        .contains("ReceivedRequest.body()").endsWith("shows com.fasterxml.jackson.databind.JsonNode");
  }
}
