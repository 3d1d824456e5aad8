package dev.aigateway.spring.autoconfigure;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Assumptions;

/**
 * The application default credentials the tests' JVM sees. The pom points
 * {@code GOOGLE_APPLICATION_CREDENTIALS} at a file under {@code target} (and sets
 * {@code NO_GCE_CHECK}, so that google-auth-library never probes the metadata server), and
 * {@link #tokenServer()} writes there a made-up user credential whose token endpoint is a
 * MockWebServer on loopback. google-auth-library keeps the credentials it found for the rest of
 * the JVM, so there is one such server, and one file, for every test.
 */
final class GoogleAdc {
  static final String CLIENT_SECRET = "test-client-secret-0123456789";
  static final String REFRESH_TOKEN = "1//test-refresh-token-0123456789";

  private static MockWebServer server;

  private GoogleAdc() {}

  /**
   * The token endpoint of the credentials file, written on the first call; the test is skipped
   * when the JVM was not started with the pom's settings.
   */
  static synchronized MockWebServer tokenServer() {
    String file = System.getenv("GOOGLE_APPLICATION_CREDENTIALS");
    Assumptions.assumeTrue(file != null && "true".equals(System.getenv("NO_GCE_CHECK")),
        "the pom's surefire settings point GOOGLE_APPLICATION_CREDENTIALS at a test file");
    if (server == null) {
      try {
        MockWebServer s = new MockWebServer();
        s.start();
        Path path = Path.of(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, "{\"type\":\"authorized_user\","
            + "\"client_id\":\"test-client.apps.googleusercontent.com\","
            + "\"client_secret\":\"" + CLIENT_SECRET + "\","
            + "\"refresh_token\":\"" + REFRESH_TOKEN + "\","
            + "\"token_uri\":\"" + s.url("/token") + "\"}");
        server = s; // closed with the JVM
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return server;
  }
}
