package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.test.FakeVendor;
import dev.aigateway.test.ReceivedRequest;
import dev.aigateway.test.Reply;
import dev.aigateway.test.Vendor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The adapters' own settings reach the wire (OpenAI's organization, project and headers, sent
 * to the test kit's fake vendor), and the vendor-side budgets and the exhaustion policy come from
 * properties.
 */
class ProviderSettingsTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class));

  @Test
  void openAisSettingsAreSentOnTheWire() {
    try (FakeVendor vendor = new FakeVendor().defaultReply(Reply.text("hi"))) {
      runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
          "ai-gateway.providers.openai.api-key=sk-test-settings",
          "ai-gateway.providers.openai.base-url=" + vendor.baseUrl(Vendor.OPENAI),
          "ai-gateway.providers.openai.organization=org-42",
          "ai-gateway.providers.openai.project=proj-7",
          "ai-gateway.providers.openai.provider-name=x_ai",
          "ai-gateway.providers.openai.headers.X-Team=support").run(context -> {
            AiGateway gateway = context.getBean(AiGateway.class);
            assertThat(gateway.chat(ChatRequest.of("gpt-4o", "hello")).text()).isEqualTo("hi");
            assertThat(gateway.providers().get("openai").providerName()).isEqualTo("x_ai");
          });
      ReceivedRequest request = vendor.takeRequest();
      assertThat(request.headers("OpenAI-Organization")).containsExactly("org-42");
      assertThat(request.headers("OpenAI-Project")).containsExactly("proj-7");
      assertThat(request.headers("X-Team")).containsExactly("support");
      assertThat(request.headers("Authorization")).containsExactly("Bearer sk-test-settings");
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
        "ai-gateway.providers.openai.api-key=sk-test-settings",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=wait-then-reject").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.rate-limits.max-wait: is missing"));
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.providers.openai.api-key=sk-test-settings",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=queue").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.rate-limits.on-exhausted: is no policy"));
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.providers.openai.api-key=sk-test-settings",
        "ai-gateway.rate-limits.default.requests[0]=1/1s",
        "ai-gateway.rate-limits.on-exhausted=wait-then-proceed",
        "ai-gateway.rate-limits.max-wait=2s").run(context ->
            assertThat(context).hasNotFailed());
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.providers.openai.api-key=sk-test-settings",
        "ai-gateway.upstream-limits.providers.nope.requests-per-minute=5").run(context ->
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("ai-gateway.upstream-limits.providers.nope")
                .hasMessageContaining("names no provider"));
  }
}
