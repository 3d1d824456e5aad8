package dev.aigateway.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The example application as a user runs it: started offline on a random port, called over
 * real HTTP for a chat, for a stream read as server-sent events to its end, and for its
 * Prometheus scrape, health and gateway endpoint.
 */
class SupportApplicationTest {
  private static ConfigurableApplicationContext app;
  private static String base;
  private static final HttpClient http = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() {
    app = SupportApplication.offline(new SpringApplication(SupportApplication.class))
        .run("--server.port=0", "--spring.main.banner-mode=off");
    base = "http://127.0.0.1:" + app.getEnvironment().getProperty("local.server.port");
  }

  @AfterAll
  static void stop() {
    app.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void chatAnswersAsJson() throws Exception {
    HttpResponse<String> r = get("/chat?q=Where%20is%20my%20order%3F&client=acme");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).contains("\"answer\":\"Here is what I can tell you about")
        .contains("\"provider\":\"openai\"").contains("\"model\":\"gpt-4o-mini\"");
  }

  @Test
  void streamIsServerSentEventsReadToTheirEnd() throws Exception {
    HttpResponse<java.util.stream.Stream<String>> r = http.send(HttpRequest.newBuilder(
        URI.create(base + "/stream?q=How%20long%20does%20delivery%20take%3F"))
        .timeout(Duration.ofSeconds(20)).header("Accept", "text/event-stream").GET().build(),
        HttpResponse.BodyHandlers.ofLines());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/event-stream");
    List<String> lines = r.body().collect(Collectors.toList());
    List<String> events = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    String event = null;
    for (String line : lines) {
      if (line.startsWith("event:")) {
        event = line.substring(6).trim();
        events.add(event);
      } else if (line.startsWith("data:") && "chunk".equals(event)) {
        text.append(line.substring(5));
      }
    }
    assertThat(events).as("several chunks, then done, once").last().isEqualTo("done");
    assertThat(events.stream().filter("chunk"::equals).count()).isGreaterThan(3);
    assertThat(events.stream().filter("done"::equals).count()).isEqualTo(1);
    assertThat(text.toString().replace(" ", "")).isEqualTo(("Here is what I can tell you about"
        + " \"How long does delivery take?\": the gateway routed this through Spring Boot, one"
        + " word per chunk.").replace(" ", ""));
    assertThat(lines.stream().filter(l -> l.startsWith("data:")).reduce((a, b) -> b).get())
        .contains("openai gpt-4o-mini");
  }

  @Test
  void prometheusHealthAndTheGatewayEndpointShowTheGateway() throws Exception {
    get("/chat?q=warm%20up");
    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    assertThat(scrape.body()).contains("gen_ai_client_operation_duration_seconds_bucket")
        .contains("gen_ai_provider_name=\"openai\"").contains("ai_gateway_cost_total")
        .doesNotContain("stub-key");
    HttpResponse<String> health = get("/actuator/health");
    assertThat(health.body()).contains("\"aiGateway\"").contains("\"support\"")
        .contains("CLOSED");
    HttpResponse<String> endpoint = get("/actuator/aigateway");
    assertThat(endpoint.statusCode()).isEqualTo(200);
    assertThat(endpoint.body()).contains("\"support\"").contains("\"gpt-4o-mini\"")
        .doesNotContain("stub-key");
  }
}
