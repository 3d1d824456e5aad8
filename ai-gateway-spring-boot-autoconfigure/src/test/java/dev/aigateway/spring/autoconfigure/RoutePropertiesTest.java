package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.structured.InvalidOutput;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * What the builders can say per route and target, said in properties: content rules on the
 * named predicates, per-target overrides, the route's own retries and timeouts, and Azure's
 * Entra ID token supplier as a bean.
 */
class RoutePropertiesTest {
  private final FakeProvider a = new FakeProvider("a").onChat(r -> answer("a", r));
  private final FakeProvider b = new FakeProvider("b").onChat(r -> answer("b", r));

  private static ChatResponse answer(String provider, ChatRequest r) {
    return ChatResponse.builder().provider(provider).model(r.model()).text(provider)
        .finishReason(FinishReason.STOP).build();
  }

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
      .withBean("a", ChatProvider.class, () -> a)
      .withBean("b", ChatProvider.class, () -> b);

  @Test
  void rulesOverridesAndTheRoutesOwnResilience() {
    runner.withPropertyValues(
        "ai-gateway.routes.assist.targets[0].provider=a",
        "ai-gateway.routes.assist.targets[0].model=m1",
        "ai-gateway.routes.assist.rules[0].when.has-images=true",
        "ai-gateway.routes.assist.rules[0].targets[0].provider=b",
        "ai-gateway.routes.assist.rules[0].targets[0].model=vision",
        "ai-gateway.routes.assist.rules[0].targets[0].overrides.temperature=0.1",
        "ai-gateway.routes.assist.rules[0].targets[0].overrides.max-tokens=50",
        "ai-gateway.routes.assist.rules[1].when.metadata.tier=gold",
        "ai-gateway.routes.assist.rules[1].targets[0].provider=b",
        "ai-gateway.routes.assist.rules[1].targets[0].model=gold",
        "ai-gateway.routes.assist.resilience.max-retries=0",
        "ai-gateway.routes.assist.resilience.first-chunk-timeout=5s").run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.chat(ChatRequest.of("assist", "plain")).model()).isEqualTo("m1");
          assertThat(gateway.chat(ChatRequest.builder().model("assist").user("vip")
              .metadata("tier", "gold").build()).model()).isEqualTo("gold");
          ChatResponse vision = gateway.chat(ChatRequest.builder().model("assist")
              .message(Message.user(ContentPart.text("what is this?"),
                  ContentPart.imageUrl("https://example.com/cat.png"))).build());
          assertThat(vision.provider()).isEqualTo("b");
          assertThat(vision.model()).isEqualTo("vision");
          ChatRequest sent = b.chatRequests().get(b.chatRequests().size() - 1);
          assertThat(sent.temperature()).isEqualTo(0.1);
          assertThat(sent.maxTokens()).isEqualTo(50);
          Route route = gateway.routes().get("assist");
          assertThat(route.resilience().maxRetries()).isZero();
          assertThat(route.timeouts().firstChunk()).isEqualTo(Duration.ofSeconds(5));
        });
  }

  record Answer(String value) {}

  @Test
  void aRouteSaysWhatAnAnswerThatDoesNotFitLeadsTo() {
    java.util.concurrent.atomic.AtomicInteger calls =
        new java.util.concurrent.atomic.AtomicInteger();
    FakeProvider sloppy = new FakeProvider("sloppy").onChat(r -> ChatResponse.builder()
        .provider("sloppy").model(r.model())
        .text(calls.getAndIncrement() == 0 ? "The value is 42." : "{\"value\": \"42\"}")
        .finishReason(FinishReason.STOP).build());
    runner.withBean("sloppy", ChatProvider.class, () -> sloppy).withPropertyValues(
        "ai-gateway.routes.extract.targets[0].provider=sloppy",
        "ai-gateway.routes.extract.targets[0].model=m",
        "ai-gateway.routes.extract.on-invalid-output=retry-once",
        "ai-gateway.routes.strict.targets[0].provider=a",
        "ai-gateway.routes.strict.targets[0].model=m",
        "ai-gateway.routes.strict.fallbacks[0].provider=b",
        "ai-gateway.routes.strict.fallbacks[0].model=m",
        "ai-gateway.routes.strict.on-invalid-output=FAILOVER").run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.routes().get("extract").invalidOutput())
              .isEqualTo(InvalidOutput.RETRY_ONCE);
          assertThat(gateway.routes().get("strict").invalidOutput())
              .isEqualTo(InvalidOutput.FAILOVER);

          assertThat(gateway.chat(ChatRequest.of("extract", "what?"), Answer.class))
              .isEqualTo(new Answer("42"));
          assertThat(sloppy.chatRequests()).as("asked once more").hasSize(2);
        });
  }

  @Test
  void withoutThePropertyAnAnswerThatDoesNotFitFails() {
    runner.withPropertyValues("ai-gateway.routes.r.targets[0].provider=a",
        "ai-gateway.routes.r.targets[0].model=m").run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.routes().get("r").invalidOutput()).isEqualTo(InvalidOutput.FAIL);
          assertThat(org.assertj.core.api.Assertions.catchThrowable(
              () -> gateway.chat(ChatRequest.of("r", "what?"), Answer.class)))
              .isInstanceOf(dev.aigateway.api.StructuredOutputException.class);
          assertThat(a.chatRequests()).hasSize(1);
        });
  }

  @Test
  void aRuleWithoutAConditionOrWithABadPatternIsNamed() {
    runner.withPropertyValues(
        "ai-gateway.routes.r.targets[0].provider=a", "ai-gateway.routes.r.targets[0].model=m",
        "ai-gateway.routes.r.rules[0].targets[0].provider=b",
        "ai-gateway.routes.r.rules[0].targets[0].model=m").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .isInstanceOf(AiGatewayConfigurationException.class)
              .hasMessageContaining("ai-gateway.routes.r.rules[0].when: has no condition");
        });
    runner.withPropertyValues(
        "ai-gateway.routes.r.targets[0].provider=a", "ai-gateway.routes.r.targets[0].model=m",
        "ai-gateway.routes.r.rules[0].when.metadata-matches.tier=gold(",
        "ai-gateway.routes.r.rules[0].targets[0].provider=b",
        "ai-gateway.routes.r.rules[0].targets[0].model=m").run(context -> {
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageContaining("ai-gateway.routes.r.rules[0].when.metadata-matches.tier")
              .hasMessageContaining("is not a regular expression");
        });
  }

  @Test
  void azureTakesItsEntraIdTokenSupplierFromABean() {
    TokenSupplier entra = () -> {
      throw new IllegalStateException("not called at startup");
    };
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("entra", TokenSupplier.class, () -> entra)
        .withPropertyValues("ai-gateway.providers.az.type=azure-openai",
            "ai-gateway.providers.az.base-url=https://my-resource.openai.azure.com",
            "ai-gateway.providers.az.token-supplier=entra",
            "ai-gateway.providers.az.deployments.gpt-4o=prod")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(AiGateway.class).providers().get("az").providerName())
              .isEqualTo("azure.ai.openai");
        });
    new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withPropertyValues("ai-gateway.providers.az.type=azure-openai",
            "ai-gateway.providers.az.base-url=https://my-resource.openai.azure.com",
            "ai-gateway.providers.az.token-supplier=missing")
        .run(context -> assertThat(context.getStartupFailure()).rootCause()
            .hasMessageContaining("ai-gateway.providers.az.token-supplier")
            .hasMessageContaining("names no TokenSupplier bean 'missing'"));
  }
}
