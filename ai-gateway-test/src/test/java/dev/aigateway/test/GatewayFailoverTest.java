package dev.aigateway.test;

import static dev.aigateway.test.Adapters.streamAll;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Route;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The gateway over two fake vendors, OpenAI first and Anthropic as the fallback: what the caller
 * gets when the first fails, and what each vendor received.
 */
class GatewayFailoverTest {
  @RegisterExtension final FakeVendor openai = new FakeVendor();
  @RegisterExtension final FakeVendor anthropic = new FakeVendor();
  private final List<Duration> backoffs = new CopyOnWriteArrayList<>();
  private AiGateway gateway;

  private AiGateway gateway(Timeouts timeouts) {
    gateway = AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(openai.baseUrl(Vendor.OPENAI))
            .apiKey(Secret.of("sk-openai-test")).build())
        .provider(AnthropicProvider.builder().baseUrl(anthropic.baseUrl(Vendor.ANTHROPIC))
            .apiKey(Secret.of("sk-ant-test")).build())
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("anthropic", "claude-haiku-4-5").build())
        .timeouts(timeouts)
        .timing(Timing.builder().sleeper(backoffs::add).build()) // backoff without waiting
        .build();
    return gateway;
  }

  @AfterEach
  void closeGateway() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void anOverloadedPrimaryIsRetriedThenTheFallbackAnswers() {
    openai.defaultReply(Reply.overloaded());
    anthropic.enqueue(Reply.text("Claude here."));

    ChatResponse answer = gateway(Timeouts.defaults()).chat(ChatRequest.of("support", "Hello?"));

    assertThat(answer.text()).isEqualTo("Claude here.");
    assertThat(answer.provider()).isEqualTo("anthropic");
    assertThat(answer.attempts()).isEqualTo(4);
    assertThat(openai.requestCount()).as("the first try and two retries").isEqualTo(3);
    assertThat(openai.requests()).extracting(ReceivedRequest::model).containsOnly("gpt-4o");
    assertThat(backoffs).hasSize(2);
    ReceivedRequest fallback = anthropic.takeRequest();
    assertThat(fallback.model()).isEqualTo("claude-haiku-4-5");
    assertThat(fallback.lastUserText()).isEqualTo("Hello?");
    assertThat(fallback.apiKey()).isEqualTo("sk-ant-test");
  }

  @Test
  void aLongRetryAfterIsNotWaitedOutTheCallFailsOverAtOnce() {
    openai.enqueue(Reply.rateLimited(Duration.ofMinutes(10)));

    ChatResponse answer = gateway(Timeouts.defaults()).chat(ChatRequest.of("support", "Hi"));

    assertThat(answer.provider()).isEqualTo("anthropic");
    assertThat(openai.requestCount()).isEqualTo(1);
    assertThat(anthropic.requestCount()).isEqualTo(1);
    assertThat(backoffs).isEmpty();
  }

  @Test
  void aStreamThatFailsBeforeItsFirstChunkFailsOverUnseen() {
    openai.defaultReply(Reply.error(500));
    anthropic.enqueue(Reply.text("From the fallback."));

    TestSubscriber<ChatChunk> sub =
        streamAll(gateway(Timeouts.defaults()).stream(ChatRequest.of("support", "Stream it")));

    assertThat(sub.isCompleted()).as("completed: %s", sub.error()).isTrue();
    assertThat(sub.items()).allMatch(c -> c.provider().equals("anthropic"));
    assertThat(fold(sub).text()).isEqualTo("From the fallback.");
    assertThat(anthropic.takeRequest().isStream()).isTrue();
  }

  @Test
  void aStreamCutMidAnswerIsContinuedByTheFallbackFromAPrefill() {
    String whole = "Your parcel left yesterday and arrives on Thursday.";
    openai.enqueue(Reply.text(whole).cutAfter(3));
    // Claude continues an assistant prefill: it answers only what follows it.
    anthropic.defaultReply(r -> Reply.text(whole.substring(r.prefill().length())));

    TestSubscriber<ChatChunk> sub =
        streamAll(gateway(Timeouts.defaults()).stream(ChatRequest.of("support", "Where?")));

    assertThat(sub.isCompleted()).as("completed: %s", sub.error()).isTrue();
    assertThat(fold(sub).text()).isEqualTo(whole);
    // the text so far, without its trailing space, which Anthropic does not accept in a prefill
    assertThat(anthropic.takeRequest().prefill()).isEqualTo("Your parcel left");
  }

  @Test
  void aSilentPrimaryTimesOutAndTheFallbackAnswers() {
    openai.enqueue(Reply.silence(), Reply.silence());
    anthropic.enqueue(Reply.text("Still here."), Reply.text("Streamed here."));
    AiGateway g = gateway(Timeouts.builder().idle(Duration.ofMillis(200))
        .firstChunk(Duration.ofMillis(200)).build());

    assertThat(g.chat(ChatRequest.of("support", "Hello?")).text()).isEqualTo("Still here.");
    TestSubscriber<ChatChunk> sub = streamAll(g.stream(ChatRequest.of("support", "Stream?")));
    assertThat(fold(sub).text()).isEqualTo("Streamed here.");
    assertThat(openai.requestCount()).as("a silent target is not retried").isEqualTo(2);
  }

  private static ChatResponse fold(TestSubscriber<ChatChunk> sub) {
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }
}
