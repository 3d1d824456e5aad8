package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.sun.net.httpserver.HttpServer;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The adapters' own settings reach the wire (OpenAI's organization, project and headers, sent
 * to a loopback server), and the vendor-side budgets and the exhaustion policy come from
 * properties.
 */
class ProviderSettingsTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class));

  @Test
  void openAisSettingsAreSentOnTheWire() throws Exception {
    List<Map<String, List<String>>> seen = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        0), 0);
    server.createContext("/v1/chat/completions", exchange -> {
      seen.add(Map.copyOf(exchange.getRequestHeaders()));
      exchange.getRequestBody().readAllBytes();
      byte[] body = ("{\"id\":\"c1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"message\":"
          + "{\"role\":\"assistant\",\"content\":\"hi\"},\"finish_reason\":\"stop\"}],"
          + "\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":1,\"total_tokens\":2}}")
          .getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
          "ai-gateway.providers.openai.api-key=sk-test-settings",
          "ai-gateway.providers.openai.base-url=http://127.0.0.1:" + server.getAddress().getPort()
              + "/v1",
          "ai-gateway.providers.openai.organization=org-42",
          "ai-gateway.providers.openai.project=proj-7",
          "ai-gateway.providers.openai.provider-name=x_ai",
          "ai-gateway.providers.openai.headers.X-Team=support").run(context -> {
            AiGateway gateway = context.getBean(AiGateway.class);
            assertThat(gateway.chat(ChatRequest.of("gpt-4o", "hello")).text()).isEqualTo("hi");
            assertThat(gateway.providers().get("openai").providerName()).isEqualTo("x_ai");
          });
      Map<String, List<String>> headers = seen.get(0);
      assertThat(headers.get("Openai-organization")).containsExactly("org-42");
      assertThat(headers.get("Openai-project")).containsExactly("proj-7");
      assertThat(headers.get("X-team")).containsExactly("support");
      assertThat(headers.get("Authorization")).containsExactly("Bearer sk-test-settings");
    } finally {
      server.stop(0);
    }
  }

  @Test
  void upstreamBudgetsSkipATargetOverItsBudget() {
    FakeProvider a = new FakeProvider("a").onChat(r -> ChatResponse.builder().provider("a")
        .model(r.model()).text("a").finishReason(FinishReason.STOP).build());
    runner.withBean("a", ChatProvider.class, () -> a)
        .withPropertyValues("ai-gateway.upstream-limits.providers.a.requests-per-minute=1")
        .run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.chat(ChatRequest.of("a/m", "one")).text()).isEqualTo("a");
          Throwable second = catchThrowable(() -> gateway.chat(ChatRequest.of("a/m", "two")));
          assertThat(second).isInstanceOf(ProviderRateLimitException.class);
          assertThat(((ProviderRateLimitException) second).errorCode())
              .isEqualTo("upstream_limit");
          assertThat(a.chatRequests()).hasSize(1);
        });
  }

  @Test
  void theExhaustionPolicyAndBadBudgetsAreNamed() {
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=wait-then-reject").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.rate-limits.max-wait: is missing"));
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=queue").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.rate-limits.on-exhausted: is no policy"));
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=wait-then-proceed",
        "ai-gateway.rate-limits.max-wait=2s").run(context ->
            assertThat(context).hasNotFailed());
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.upstream-limits.providers.nope.requests-per-minute=5").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.upstream-limits.providers.nope")
                .hasMessageContaining("names no provider"));
  }
}
