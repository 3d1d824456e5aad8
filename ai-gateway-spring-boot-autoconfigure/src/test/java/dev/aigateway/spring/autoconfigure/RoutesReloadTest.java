package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.cloud.context.environment.EnvironmentChangeEvent;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Routes follow their properties at runtime: replaced, added and removed on a reload, all or
 * nothing when one is bad, on Spring Cloud's environment change event, and a call in flight
 * finishes on the route it started with.
 */
class RoutesReloadTest {
  private final FakeProvider a = new FakeProvider("a").onChat(r -> answer("a", r));
  private final FakeProvider b = new FakeProvider("b").onChat(r -> answer("b", r));
  private final Map<String, Object> live = new LinkedHashMap<>();

  private static ChatResponse answer(String provider, ChatRequest r) {
    return ChatResponse.builder().provider(provider).model(r.model()).text(provider)
        .finishReason(FinishReason.STOP).build();
  }

  private ApplicationContextRunner runner() {
    live.put("ai-gateway.routes.support.targets[0].provider", "a");
    live.put("ai-gateway.routes.support.targets[0].model", "m1");
    live.put("ai-gateway.routes.old.targets[0].provider", "a");
    live.put("ai-gateway.routes.old.targets[0].model", "m1");
    return new ApplicationContextRunner()
        .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
        .withBean("a", ChatProvider.class, () -> a)
        .withBean("b", ChatProvider.class, () -> b)
        .withInitializer(context -> context.getEnvironment().getPropertySources()
            .addFirst(new MapPropertySource("live", live)));
  }

  private static void set(ConfigurableEnvironment env, String key, String value) {
    @SuppressWarnings("unchecked")
    Map<String, Object> source = (Map<String, Object>) env.getPropertySources().get("live")
        .getSource();
    if (value == null) {
      source.remove(key);
    } else {
      source.put(key, value);
    }
  }

  @Test
  void aReloadReplacesAddsAndRemovesThePropertiesRoutes() {
    runner().run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      gateway.routes().replace(Route.builder("in-code").target("b", "m9").build());
      ConfigurableEnvironment env = context.getEnvironment();
      set(env, "ai-gateway.routes.support.targets[0].provider", "b");
      set(env, "ai-gateway.routes.support.targets[0].model", "m2");
      set(env, "ai-gateway.routes.new.targets[0].provider", "a");
      set(env, "ai-gateway.routes.new.targets[0].model", "m3");
      set(env, "ai-gateway.routes.old.targets[0].provider", null);
      set(env, "ai-gateway.routes.old.targets[0].model", null);

      AiGatewayRoutesReloader.Changes changes =
          context.getBean(AiGatewayRoutesReloader.class).reload();
      assertThat(changes.replaced()).containsExactly("support");
      assertThat(changes.added()).containsExactly("new");
      assertThat(changes.removed()).containsExactly("old");
      assertThat(gateway.routes().all()).containsOnlyKeys("support", "new", "in-code");
      assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("b");
    });
  }

  @Test
  void aBadRouteChangesNothing() {
    runner().run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      ConfigurableEnvironment env = context.getEnvironment();
      set(env, "ai-gateway.routes.support.targets[0].provider", "b");
      set(env, "ai-gateway.routes.broken.targets[0].provider", "nope");
      set(env, "ai-gateway.routes.broken.targets[0].model", "m");
      assertThatThrownBy(() -> context.getBean(AiGatewayRoutesReloader.class).reload())
          .isInstanceOf(AiGatewayConfigurationException.class)
          .hasMessageContaining("ai-gateway.routes.broken.targets[0].provider");
      assertThat(gateway.routes().get("support").targets().get(0).target().providerId())
          .isEqualTo("a");
      assertThat(gateway.routes().all()).containsOnlyKeys("support", "old");
    });
  }

  @Test
  void springCloudsEnvironmentChangeEventReloads() {
    runner().run(context -> {
      set(context.getEnvironment(), "ai-gateway.routes.support.targets[0].provider", "b");
      context.publishEvent(new EnvironmentChangeEvent(context));
      assertThat(context.getBean(AiGateway.class).chat(ChatRequest.of("support", "hi"))
          .provider()).isEqualTo("b");
    });
  }

  @Test
  void aCallInFlightFinishesOnTheRouteItStartedWith() throws Exception {
    CountDownLatch inside = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    a.onChat(r -> {
      inside.countDown();
      try {
        release.await(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return answer("a", r);
    });
    runner().run(context -> {
      AiGateway gateway = context.getBean(AiGateway.class);
      CompletableFuture<ChatResponse> inFlight = gateway.chatAsync(ChatRequest.of("support",
          "hi"));
      assertThat(inside.await(5, TimeUnit.SECONDS)).isTrue();
      set(context.getEnvironment(), "ai-gateway.routes.support.targets[0].provider", "b");
      context.getBean(AiGatewayRoutesReloader.class).reload();
      assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("b");
      release.countDown();
      assertThat(inFlight.get(5, TimeUnit.SECONDS).provider()).isEqualTo("a");
    });
  }
}
