package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistryAssert;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

/**
 * Every condition of the auto-configuration, on Spring Boot's {@link ApplicationContextRunner}:
 * what beans exist for which properties, what the application's own beans replace or add, and
 * what the gateway built from them does.
 */
class AiGatewayAutoConfigurationTest {
  private static final String KEY = "sk-test-autoconfig-0123456789";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class));

  /** The YAML of the README, as properties. */
  private static final String[] MANY = {
      "ai-gateway.default-provider=openai",
      "ai-gateway.providers.openai.type=openai",
      "ai-gateway.providers.openai.api-key=${TEST_OPENAI_KEY}",
      "TEST_OPENAI_KEY=" + KEY,
      "ai-gateway.providers.openai.base-url=https://api.openai.com/v1",
      "ai-gateway.providers.claude.type=anthropic",
      "ai-gateway.providers.claude.api-key-env=ANTHROPIC_API_KEY",
      "ai-gateway.providers.azure.type=azure-openai",
      "ai-gateway.providers.azure.base-url=https://my-resource.openai.azure.com",
      "ai-gateway.providers.azure.api-key=az-key",
      "ai-gateway.providers.azure.deployments.gpt-4o=my-gpt4o-deployment",
      "ai-gateway.providers.gemini.type=gemini",
      "ai-gateway.providers.gemini.api-key=g-key",
      "ai-gateway.providers.groq.type=openai-compatible",
      "ai-gateway.providers.groq.preset=groq",
      "ai-gateway.providers.groq.api-key=gq-key",
      "ai-gateway.providers.vertex.type=vertex-ai",
      "ai-gateway.providers.vertex.project=my-project",
      "ai-gateway.providers.vertex.location=europe-west4",
      "ai-gateway.providers.aws.type=bedrock",
      "ai-gateway.providers.aws.region=us-east-1",
      "ai-gateway.routes.support.targets[0].provider=openai",
      "ai-gateway.routes.support.targets[0].model=gpt-4o",
      "ai-gateway.routes.support.targets[0].weight=90",
      "ai-gateway.routes.support.targets[1].provider=claude",
      "ai-gateway.routes.support.targets[1].model=claude-sonnet-4-5",
      "ai-gateway.routes.support.targets[1].weight=10",
      "ai-gateway.routes.support.fallbacks[0].provider=gemini",
      "ai-gateway.routes.support.fallbacks[0].model=gemini-2.5-flash",
      "ai-gateway.routes.support.sticky-by=tenant",
      "ai-gateway.routes.support.cache=true",
      "ai-gateway.resilience.max-retries=2",
      "ai-gateway.resilience.first-chunk-timeout=10s",
      "ai-gateway.resilience.deadline=60s",
      "ai-gateway.cache.enabled=true",
      "ai-gateway.cache.max-entries=50000",
      "ai-gateway.cache.max-bytes=256MB",
      "ai-gateway.cache.ttl=30m",
      "ai-gateway.rate-limits.default.requests[0]=10/1s",
      "ai-gateway.rate-limits.default.requests[1]=500/1m",
      "ai-gateway.rate-limits.default.tokens[0]=200000/1m",
      "ai-gateway.rate-limits.clients.acme.requests[0]=100/1s",
      "ai-gateway.rate-limits.clients.acme.allowed-models[0]=support",
      "ai-gateway.observability.client-tag=false",
      "ai-gateway.observability.capture-content=false",
      "ai-gateway.observability.prices=classpath:dev/aigateway/core/observation/example-prices.json",
  };

  private static ChatResponse answer(String provider, ChatRequest r) {
    return ChatResponse.builder().provider(provider).model(r.model()).text("hello from "
        + provider).finishReason(FinishReason.STOP).usage(Usage.of(3, 4)).build();
  }

  @Test
  void withoutProvidersThereIsNoGateway() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(AiGateway.class);
      assertThat(context).hasSingleBean(AiGatewayProperties.class);
    });
  }

  @Test
  void oneProviderIsOneGatewayAlsoInjectableAsChatClient() {
    runner.withPropertyValues("ai-gateway.providers.openai.type=openai",
        "ai-gateway.providers.openai.api-key=" + KEY).run(context -> {
          assertThat(context).hasSingleBean(AiGateway.class).hasSingleBean(ChatClient.class);
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(context.getBean(ChatClient.class)).isSameAs(gateway);
          assertThat(gateway.providers()).containsOnlyKeys("openai");
          assertThat(gateway.providers().get("openai").providerName()).isEqualTo("openai");
          assertThat(gateway.resolve("gpt-4o")).isEqualTo(new Target("openai", "gpt-4o"));
          assertThat(gateway.toString()).doesNotContain(KEY);
        });
  }

  @BeforeEach
  void googleCredentials() {
    GoogleAdc.tokenServer(); // for the README's vertex-ai provider, which has no token-supplier
  }

  @Test
  void theReadmesYamlMakesEveryProviderRouteAndStage() {
    runner.withPropertyValues(MANY).run(context -> {
      assertThat(context).hasNotFailed();
      AiGateway gateway = context.getBean(AiGateway.class);
      assertThat(gateway.providers()).containsOnlyKeys("openai", "claude", "azure", "gemini",
          "groq", "vertex", "aws");
      assertThat(gateway.providers().get("vertex").serverUri().getHost())
          .isEqualTo("europe-west4-aiplatform.googleapis.com");
      assertThat(gateway.providers().get("aws").serverUri().getHost())
          .isEqualTo("bedrock-runtime.us-east-1.amazonaws.com");
      assertThat(gateway.providers().get("claude").providerName()).isEqualTo("anthropic");
      assertThat(gateway.providers().get("azure").providerName()).isEqualTo("azure.ai.openai");
      assertThat(gateway.providers().get("groq").providerName()).isEqualTo("groq");
      assertThat(gateway.providers().get("groq").serverUri().getHost())
          .isEqualTo("api.groq.com");
      Route support = gateway.routes().get("support");
      assertThat(support.targets()).extracting(t -> t.target().toString() + "@" + t.weight())
          .containsExactly("openai/gpt-4o@90", "claude/claude-sonnet-4-5@10");
      assertThat(support.fallbacks()).extracting(t -> t.target().toString())
          .containsExactly("gemini/gemini-2.5-flash");
      assertThat(gateway.interceptors()).extracting(i -> i.getClass().getSimpleName())
          .contains("RateLimitStage", "CacheStage", "RoutingStage");
      assertThat(context.getBean(AiGatewayProperties.class).getProviders().get("openai")
          .toString()).doesNotContain(KEY).contains("[redacted]");
    });
  }

  @Test
  void anApplicationProviderBeanReplacesTheOneOfItsIdAndAnswers() {
    runner.withPropertyValues(MANY).withUserConfiguration(FakeOpenAi.class).run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      assertThat(gateway.providers().get("openai")).isInstanceOf(FakeProvider.class);
      ChatResponse r = gateway.chat(ChatRequest.of("openai/gpt-4o", "hi"));
      assertThat(r.text()).isEqualTo("hello from openai");
    });
  }

  @Test
  void anApplicationProviderBeanAloneIsEnough() {
    runner.withUserConfiguration(FakeOpenAi.class).run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      assertThat(gateway.providers()).containsOnlyKeys("openai");
      assertThat(gateway.chat(ChatRequest.of("gpt-4o", "hi")).text())
          .isEqualTo("hello from openai");
    });
  }

  @Test
  void anApplicationGatewayBeanReplacesOurs() {
    runner.withPropertyValues(MANY).withUserConfiguration(OwnGateway.class).run(context -> {
      assertThat(context).hasSingleBean(AiGateway.class);
      assertThat(context.getBean(AiGateway.class).providers()).containsOnlyKeys("own");
      assertThat(context).as("the properties' routes are never loaded into it")
          .doesNotHaveBean(AiGatewayRoutesReloader.class);
    });
  }

  @Test
  void interceptorBeansRunInTheirOrderAndCustomizersApply() {
    runner.withUserConfiguration(FakeOpenAi.class, Interceptors.class).run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      List<String> seen = context.getBean(Interceptors.class).seen;
      gateway.chat(ChatRequest.of("gpt-4o", "hi"));
      assertThat(seen).containsExactly("first", "second", "listener callEnd");
    });
  }

  @Test
  void theContextsRegistriesObserveTheGateway() {
    runner.withUserConfiguration(FakeOpenAi.class, Registries.class).run(context -> {
      context.getBean(AiGateway.class).chat(ChatRequest.of("gpt-4o", "hi"));
      SimpleMeterRegistry meters = context.getBean(SimpleMeterRegistry.class);
      assertThat(meters.get("gen_ai.client.operation.duration").timer().count()).isEqualTo(1);
      TestObservationRegistryAssert.assertThat(context.getBean(TestObservationRegistry.class))
          .hasObservationWithNameEqualTo("gen_ai.client.operation").that()
          .hasContextualNameEqualTo("chat gpt-4o");
    });
  }

  @Test
  void withoutRegistriesNothingIsObservedAndTheGatewayStillWorks() {
    runner.withUserConfiguration(FakeOpenAi.class).run(context -> {
      assertThat(context).doesNotHaveBean(SimpleMeterRegistry.class);
      assertThat(context.getBean(AiGateway.class).chat(ChatRequest.of("gpt-4o", "hi")).text())
          .isEqualTo("hello from openai");
    });
  }

  @Test
  void theGatewayIsClosedWithTheContext() {
    FakeOpenAi config = new FakeOpenAi();
    runner.withBean(FakeProvider.class, () -> config.fake).run(context -> {
      assertThat(context).hasSingleBean(AiGateway.class);
    });
    assertThat(config.fake.isClosed()).isTrue();
  }

  @Configuration(proxyBeanMethods = false)
  static class FakeOpenAi {
    final FakeProvider fake = new FakeProvider("openai").onChat(r -> answer("openai", r));

    @Bean
    ChatProvider openAi() {
      return fake;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnGateway {
    @Bean
    AiGateway ownGateway() {
      return AiGateway.builder().provider(new FakeProvider("own")).build();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Interceptors {
    final List<String> seen = new CopyOnWriteArrayList<>();

    @Bean
    @Order(2)
    ChatInterceptor second() {
      return chain -> {
        seen.add("second");
        return chain.proceed(chain.request());
      };
    }

    @Bean
    @Order(1)
    ChatInterceptor first() {
      return chain -> {
        seen.add("first");
        return chain.proceed(chain.request());
      };
    }

    @Bean
    AiGatewayBuilderCustomizer listener() {
      return builder -> builder.eventListener(new GatewayEventListener() {
        @Override
        public void callEnd(CallInfo call, Duration duration, Throwable failure) {
          seen.add("listener callEnd");
        }
      });
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Registries {
    @Bean
    SimpleMeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }

    @Bean
    TestObservationRegistry observationRegistry() {
      return TestObservationRegistry.create();
    }
  }
}
