package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.events;
import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static dev.aigateway.providers.openai.OpenAiFixtures.sse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The whole path: AiGateway, its pipeline and the OpenAI adapter, against a loopback vendor. */
class GatewayOverOpenAiTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private final MockWebServer server = new MockWebServer();
  private AiGateway gateway;
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server.start();
    gateway = AiGateway.builder()
        .provider(OpenAiFixtures.provider(server).build())
        .route(Route.builder("assistant").target("openai", "gpt-4o-mini").build())
        .timing(Timing.builder().sleeper(delay -> sleeps.add(delay)).build()) // retries do not wait
        .build();
  }

  @AfterEach
  void stop() {
    gateway.close();
    server.close();
  }

  @Test
  void aRouteNameBecomesTheVendorsModelOnTheWire() throws Exception {
    server.enqueue(json(200, TEXT_RESPONSE));
    ChatResponse r = gateway.chat(ChatRequest.of("assistant", "hi"));
    assertThat(r.text()).isEqualTo("Hello there!");
    assertThat(r.provider()).isEqualTo("openai");
    assertThat(OpenAiFixtures.body(server.takeRequest(5, TimeUnit.SECONDS)).get("model").asText())
        .isEqualTo("gpt-4o-mini");
  }

  @Test
  void aStreamFlowsThroughTheGateway() {
    server.enqueue(sse(TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway.stream(ChatRequest.of("assistant", "hi")).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.request(10);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world", "");
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void aVendorErrorBeforeTheFirstChunkIsRetriedOverTheWireThenReachesTheSubscriberTyped()
      throws Exception {
    for (int i = 0; i < 3; i++) {
      server.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
    }
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("assistant", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(server.getRequestCount()).as("the first attempt and two retries").isEqualTo(3);
    assertThat(sleeps).as("exponential backoff with jitter between them").hasSize(2);
    assertThat(sub.items()).as("the subscriber saw none of the failed attempts").isEmpty();
    assertThat(sub.error()).as("one candidate: the vendor's own typed failure, the last")
        .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("HTTP 503");
    assertThat(((ProviderUnavailableException) sub.error()).provider()).isEqualTo("openai");
    assertThat(sub.error().getSuppressed()).as("the two attempts before it").hasSize(2)
        .allSatisfy(e -> assertThat(e).isInstanceOf(ProviderUnavailableException.class)
            .hasMessageContaining("HTTP 503"));
    assertThat(((AiGatewayException) sub.error()).partialText()).isEmpty();
  }

  @Test
  void aStreamThatFailsBeforeItsFirstChunkIsRetriedTransparently() {
    server.enqueue(json(503, "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}"));
    server.enqueue(sse(TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("assistant", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world", "");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aStreamCutAfterSomeTextFailsWithThePartialText() {
    server.enqueue(sse(TEXT_STREAM[1], TEXT_STREAM[2]));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(ChatRequest.of("assistant", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class);
    assertThat(((ProviderUnavailableException) sub.error()).partialText()).contains("Hello world");
  }

  @Test
  void cancellingBeforeTheFirstChunkClosesTheVendorConnection() throws Exception {
    CountDownLatch headersSent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(OpenAiFixtures.heldOpenStream("", headersSent, clientClosed));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    gateway.stream(ChatRequest.of("assistant", "hi")).subscribe(sub);
    assertThat(headersSent.await(5, TimeUnit.SECONDS)).isTrue();
    sub.cancel();
    assertThat(clientClosed.await(5, TimeUnit.SECONDS))
        .as("the gateway's cancel reaches the waiting pipeline and closes the connection")
        .isTrue();
    assertThat(sub.items()).isEmpty();
    assertThat(sub.error()).isNull();
  }

  @Test
  void cancellingChatAsyncClosesTheVendorConnection() throws Exception {
    CountDownLatch headersSent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(OpenAiFixtures.heldOpen("application/json", "{\"id\":", headersSent,
        clientClosed));
    CompletableFuture<ChatResponse> answer = gateway.chatAsync(ChatRequest.of("assistant", "hi"));
    assertThat(headersSent.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(answer.cancel(true)).isTrue();
    assertThat(clientClosed.await(5, TimeUnit.SECONDS))
        .as("the future's cancel aborts the HTTP call, on any JDK").isTrue();
  }

  @Test
  void theFirstChunkTimeoutAbortsAStreamThatSaysNothing() throws Exception {
    CountDownLatch headersSent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(OpenAiFixtures.heldOpenStream(": waiting\n\n", headersSent, clientClosed));
    ManualTiming time = new ManualTiming();
    try (AiGateway impatient = AiGateway.builder()
        .provider(OpenAiFixtures.provider(server).build())
        .resilience(Resilience.builder().maxRetries(0).build())
        .timeouts(Timeouts.builder().firstChunk(Duration.ofMillis(300)).build())
        .timing(time.timing()).build()) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      impatient.stream(ChatRequest.of("gpt-4o-mini", "hi")).subscribe(sub);
      assertThat(headersSent.await(5, TimeUnit.SECONDS)).isTrue();
      time.advance(Duration.ofMillis(299));
      assertThat(sub.isCompleted() || sub.error() != null).as("not before the timeout").isFalse();
      time.advance(Duration.ofMillis(1)); // the watchdog fires: no real time waited
      sub.awaitTerminal(WAIT);
      assertThat(sub.error()).as("one candidate: its own typed failure")
          .isInstanceOf(GatewayTimeoutException.class);
      assertThat(((GatewayTimeoutException) sub.error()).phase())
          .isEqualTo(GatewayTimeoutException.Phase.FIRST_CHUNK);
      assertThat(clientClosed.await(5, TimeUnit.SECONDS)).isTrue();
    }
  }
}
