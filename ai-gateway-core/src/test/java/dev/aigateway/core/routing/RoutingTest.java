package dev.aigateway.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.NoRouteException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.GatewayCalls;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.resilience.Resilience;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Routing through a real {@link AiGateway} with {@link FakeProvider}s: the weighted split, weight
 * 0, stickiness, gradual migration, content rules, per-target overrides, fallback order, live
 * reconfiguration under load, and what routing leaves on the request. Every behaviour runs for
 * {@code chat()} and for {@code stream()}.
 */
class RoutingTest {
  private static final Duration WAIT = Duration.ofSeconds(10);
  /** No retries and no breakers: a failing target fails over at once, every time. */
  private static final Resilience NO_RETRIES =
      Resilience.builder().maxRetries(0).circuitBreaker(false).build();

  private final FakeProvider a = answering(new FakeProvider("a"));
  private final FakeProvider b = answering(new FakeProvider("b"));
  private final FakeProvider c = answering(new FakeProvider("c"));

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static ChatResponse call(AiGateway gateway, ChatRequest request, boolean stream) {
    return GatewayCalls.call(gateway, request, stream);
  }

  /** Answers {@code "<id>/<model>"} to chats and streams, so either kind tells who answered. */
  private static FakeProvider answering(FakeProvider p) {
    String id = p.id();
    return p.onChat(r -> answer(id, r))
        .onStream(r -> ChunkPublisher.of(List.of(ChatChunk.of("id-1", id, r.model(),
            id + "/" + r.model(), null, FinishReason.STOP, Usage.of(3, 1)))));
  }

  private static ChatResponse answer(String id, ChatRequest r) {
    return ChatResponse.builder().id("resp-1").provider(id).model(r.model())
        .text(id + "/" + r.model()).finishReason(FinishReason.STOP).usage(Usage.of(3, 1))
        .build();
  }

  /** Makes {@code p} fail (503, before any chunk) for requests that {@code when} matches. */
  private static FakeProvider failWhen(FakeProvider p, Predicate<ChatRequest> when) {
    String id = p.id();
    return p.onChat(r -> {
      if (when.test(r)) {
        throw down(id);
      }
      return answer(id, r);
    }).onStream(r -> when.test(r)
        ? ChunkPublisher.failingAfter(List.of(), down(id))
        : ChunkPublisher.of(List.of(ChatChunk.of("id-1", id, r.model(), id + "/" + r.model(),
            null, FinishReason.STOP, Usage.of(3, 1)))));
  }

  private static ProviderUnavailableException down(String id) {
    return new ProviderUnavailableException(id, 503, null, id + " is down", null);
  }

  private static List<ChatRequest> received(FakeProvider p, boolean stream) {
    return stream ? p.streamRequests() : p.chatRequests();
  }

  private static List<String> models(FakeProvider p, boolean stream) {
    return received(p, stream).stream().map(ChatRequest::model).collect(Collectors.toList());
  }

  private AiGateway gateway(Route... routes) {
    AiGateway.Builder builder = AiGateway.builder().provider(a).provider(b).provider(c)
        .resilience(NO_RETRIES)
        .timing(dev.aigateway.api.spi.Timing.builder().sleeper(d -> {}).build());
    for (Route r : routes) {
      builder.route(r);
    }
    return builder.build();
  }

  private static ChatRequest forClient(String route, String clientId) {
    return ChatRequest.builder().model(route).user("hi").clientId(clientId).build();
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError("timed out waiting for a latch");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 1. The weighted split

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aNinetyTenSplitSendsNinetyPercentToTheFirstArm(boolean stream) {
    AiGateway gateway = everyDraw(Route.builder("ab")
        .target("a", "gpt", 90).target("b", "claude", 10).build());
    for (int i = 0; i < 100; i++) { // the random source draws 0..99 once each
      call(gateway, ChatRequest.of("ab", "hi"), stream);
    }
    assertThat(received(a, stream)).as("draws 0..89").hasSize(90);
    assertThat(received(b, stream)).as("draws 90..99").hasSize(10);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSeventyTwentyTenSplitFollowsItsWeights(boolean stream) {
    AiGateway gateway = everyDraw(Route.builder("abc")
        .target("a", "m", 70).target("b", "m", 20).target("c", "m", 10).build());
    for (int i = 0; i < 100; i++) {
      call(gateway, ChatRequest.of("abc", "hi"), stream);
    }
    assertThat(received(a, stream)).hasSize(70);
    assertThat(received(b, stream)).hasSize(20);
    assertThat(received(c, stream)).hasSize(10);
  }

  /**
   * A gateway whose random source draws 0, 1, 2, ... in turn (modulo the bound), so that one
   * draw of every value shows exactly where each share of the split goes.
   */
  private AiGateway everyDraw(Route route) {
    java.util.concurrent.atomic.AtomicInteger draws = new java.util.concurrent.atomic.AtomicInteger();
    java.util.random.RandomGenerator sequence = new java.util.random.RandomGenerator() {
      @Override
      public long nextLong() {
        return draws.getAndIncrement();
      }

      @Override
      public int nextInt(int bound) {
        return Math.floorMod(draws.getAndIncrement(), bound);
      }
    };
    return AiGateway.builder().provider(a).provider(b).provider(c).resilience(NO_RETRIES)
        .timing(dev.aigateway.api.spi.Timing.builder().sleeper(d -> {}).random(sequence).build())
        .route(route).build();
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Weight 0

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void weightZeroIsNeverPickedWithOrWithoutAClientId(boolean stream) {
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "m", 1).target("c", "zero", 0).target("b", "m", 1).build());
    for (int i = 0; i < 10_000; i++) {
      ChatRequest request = i % 2 == 0 ? ChatRequest.of("r", "hi") : forClient("r", "client-" + i);
      call(gateway, request, stream);
    }
    assertThat(received(c, stream)).as("weight 0 is never picked by the split").isEmpty();
    assertThat(received(a, stream)).isNotEmpty();
    assertThat(received(b, stream)).isNotEmpty();
    assertThat(received(a, stream).size() + received(b, stream).size()).isEqualTo(10_000);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void weightZeroStillServesAsAFallbackWhenNamedOne(boolean stream) {
    failWhen(a, r -> true);
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "primary", 1).target("c", "spare", 0)
        .fallback("c", "spare").build());
    for (int i = 0; i < 20; i++) {
      ChatResponse r = call(gateway, forClient("r", "client-" + i), stream);
      assertThat(r.provider()).isEqualTo("c");
      assertThat(r.model()).isEqualTo("spare");
    }
    assertThat(received(a, stream)).hasSize(20);
    assertThat(received(c, stream)).hasSize(20);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. Stickiness

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theSameClientIdAlwaysLandsOnTheSameArm(boolean stream) {
    AiGateway gateway = gateway(Route.builder("ab")
        .target("a", "m", 50).target("b", "m", 50).build());
    Map<String, Set<String>> arms = new HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      String client = "client-" + (i % 50);
      String arm = call(gateway, forClient("ab", client), stream).provider();
      arms.computeIfAbsent(client, k -> new HashSet<>()).add(arm);
    }
    assertThat(arms).hasSize(50);
    assertThat(arms.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(arms.values().stream().flatMap(Set::stream).distinct())
        .as("the clients are spread over both arms").containsExactlyInAnyOrder("a", "b");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void stickyByAMetadataKeyUsesThatKeyAndIgnoresClientId(boolean stream) {
    AiGateway gateway = gateway(Route.builder("ab").stickyBy("tenant")
        .target("a", "m", 50).target("b", "m", 50).build());
    Map<String, Set<String>> arms = new HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      String tenant = "tenant-" + (i % 20);
      ChatRequest request = ChatRequest.builder().model("ab").user("hi")
          .clientId("client-" + i) // a different client every call: it must not matter
          .metadata("tenant", tenant).build();
      arms.computeIfAbsent(tenant, k -> new HashSet<>())
          .add(call(gateway, request, stream).provider());
    }
    assertThat(arms.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(arms.values().stream().flatMap(Set::stream).distinct())
        .containsExactlyInAnyOrder("a", "b");

    Set<String> oneClientWithoutTenant = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      oneClientWithoutTenant.add(call(gateway, forClient("ab", "same-client"), stream).provider());
    }
    assertThat(oneClientWithoutTenant)
        .as("without the tenant key, a clientId does not make the call sticky")
        .containsExactlyInAnyOrder("a", "b");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void requestsWithoutAStickinessKeyArePickedAtRandom(boolean stream) {
    AiGateway gateway = gateway(Route.builder("ab")
        .target("a", "m", 50).target("b", "m", 50).build());
    Set<String> arms = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      arms.add(call(gateway, ChatRequest.of("ab", "the same prompt"), stream).provider());
    }
    assertThat(arms).containsExactlyInAnyOrder("a", "b");
  }

  // ---------------------------------------------------------------------------------------------
  // 4. Gradual migration

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void movingWeightsMovesTheFewestClientsAndOnlyTowardsTheArmThatGained(boolean stream) {
    AiGateway gateway = gateway(Route.builder("migrate")
        .target("a", "gpt", 90).target("b", "claude", 10).build());
    int n = 10_000;
    String[] before = arms(gateway, n, stream);

    gateway.routes().replace(Route.builder("migrate")
        .target("a", "gpt", 50).target("b", "claude", 50).build());
    String[] half = arms(gateway, n, stream);
    int moved = 0;
    for (int i = 0; i < n; i++) {
      if (!before[i].equals(half[i])) {
        moved++;
        assertThat(before[i] + " -> " + half[i]).as("client-" + i).isEqualTo("a -> b");
      }
    }
    assertThat(moved / (double) n).as("share of clients moved").isBetween(0.37, 0.43);

    gateway.routes().replace(Route.builder("migrate")
        .target("a", "gpt", 0).target("b", "claude", 100).build());
    assertThat(arms(gateway, n, stream)).containsOnly("b");
  }

  private static String[] arms(AiGateway gateway, int n, boolean stream) {
    String[] arms = new String[n];
    for (int i = 0; i < n; i++) {
      arms[i] = call(gateway, forClient("migrate", "client-" + i), stream).provider();
    }
    return arms;
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Content rules

  private static final String LONG_PROMPT = "word ".repeat(2_000); // about 2,500 tokens

  private Route rulesRoute() {
    return Route.builder("r")
        .rule(Rule.when(RequestPredicates.hasImages()).target("a", "vision").build())
        .rule(Rule.when(RequestPredicates.hasTools()).target("a", "tools").build())
        .rule(Rule.when(RequestPredicates.estimatedInputTokensOver(1_000))
            .target("a", "long").build())
        .rule(Rule.when(RequestPredicates.metadataEquals("tier", "gold"))
            .target("a", "gold").build())
        .rule(Rule.when(RequestPredicates.metadataMatches("tenant", "acme-.*"))
            .target("a", "acme").build())
        .rule(Rule.when(r -> "batch".equals(r.clientId())).target("a", "batch").build())
        .target("b", "default")
        .build();
  }

  private static ChatRequest.Builder plain() {
    return ChatRequest.builder().model("r").user("hi");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void eachBuiltInPredicateAndAUserPredicatePickTheirRulesTarget(boolean stream) {
    AiGateway gateway = gateway(rulesRoute());
    ChatRequest image = ChatRequest.builder().model("r")
        .message(Message.user(ContentPart.text("what is this?"),
            ContentPart.imageUrl("https://example.com/cat.png")))
        .build();
    ChatRequest tools = plain()
        .tool(ToolDefinition.of("lookup", "Looks an order up", "{\"type\":\"object\"}")).build();
    assertThat(call(gateway, image, stream).model()).isEqualTo("vision");
    assertThat(call(gateway, tools, stream).model()).isEqualTo("tools");
    assertThat(call(gateway, ChatRequest.of("r", LONG_PROMPT), stream).model()).isEqualTo("long");
    assertThat(call(gateway, plain().metadata("tier", "gold").build(), stream).model())
        .isEqualTo("gold");
    assertThat(call(gateway, plain().metadata("tier", "silver").build(), stream).model())
        .isEqualTo("default");
    assertThat(call(gateway, plain().metadata("tenant", "acme-eu").build(), stream).model())
        .isEqualTo("acme");
    assertThat(call(gateway, plain().metadata("tenant", "not-acme-eu").build(), stream).model())
        .as("metadataMatches matches the whole value").isEqualTo("default");
    assertThat(call(gateway, plain().clientId("batch").build(), stream).model())
        .isEqualTo("batch");
    assertThat(call(gateway, ChatRequest.of("r", "a short prompt"), stream).model())
        .as("no rule matches: the split applies").isEqualTo("default");
    assertThat(call(gateway, ChatRequest.of("r", "a short prompt"), stream).provider())
        .isEqualTo("b");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theFirstMatchingRuleWins(boolean stream) {
    AiGateway gateway = gateway(rulesRoute());
    ChatRequest imageToolsGoldLong = ChatRequest.builder().model("r")
        .message(Message.user(ContentPart.text(LONG_PROMPT),
            ContentPart.imageUrl("https://example.com/cat.png")))
        .tool(ToolDefinition.of("lookup", "Looks an order up", "{\"type\":\"object\"}"))
        .metadata("tier", "gold").build();
    assertThat(call(gateway, imageToolsGoldLong, stream).model()).isEqualTo("vision");
    ChatRequest toolsAndGold = plain()
        .tool(ToolDefinition.of("lookup", "Looks an order up", "{\"type\":\"object\"}"))
        .metadata("tier", "gold").build();
    assertThat(call(gateway, toolsAndGold, stream).model()).isEqualTo("tools");

    AiGateway twoAlwaysTrue = gateway(Route.builder("r")
        .rule(Rule.when(r -> true).target("c", "first").build())
        .rule(Rule.when(r -> true).target("a", "second").build())
        .target("b", "default").build());
    for (int i = 0; i < 20; i++) {
      assertThat(call(twoAlwaysTrue, ChatRequest.of("r", "hi"), stream).model())
          .isEqualTo("first");
    }
    assertThat(received(a, stream)).extracting(ChatRequest::model).doesNotContain("second");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aRulesOwnFallbacksReplaceTheRoutes(boolean stream) {
    failWhen(a, r -> true);
    AiGateway gateway = gateway(Route.builder("r")
        .rule(Rule.when(RequestPredicates.metadataEquals("tier", "gold"))
            .target("a", "gold").fallback("c", "rule-fallback").build())
        .target("a", "default")
        .fallback("b", "route-fallback")
        .build());
    ChatResponse gold = call(gateway, plain().metadata("tier", "gold").build(), stream);
    assertThat(gold.provider() + "/" + gold.model()).isEqualTo("c/rule-fallback");
    assertThat(received(b, stream)).as("the route's fallback is not the rule's").isEmpty();

    ChatResponse other = call(gateway, plain().build(), stream);
    assertThat(other.provider() + "/" + other.model()).isEqualTo("b/route-fallback");
    assertThat(models(c, stream)).containsExactly("rule-fallback");
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Per-target overrides

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aTargetsOverridesReachItsProviderAndLeaveTheOtherArmAlone(boolean stream) {
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "gpt", 50)
        .target("b", "claude", 50, Overrides.builder()
            .temperature(0.2).maxTokens(800).extra("service_tier", "flex").build())
        .build());
    for (int i = 0; i < 100; i++) {
      ChatRequest request = ChatRequest.builder().model("r").user("hi").clientId("client-" + i)
          .temperature(0.9).maxTokens(4000).build();
      call(gateway, request, stream);
    }
    assertThat(received(a, stream)).isNotEmpty().allSatisfy(r -> {
      assertThat(r.model()).isEqualTo("gpt");
      assertThat(r.temperature()).isEqualTo(0.9);
      assertThat(r.maxTokens()).isEqualTo(4000);
      assertThat(r.extra()).doesNotContainKey("service_tier");
    });
    assertThat(received(b, stream)).isNotEmpty().allSatisfy(r -> {
      assertThat(r.model()).isEqualTo("claude");
      assertThat(r.temperature()).isEqualTo(0.2);
      assertThat(r.maxTokens()).isEqualTo(800);
      assertThat(r.extra()).containsEntry("service_tier", "flex");
      assertThat(r.messages()).extracting(Message::text).containsExactly("hi");
    });
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFallbacksOverridesApplyOnlyToTheFallback(boolean stream) {
    failWhen(a, r -> true);
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "gpt")
        .fallback("b", "claude", Overrides.builder().maxTokens(300).build())
        .build());
    call(gateway, ChatRequest.builder().model("r").user("hi").maxTokens(4000).build(), stream);
    assertThat(received(a, stream)).singleElement()
        .satisfies(r -> assertThat(r.maxTokens()).isEqualTo(4000));
    assertThat(received(b, stream)).singleElement()
        .satisfies(r -> assertThat(r.maxTokens()).isEqualTo(300));
  }

  // ---------------------------------------------------------------------------------------------
  // 7. Fallback order and dedup

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void fallbacksAreTriedInTheOrderAdded(boolean stream) {
    failWhen(a, r -> !r.model().equals("third"));
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "pick")
        .fallback("a", "zulu")
        .fallback("a", "alpha")
        .fallback("a", "third")
        .fallback("a", "never")
        .build());
    ChatResponse r = call(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(r.model()).isEqualTo("third");
    if (!stream) {
      assertThat(r.attempts()).isEqualTo(4); // a folded stream does not carry attempts
    }
    assertThat(models(a, stream)).containsExactly("pick", "zulu", "alpha", "third");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFallbackEqualToThePickIsNotTriedTwice(boolean stream) {
    failWhen(a, r -> true);
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "primary")
        .fallback("a", "primary")
        .fallback("b", "backup")
        .build());
    ChatResponse r = call(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(r.provider() + "/" + r.model()).isEqualTo("b/backup");
    assertThat(models(a, stream)).containsExactly("primary");
    assertThat(models(b, stream)).containsExactly("backup");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aFallbackEqualToTheSplitsStickyPickIsNotTriedTwice(boolean stream) {
    failWhen(a, r -> true);
    failWhen(b, r -> true);
    AiGateway gateway = gateway(Route.builder("r")
        .target("a", "m", 50).target("b", "m", 50)
        .fallback("a", "m").fallback("b", "m").fallback("c", "last")
        .build());
    int n = 40;
    for (int i = 0; i < n; i++) {
      assertThat(call(gateway, forClient("r", "client-" + i), stream).provider()).isEqualTo("c");
    }
    assertThat(received(a, stream).size() + received(b, stream).size())
        .as("each call tries a/m and b/m once each, whichever was picked").isEqualTo(2 * n);
    assertThat(received(a, stream)).hasSize(n);
    assertThat(received(b, stream)).hasSize(n);
    assertThat(received(c, stream)).hasSize(n);
  }

  // ---------------------------------------------------------------------------------------------
  // 8. Live reconfiguration

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void replacingARouteUnderConcurrentLoadLosesNoCallAndNewCallsUseTheNewRoute(boolean stream)
      throws Exception {
    AiGateway gateway = gateway(Route.builder("live").target("a", "m").build());
    int threads = 8;
    int callsEachSide = 25;
    AtomicBoolean replaced = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch warmedUp = new CountDownLatch(threads * callsEachSide);
    CountDownLatch afterReplace = new CountDownLatch(threads * callsEachSide);
    List<String> wrong = new CopyOnWriteArrayList<>();
    Map<Boolean, List<String>> seen = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Integer>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        workers.add(pool.submit(() -> {
          int calls = 0;
          while (!stop.get()) {
            boolean startedAfterReplace = replaced.get();
            String provider = call(gateway,
                forClient("live", "thread-" + thread + "-" + calls), stream).provider();
            calls++;
            seen.computeIfAbsent(startedAfterReplace, k -> new CopyOnWriteArrayList<>())
                .add(provider);
            if (startedAfterReplace) {
              if (!provider.equals("b")) {
                wrong.add("a call that started after replace() went to " + provider);
              }
              afterReplace.countDown();
            } else {
              warmedUp.countDown();
            }
          }
          return calls;
        }));
      }
      await(warmedUp);
      gateway.routes().replace(Route.builder("live").target("b", "m").build());
      replaced.set(true);
      await(afterReplace);
      stop.set(true);
      int total = 0;
      for (Future<Integer> w : workers) {
        total += w.get(WAIT.toSeconds(), TimeUnit.SECONDS); // rethrows any failed call
      }
      assertThat(wrong).isEmpty();
      assertThat(seen.get(false)).isNotEmpty().contains("a");
      assertThat(seen.get(true)).isNotEmpty().containsOnly("b");
      assertThat(received(a, stream).size() + received(b, stream).size()).isEqualTo(total);
    } finally {
      stop.set(true);
      pool.shutdownNow();
    }
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aCallInFlightDuringReplaceFinishesOnTheOldRoute(boolean stream) throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    a.onChat(r -> {
      entered.countDown();
      await(release);
      return answer("a", r);
    }).onStream(r -> {
      entered.countDown();
      await(release);
      return ChunkPublisher.of(ChunkPublisher.words("a", r.model(), 2));
    });
    AiGateway gateway = gateway(Route.builder("live").target("a", "old").build());
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      Future<ChatResponse> inFlight =
          pool.submit(() -> call(gateway, ChatRequest.of("live", "hi"), stream));
      await(entered);
      gateway.routes().replace(Route.builder("live").target("b", "new").build());

      ChatResponse after = call(gateway, ChatRequest.of("live", "hi"), stream);
      assertThat(after.provider() + "/" + after.model()).isEqualTo("b/new");
      assertThat(inFlight).isNotDone();

      release.countDown();
      ChatResponse old = inFlight.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(old.provider() + "/" + old.model()).isEqualTo("a/old");
      assertThat(old.attempts()).isEqualTo(1);
      assertThat(models(a, stream)).containsExactly("old");
      assertThat(models(b, stream)).containsExactly("new");
    } finally {
      release.countDown();
      pool.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // 9. replace() and remove()

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void replacingWithAnUnknownProviderFailsAndTheOldRouteKeepsServing(boolean stream) {
    Route old = Route.builder("r").target("a", "m").build();
    AiGateway gateway = gateway(old);
    Route bad = Route.builder("r").target("b", "m").fallback("mistral", "large").build();
    assertThatThrownBy(() -> gateway.routes().replace(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'mistral'")
        .hasMessageContaining("route 'r'");
    assertThat(gateway.routes().get("r")).isSameAs(old);
    assertThat(call(gateway, ChatRequest.of("r", "hi"), stream).provider()).isEqualTo("a");
    assertThat(received(b, stream)).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void afterRemoveCallsGetNoRouteExceptionListingTheRoutes(boolean stream) {
    Route removed = Route.builder("r").target("a", "m").build();
    AiGateway gateway = gateway(removed, Route.builder("other").target("b", "m").build());
    assertThat(call(gateway, ChatRequest.of("r", "hi"), stream).provider()).isEqualTo("a");

    assertThat(gateway.routes().remove("r")).isSameAs(removed);
    assertThat(gateway.routes().remove("r")).isNull();
    assertThat(gateway.routes().all()).containsOnlyKeys("other");
    assertThatThrownBy(() -> call(gateway, ChatRequest.of("r", "hi"), stream))
        .isInstanceOf(NoRouteException.class)
        .hasMessageContaining("'r'")
        .hasMessageContaining("Routes: [other]");
    assertThat(received(a, stream)).hasSize(1);
  }

  // ---------------------------------------------------------------------------------------------
  // 10. What routing leaves on the request

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theCallCarriesTheDecisionWithItsCandidatesInOrderAndEachAttemptsTarget(boolean stream) {
    failWhen(a, r -> r.model().equals("first"));
    List<Object> seenByUserInterceptor = new CopyOnWriteArrayList<>();
    List<String> decisions = new CopyOnWriteArrayList<>();
    List<Target> attempted = new CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(a).provider(b).provider(c)
        .resilience(NO_RETRIES)
        .interceptor(chain -> {
          seenByUserInterceptor.add(chain.call().route() + " " + chain.call().candidates());
          return chain.proceed(chain.request());
        })
        .eventListener(new GatewayEventListener() {
          @Override
          public void routeResolved(CallInfo call) {
            decisions.add(call.route() + " " + call.candidates());
          }

          @Override
          public void attemptStart(CallInfo call, Target target, int attempt) {
            attempted.add(target);
          }
        })
        .route(Route.builder("r")
            .target("a", "first")
            .fallback("b", "second")
            .fallback("c", "third")
            .fallback("a", "fourth")
            .build())
        .build();
    ChatResponse r = call(gateway, ChatRequest.of("r", "hi"), stream);
    assertThat(r.provider() + "/" + r.model()).isEqualTo("b/second");
    assertThat(seenByUserInterceptor).as("user interceptors run before routing")
        .containsExactly("null []");

    List<Target> expected = List.of(new Target("a", "first"), new Target("b", "second"),
        new Target("c", "third"), new Target("a", "fourth"));
    assertThat(decisions).containsExactly("r " + expected);
    assertThat(attempted).containsExactly(new Target("a", "first"), new Target("b", "second"));
    assertThat(received(a, stream)).extracting(ChatRequest::model).containsExactly("first");
    assertThat(received(b, stream)).extracting(ChatRequest::model).containsExactly("second");
    assertThat(received(c, stream)).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aDirectModelHasADecisionWithoutARoute(boolean stream) {
    List<String> decisions = new CopyOnWriteArrayList<>();
    AiGateway gateway = AiGateway.builder().provider(a).provider(b).provider(c)
        .resilience(NO_RETRIES)
        .eventListener(new GatewayEventListener() {
          @Override
          public void routeResolved(CallInfo call) {
            decisions.add(call.route() + " " + call.candidates());
          }
        }).build();
    call(gateway, ChatRequest.of("c/some-model", "hi"), stream);
    assertThat(received(c, stream)).extracting(ChatRequest::model).containsExactly("some-model");
    assertThat(decisions).containsExactly("null [c/some-model]");
  }
}
