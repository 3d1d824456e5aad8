package dev.aigateway.test;

import static dev.aigateway.test.Adapters.ask;
import static dev.aigateway.test.Adapters.key;
import static dev.aigateway.test.Adapters.provider;
import static dev.aigateway.test.Adapters.reportedModel;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.anthropic.AnthropicVertexProvider;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.gemini.VertexAiProvider;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Plain chats through each real adapter: the fake vendor answers in the vendor's format, the
 * adapter reads back what was scripted, and the vendor saw what the adapter sent.
 */
class ChatOverTheWireTest {
  @RegisterExtension final FakeVendor fake = new FakeVendor();

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aScriptedTextComesBackWithItsUsageAndTheVendorSawTheRequest(Vendor vendor) {
    fake.enqueue(Reply.text("Your order ships today.").withUsage(Usage.of(21, 5, 4, 0)));
    try (ChatProvider adapter = provider(vendor, fake)) {
      ChatResponse answer = adapter.chat(ask(vendor, "Where is my order?"));

      assertThat(answer.text()).isEqualTo("Your order ships today.");
      assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
      assertThat(answer.model()).isEqualTo(reportedModel(vendor));
      assertThat(answer.usage()).isEqualTo(new Usage(21, 5, 26, 4, 0));
    }
    ReceivedRequest received = fake.takeRequest();
    assertThat(received.vendor()).isEqualTo(vendor);
    assertThat(received.method()).isEqualTo("POST");
    assertThat(received.apiKey()).isEqualTo(key(vendor));
    assertThat(received.model()).isEqualTo(reportedModel(vendor));
    assertThat(received.lastUserText()).isEqualTo("Where is my order?");
    assertThat(received.system()).isEqualTo("Be brief.");
    assertThat(received.isStream()).isFalse();
    assertThat(fake.requestCount()).isEqualTo(1);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void eachVendorIsCalledOnItsOwnPathWithItsOwnKeyHeader(Vendor vendor) {
    try (ChatProvider adapter = provider(vendor, fake)) {
      adapter.chat(ask(vendor, "Hi"));
    }
    ReceivedRequest r = fake.takeRequest();
    switch (vendor) {
      case OPENAI -> {
        assertThat(r.path()).isEqualTo("/v1/chat/completions");
        assertThat(r.header("Authorization")).isEqualTo("Bearer " + key(vendor));
      }
      case AZURE -> {
        assertThat(r.path()).isEqualTo("/openai/deployments/prod-gpt4o/chat/completions");
        assertThat(r.query("api-version")).isNotBlank();
        assertThat(r.header("api-key")).isEqualTo(key(vendor));
      }
      case ANTHROPIC -> {
        assertThat(r.path()).isEqualTo("/v1/messages");
        assertThat(r.header("x-api-key")).isEqualTo(key(vendor));
        assertThat(r.header("anthropic-version")).isNotBlank();
      }
      case GEMINI -> {
        assertThat(r.path()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
        assertThat(r.header("x-goog-api-key")).isEqualTo(key(vendor));
        assertThat(r.query("key")).isNull();
      }
      default -> throw new AssertionError(vendor);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void withoutAScriptTheDefaultReplyAnswersTheLastUserMessage(Vendor vendor) {
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(adapter.chat(ask(vendor, "Is it raining?")).text())
          .isEqualTo("Fake reply to: Is it raining?");
      fake.defaultReply(r -> Reply.text(r.lastUserText().toUpperCase(java.util.Locale.ROOT)));
      assertThat(adapter.chat(ask(vendor, "loud")).text()).isEqualTo("LOUD");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void toolCallsArriveWithTheirArgumentsAndTheToolsOfferedWereSeen(Vendor vendor) {
    fake.enqueue(Reply.text("Checking both.")
        .withToolCall("get_weather", "{\"location\":\"Paris\"}")
        .withToolCall("call_b", "get_time", "{\"tz\":\"CET\"}"));
    ChatRequest request = ask(vendor, "Weather and time in Paris?").toBuilder()
        .tool(ToolDefinition.of("get_weather", "Weather", "{\"type\":\"object\"}"))
        .tool(ToolDefinition.of("get_time", "Time", "{\"type\":\"object\"}"))
        .build();
    try (ChatProvider adapter = provider(vendor, fake)) {
      ChatResponse answer = adapter.chat(request);

      assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
      assertThat(answer.text()).isEqualTo("Checking both.");
      assertThat(answer.toolCalls()).extracting(ToolCall::name)
          .containsExactly("get_weather", "get_time");
      assertThat(answer.toolCalls()).extracting(ToolCall::arguments)
          .containsExactly("{\"location\":\"Paris\"}", "{\"tz\":\"CET\"}");
      assertThat(answer.toolCalls().get(1).id()).isEqualTo("call_b");
      assertThat(answer.toolCalls().get(0).id()).isNotBlank()
          .isNotEqualTo(answer.toolCalls().get(1).id());
    }
    assertThat(fake.takeRequest().toolNames()).containsExactly("get_weather", "get_time");
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aFinishReasonAndAModelAreReportedAsScripted(Vendor vendor) {
    fake.enqueue(Reply.text("Once upon a").withFinishReason(FinishReason.LENGTH)
        .withModel("model-2026-01-01"));
    try (ChatProvider adapter = provider(vendor, fake)) {
      ChatResponse answer = adapter.chat(ask(vendor, "Tell me a story"));
      assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
      assertThat(answer.model()).isEqualTo("model-2026-01-01");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void reasoningTokensAreReportedWhereTheVendorHasThem(Vendor vendor) {
    fake.enqueue(Reply.text("42").withUsage(Usage.of(10, 30, 0, 25)));
    try (ChatProvider adapter = provider(vendor, fake)) {
      Usage usage = adapter.chat(ask(vendor, "Think")).usage();
      assertThat(usage.outputTokens()).isEqualTo(30);
      assertThat(usage.reasoningTokens()).isEqualTo(vendor == Vendor.ANTHROPIC ? 0 : 25);
    }
  }

  @Test
  void vertexAiIsServedInGeminisFormatOnItsOwnPath() {
    fake.enqueue(Reply.text("Served on Vertex.").withUsage(Usage.of(7, 3, 0, 0)));
    try (ChatProvider vertex = VertexAiProvider.builder()
        .baseUrl(fake.baseUrl(Vendor.GEMINI)).project("acme-prod").location("europe-west4")
        .tokenSupplier(() -> AccessToken.of("ya29.fake",
            Instant.now().plus(Duration.ofHours(1))))
        .build()) {
      ChatResponse answer = vertex.chat(ChatRequest.of("gemini-2.5-flash", "Hi"));
      assertThat(answer.text()).isEqualTo("Served on Vertex.");
      assertThat(answer.usage()).isEqualTo(new Usage(7, 3, 10, 0, 0));
    }
    ReceivedRequest r = fake.takeRequest();
    assertThat(r.vendor()).isEqualTo(Vendor.GEMINI);
    assertThat(r.path()).isEqualTo("/v1/projects/acme-prod/locations/europe-west4/publishers/"
        + "google/models/gemini-2.5-flash:generateContent");
    assertThat(r.model()).isEqualTo("gemini-2.5-flash");
    assertThat(r.header("Authorization")).isEqualTo("Bearer ya29.fake");
    assertThat(r.lastUserText()).isEqualTo("Hi");
  }

  @Test
  void claudeOnVertexAiIsServedInAnthropicsFormatOnItsOwnPath() {
    fake.enqueue(Reply.text("Claude on Vertex.").withUsage(Usage.of(5, 4, 0, 0)));
    fake.enqueue(Reply.text("Streamed on Vertex."));
    try (ChatProvider claude = AnthropicVertexProvider.builder()
        .baseUrl(fake.baseUrl(Vendor.ANTHROPIC)).project("acme-prod").location("us-east5")
        .tokenSupplier(() -> AccessToken.of("ya29.fake",
            Instant.now().plus(Duration.ofHours(1))))
        .build()) {
      ChatResponse answer = claude.chat(ChatRequest.of("claude-sonnet-4-5@20250929", "Hi"));
      assertThat(answer.text()).isEqualTo("Claude on Vertex.");
      assertThat(answer.usage()).isEqualTo(new Usage(5, 4, 9, 0, 0));
      TestSubscriber<ChatChunk> sub =
          Adapters.streamAll(claude.stream(ChatRequest.of("claude-sonnet-4-5@20250929", "Go")));
      assertThat(sub.error()).isNull();
      StreamAccumulator folded = new StreamAccumulator();
      sub.items().forEach(folded::accept);
      assertThat(folded.toResponse().text()).isEqualTo("Streamed on Vertex.");
    }
    ReceivedRequest r = fake.takeRequest();
    assertThat(r.vendor()).isEqualTo(Vendor.ANTHROPIC);
    assertThat(r.path()).isEqualTo("/v1/projects/acme-prod/locations/us-east5/publishers/"
        + "anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    assertThat(r.model()).isEqualTo("claude-sonnet-4-5@20250929");
    assertThat(r.isStream()).isFalse();
    assertThat(r.header("Authorization")).isEqualTo("Bearer ya29.fake");
    assertThat(r.lastUserText()).isEqualTo("Hi");
    ReceivedRequest streamed = fake.takeRequest();
    assertThat(streamed.path()).endsWith(":streamRawPredict");
    assertThat(streamed.isStream()).isTrue();
    assertThat(streamed.model()).isEqualTo("claude-sonnet-4-5@20250929");
  }
}
