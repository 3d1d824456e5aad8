package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;

/**
 * The gateway in the actuator: the health indicator per route and target, the
 * {@code aigateway} endpoint, the key masking; and none of them without the actuator.
 */
class ActuatorTest {
  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class,
          AiGatewayActuatorAutoConfiguration.class))
      .withBean("a", ChatProvider.class, () -> a)
      .withBean("b", ChatProvider.class, () -> b)
      .withPropertyValues(
          "ai-gateway.routes.support.targets[0].provider=a",
          "ai-gateway.routes.support.targets[0].model=m1",
          "ai-gateway.routes.support.targets[0].weight=3",
          "ai-gateway.routes.support.fallbacks[0].provider=b",
          "ai-gateway.routes.support.fallbacks[0].model=m2",
          "ai-gateway.resilience.max-retries=0",
          "ai-gateway.resilience.failure-threshold=1");

  private static ProviderUnavailableException down(String who) {
    return new ProviderUnavailableException(who, 503, null, who + ": HTTP 503", null);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> route(Health health, String name) {
    return (Map<String, Object>) ((Map<String, Object>) health.getDetails().get("routes"))
        .get(name);
  }

  @Test
  void aRouteIsUpWhileATargetsCircuitIsNotOpenAndDownWhenAllAre() {
    runner.run(context -> {
      HealthIndicator health = context.getBean(AiGatewayHealthIndicator.class);
      assertThat(health.health().getStatus()).isEqualTo(Status.UP);
      assertThat(route(health.health(), "support")).containsEntry("status", "UP");

      a.onChat(r -> {
        throw down("a");
      });
      b.onChat(r -> {
        throw down("b");
      });
      AiGateway gateway = context.getBean(AiGateway.class);
      assertThat(catchThrowable(() -> gateway.chat(ChatRequest.of("support", "hi"))))
          .isNotNull();
      Health after = health.health();
      assertThat(after.getStatus()).isEqualTo(Status.DOWN);
      Map<String, Object> support = route(after, "support");
      assertThat(support).containsEntry("status", "DOWN");
      assertThat(support.get("targets").toString())
          .isEqualTo("{a/m1={circuit=OPEN, lastFailure=provider_unavailable}, "
              + "b/m2={circuit=OPEN, lastFailure=provider_unavailable}}");
      assertThat(after.toString()).doesNotContain("HTTP 503");
    });
  }

  @Test
  void theEndpointListsProvidersRoutesWeightsAndCircuits() {
    runner.run(context -> {
      Map<String, Object> out = context.getBean(AiGatewayEndpoint.class).gateway();
      assertThat(out.get("providers").toString()).isEqualTo("{a={vendor=a}, b={vendor=b}}");
      assertThat(out.get("routes").toString()).isEqualTo("{support={targets=[{provider=a, "
          + "model=m1, weight=3, circuit=CLOSED}], fallbacks=[{provider=b, model=m2, "
          + "circuit=CLOSED}]}}");
    });
  }

  @Test
  void keysAndHeadersAreMaskedWhateverShowValuesSays() {
    runner.run(context -> {
      List<SanitizingFunction> functions = context.getBeanProvider(SanitizingFunction.class)
          .orderedStream().toList();
      assertThat(functions).isNotEmpty();
      MapPropertySource source = new MapPropertySource("test", Map.of());
      for (String key : List.of("ai-gateway.providers.openai.api-key",
          "ai-gateway.providers.openai.apiKey", "aigateway.providers.x.api-key",
          "ai-gateway.providers.azure.headers.api-key",
          "ai-gateway.providers.openai.headers.Authorization")) {
        Object value = sanitize(functions, new SanitizableData(source, key, "sk-live-123"));
        assertThat(value).as(key).isEqualTo(SanitizableData.SANITIZED_VALUE);
      }
      for (String key : List.of("ai-gateway.providers.openai.base-url",
          "ai-gateway.providers.openai.api-key-env", "ai-gateway.routes.support.cache")) {
        Object value = sanitize(functions, new SanitizableData(source, key, "plain"));
        assertThat(value).as(key).isEqualTo("plain");
      }
    });
  }

  private static Object sanitize(List<SanitizingFunction> functions, SanitizableData data) {
    for (SanitizingFunction f : functions) {
      data = f.applyUnlessFiltered(data);
    }
    return data.getValue();
  }

  @Test
  void withoutTheActuatorThereIsNoneOfItAndTheGatewayWorks() {
    runner.withClassLoader(new FilteredClassLoader(HealthIndicator.class,
        SanitizingFunction.class, org.springframework.boot.actuate.endpoint.annotation.Endpoint
            .class)).run(context -> {
              assertThat(context).hasNotFailed();
              assertThat(context).hasSingleBean(AiGateway.class);
              assertThat(context).doesNotHaveBean(AiGatewayHealthIndicator.class)
                  .doesNotHaveBean(AiGatewayEndpoint.class)
                  .doesNotHaveBean(TargetFailures.class);
            });
  }
}
