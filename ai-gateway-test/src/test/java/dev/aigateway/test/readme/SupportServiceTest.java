package dev.aigateway.test.readme;

import static dev.aigateway.test.Vendor.ANTHROPIC;
import static dev.aigateway.test.Vendor.OPENAI;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.Secret;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import dev.aigateway.test.FakeVendor;
import dev.aigateway.test.Reply;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

// The test of the README's "Testing your own code: ai-gateway-test", exactly as it stands
// there from the class line to its closing brace (19 lines): a user's own service (see
// SupportService) tested for a chat, a stream and a failover. ReadmeInStepTest checks that the
// two stay the same.
class SupportServiceTest {
  @RegisterExtension final FakeVendor openai = new FakeVendor();
  @RegisterExtension final FakeVendor claude = new FakeVendor();
  @AutoClose final AiGateway gateway = AiGateway.builder()
      .provider(OpenAiProvider.builder().baseUrl(openai.baseUrl(OPENAI)).apiKey(Secret.of("sk-test")).build())
      .provider(AnthropicProvider.builder().baseUrl(claude.baseUrl(ANTHROPIC)).apiKey(Secret.of("sk-ant")).build())
      .route(Route.builder("support").target("openai", "gpt-4o").fallback("anthropic", "claude-haiku-4-5").build())
      .resilience(Resilience.builder().maxRetries(0).build()).build();
  final SupportService service = new SupportService(gateway);
  @Test void answersStreamsAndFailsOver() {
    openai.defaultReply(Reply.text("It ships today."));
    assertThat(service.answer("Where is my order?")).isEqualTo("It ships today.");        // a chat
    assertThat(service.streamAnswer("When?")).containsExactly("It ", "ships ", "today."); // a stream
    openai.enqueue(Reply.overloaded());                                                   // a failover
    claude.enqueue(Reply.text("Claude here."));
    assertThat(service.answer("Still there?")).isEqualTo("Claude here.");
    assertThat(openai.takeRequest().apiKey()).isEqualTo("sk-test");
  }
}
