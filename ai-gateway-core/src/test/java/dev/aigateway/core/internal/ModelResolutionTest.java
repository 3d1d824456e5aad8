package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.NoRouteException;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.api.spi.Target;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelResolutionTest {
  private final FakeProvider openai = new FakeProvider("openai");
  private final FakeProvider anthropic = new FakeProvider("anthropic");

  @Test
  void aRouteNameDecidesTheTarget() {
    java.util.List<Target> attempted = new java.util.concurrent.CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("anthropic", "claude-sonnet-4-5").build())
        .eventListener(new dev.aigateway.api.spi.GatewayEventListener() {
          @Override
          public void attemptStart(dev.aigateway.api.spi.CallInfo call, Target target, int n) {
            attempted.add(target);
          }
        })
        .build();
    assertThat(gateway.chat(ChatRequest.of("support", "hi")).provider()).isEqualTo("anthropic");
    ChatRequest received = anthropic.chatRequests().get(0);
    assertThat(received.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(attempted).containsExactly(new Target("anthropic", "claude-sonnet-4-5"));
    assertThat(gateway.resolve("support")).isEqualTo(new Target("anthropic", "claude-sonnet-4-5"));
  }

  @Test
  void providerSlashModelIsCutAtTheFirstSlashOnlyForAKnownProvider() {
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .defaultProvider("openai").build();
    gateway.chat(ChatRequest.of("anthropic/claude-haiku-4-5", "hi"));
    assertThat(anthropic.chatRequests().get(0).model()).isEqualTo("claude-haiku-4-5");

    gateway.chat(ChatRequest.of("openai/org/fine-tune:v2", "hi"));
    assertThat(openai.chatRequests().get(0).model()).isEqualTo("org/fine-tune:v2");

    gateway.chat(ChatRequest.of("meta-llama/Llama-3.3-70B", "hi"));
    assertThat(openai.chatRequests().get(1).model())
        .as("an unknown prefix is part of the model name, for the default provider")
        .isEqualTo("meta-llama/Llama-3.3-70B");
  }

  @Test
  void theOnlyProviderIsTheDefault() {
    AiGateway gateway = AiGateway.builder().provider(openai).build();
    assertThat(gateway.chat(ChatRequest.of("gpt-4o", "hi")).model()).isEqualTo("gpt-4o");
  }

  @Test
  void withSeveralProvidersAndNoDefaultABareModelHasNoRouteAndTheMessageListsWhatExists() {
    AiGateway gateway = AiGateway.builder().provider(openai).provider(anthropic)
        .route(Route.builder("support").target("openai", "gpt-4o").build())
        .build();
    assertThatThrownBy(() -> gateway.chat(ChatRequest.of("gpt-4o", "hi")))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'gpt-4o'")
        .hasMessageContaining("[support]")
        .hasMessageContaining("[anthropic, openai]")
        .satisfies(e -> assertThat(((NoRouteException) e).retryable()).isFalse());
    assertThatCode(() -> gateway.stream(ChatRequest.of("gpt-4o", "hi")))
        .as("stream() is cold: resolution happens on subscription, not here")
        .doesNotThrowAnyException();
    assertThat(openai.chatRequests()).isEmpty();
  }

  @Test
  void buildRejectsRoutesToUnknownProvidersAndDuplicateIds() {
    assertThatThrownBy(() -> AiGateway.builder().provider(openai)
            .route(Route.builder("r").target("mistral", "m").build()).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("route 'r'").hasMessageContaining("'mistral'");
    assertThatThrownBy(() -> AiGateway.builder().provider(openai).provider(new FakeProvider("openai")))
        .hasMessageContaining("two providers have the id 'openai'");
    assertThatThrownBy(() -> AiGateway.builder().provider(new FakeProvider("a/b")))
        .hasMessageContaining("must not contain '/'");
    assertThatThrownBy(() -> AiGateway.builder().provider(openai).defaultProvider("x").build())
        .hasMessageContaining("default provider 'x'");
    assertThatThrownBy(() -> AiGateway.builder().build())
        .hasMessageContaining("at least one provider");
  }

  @Test
  void routesValidateTheirTargets() {
    assertThatThrownBy(() -> Route.builder("r").build()).hasMessageContaining("at least one");
    assertThatThrownBy(() -> Route.builder("r").target("a", "m", 0).build())
        .hasMessageContaining("weight-0");
    assertThatThrownBy(() -> Route.builder("r").target("a", "m", -1))
        .hasMessageContaining("weight");
    assertThatThrownBy(() -> Route.builder("r").target("a", "m").target("a", "m"))
        .hasMessageContaining("already has target a/m");
  }

  @Test
  void aSplitFollowsItsWeightsAndNeverPicksWeightZero() {
    Route route = Route.builder("ab")
        .target("openai", "gpt-4o", 90)
        .target("anthropic", "claude", 10)
        .target("openai", "never", 0)
        .build();
    Random random = new Random(42);
    Router router = new Router(Set.of("openai", "anthropic"), null, List.of(route));
    Map<String, Integer> counts = new HashMap<>();
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      counts.merge(router.resolve("ab", random).model(), 1, Integer::sum);
    }
    assertThat(counts).doesNotContainKey("never");
    assertThat(counts.get("gpt-4o") / (double) n).isBetween(0.88, 0.92);
    assertThat(counts.get("claude") / (double) n).isBetween(0.08, 0.12);
  }
}
