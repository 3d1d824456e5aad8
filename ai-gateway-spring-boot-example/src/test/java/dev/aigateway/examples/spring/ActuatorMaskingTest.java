package dev.aigateway.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The key stays masked in {@code /actuator/env} and {@code /actuator/configprops} even when the
 * application asks both to show values always, while the other gateway properties show.
 */
class ActuatorMaskingTest {
  private static final String KEY = "sk-live-visible-0123456789";

  @Test
  void theKeyIsMaskedWhateverShowValuesSays() throws Exception {
    try (ConfigurableApplicationContext app = SupportApplication.offline(
        new SpringApplication(SupportApplication.class)).run("--server.port=0",
            "--spring.main.banner-mode=off",
            "--ai-gateway.providers.openai.api-key=" + KEY,
            "--ai-gateway.providers.openai.headers.X-Tenant-Token=tenant-secret-987",
            "--management.endpoints.web.exposure.include=env,configprops",
            "--management.endpoint.env.show-values=always",
            "--management.endpoint.configprops.show-values=always")) {
      String base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
      HttpClient http = HttpClient.newHttpClient();
      for (String path : new String[] {"/actuator/env", "/actuator/configprops"}) {
        String body = http.send(HttpRequest.newBuilder(URI.create(base + path))
            .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(body).as(path).contains("ai-gateway").contains("gpt-4o-mini")
            .doesNotContain(KEY).doesNotContain("tenant-secret-987").contains("******");
      }
    }
  }
}
