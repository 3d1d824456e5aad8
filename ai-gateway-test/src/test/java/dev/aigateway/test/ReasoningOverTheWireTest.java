package dev.aigateway.test;

import static dev.aigateway.test.Adapters.ask;
import static dev.aigateway.test.Adapters.provider;
import static dev.aigateway.test.Adapters.streamAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Message;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link Reply#withReasoning} in every wire format: the adapter reads the reasoning apart from
 * the answer, and the next turn of the tool loop carries what the vendor signed, and only that.
 */
class ReasoningOverTheWireTest {
  private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

  @RegisterExtension final FakeVendor fake = new FakeVendor();

  private static ChatRequest first(Vendor vendor) {
    return ask(vendor, "Weather in Paris?").toBuilder().tool(WEATHER).build();
  }

  private JsonNode secondTurn(ChatProvider adapter, Vendor vendor, ChatResponse answer) {
    fake.enqueue(Reply.text("21 degrees."));
    adapter.chat(first(vendor).toBuilder().message(answer.message())
        .message(Message.tool(answer.toolCalls().get(0).id(), "{\"temp\":21}")).build());
    fake.takeRequest(); // the first turn
    return fake.takeRequest().body();
  }

  private static void assertSignedStateWentBack(Vendor vendor, JsonNode body) {
    switch (vendor) {
      case OPENAI, AZURE -> {
        JsonNode assistant = null;
        for (JsonNode m : body.path("messages")) {
          if (m.path("role").asText().equals("assistant")) {
            assistant = m;
          }
        }
        assertThat(assistant).isNotNull();
        assertThat(assistant.path("tool_calls")).hasSize(1);
        assertThat(assistant.has("reasoning_content")).isFalse();
        assertThat(body.toString()).doesNotContain("Checking the weather.");
      }
      case ANTHROPIC -> {
        JsonNode blocks = body.path("messages").get(1).path("content");
        assertThat(blocks.get(0).path("type").asText()).isEqualTo("thinking");
        assertThat(blocks.get(0).path("thinking").asText()).isEqualTo("Checking the weather.");
        assertThat(blocks.get(0).path("signature").asText()).isEqualTo("fake-signature-1");
        assertThat(blocks.get(1).path("type").asText()).isEqualTo("tool_use");
      }
      case GEMINI -> {
        JsonNode parts = body.path("contents").get(1).path("parts");
        assertThat(parts).hasSize(1);
        assertThat(parts.get(0).has("functionCall")).isTrue();
        assertThat(parts.get(0).path("thoughtSignature").asText()).isEqualTo("fake-signature-1");
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aPlainAnswersReasoningIsReadAndItsSignedStateGoesBack(Vendor vendor) {
    fake.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}")
        .withReasoning("Checking the weather."));
    try (ChatProvider adapter = provider(vendor, fake)) {
      ChatResponse answer = adapter.chat(first(vendor));
      assertThat(answer.reasoning()).isEqualTo("Checking the weather.");
      assertThat(answer.text()).isEmpty();
      assertSignedStateWentBack(vendor, secondTurn(adapter, vendor, answer));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aFoldedStreamsReasoningIsReadAndItsSignedStateGoesBack(Vendor vendor) {
    fake.enqueue(Reply.toolCall("get_weather", "{\"city\":\"Paris\"}")
        .withReasoning("Checking the weather."));
    try (ChatProvider adapter = provider(vendor, fake)) {
      TestSubscriber<ChatChunk> sub = streamAll(adapter.stream(first(vendor)));
      assertThat(sub.error()).isNull();
      StreamAccumulator acc = new StreamAccumulator();
      sub.items().forEach(acc::accept);
      ChatResponse answer = acc.toResponse();
      assertThat(answer.reasoning()).isEqualTo("Checking the weather.");
      assertSignedStateWentBack(vendor, secondTurn(adapter, vendor, answer));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aTextAnswersReasoningIsApartFromItsText(Vendor vendor) {
    fake.enqueue(Reply.text("It is sunny.").withReasoning("Look outside."),
        Reply.text("It is sunny.").withReasoning("Look outside."));
    try (ChatProvider adapter = provider(vendor, fake)) {
      ChatResponse chat = adapter.chat(ask(vendor, "Weather?"));
      assertThat(chat.text()).isEqualTo("It is sunny.");
      assertThat(chat.reasoning()).isEqualTo("Look outside.");
      TestSubscriber<ChatChunk> sub = streamAll(adapter.stream(ask(vendor, "Weather?")));
      StreamAccumulator acc = new StreamAccumulator();
      sub.items().forEach(acc::accept);
      assertThat(acc.toResponse().text()).isEqualTo("It is sunny.");
      assertThat(acc.toResponse().reasoning()).isEqualTo("Look outside.");
    }
  }
}
