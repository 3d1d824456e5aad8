package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.body;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.event;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.json;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.provider;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.sse;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Extended thinking with tools: the signed thinking and redacted thinking blocks of the first
 * answer, plain or streamed, go back first and exactly as received on the turn with the tool
 * result; a refusal is told apart from an answer.
 */
class AnthropicReasoningTest {
  private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");
  static final String SIGNATURE = "EqQBCgIYAhIMsig+/==";
  static final String REDACTED = "EmwKAhgBEgy3va3pzix/+==";

  static final String TOOL_TURN = """
      {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
       "content":[
        {"type":"thinking","thinking":"The user wants Paris weather.","signature":"%s"},
        {"type":"redacted_thinking","data":"%s"},
        {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}],
       "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":20}}"""
      .formatted(SIGNATURE, REDACTED);

  static final List<String> TOOL_TURN_STREAM = List.of(
      event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\","
          + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
          + "\"content\":[],\"usage\":{\"input_tokens\":10,\"output_tokens\":1}}}"),
      event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
          + "\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"\"}}"),
      event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"The user wants \"}}"),
      event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Paris weather.\"}}"),
      event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"" + SIGNATURE + "\"}}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
      event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,"
          + "\"content_block\":{\"type\":\"redacted_thinking\",\"data\":\"" + REDACTED + "\"}}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
      event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,"
          + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"toolu_01\","
          + "\"name\":\"get_weather\",\"input\":{}}}"),
      event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,"
          + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"{\\\"city\\\": "
          + "\\\"Paris\\\"}\"}}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
      event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
          + "\"tool_use\"},\"usage\":{\"output_tokens\":20}}"),
      event("message_stop", "{\"type\":\"message_stop\"}"));

  /** The second request's messages, exactly: the thinking blocks first, as received. */
  static final String SECOND_TURN_MESSAGES = """
      [{"role":"user","content":"Weather in Paris?"},
       {"role":"assistant","content":[
         {"type":"thinking","thinking":"The user wants Paris weather.","signature":"%s"},
         {"type":"redacted_thinking","data":"%s"},
         {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}]},
       {"role":"user","content":[
         {"type":"tool_result","tool_use_id":"toolu_01","content":"{\\"temp\\":21}"}]}]"""
      .formatted(SIGNATURE, REDACTED);

  private final MockWebServer server = new MockWebServer();
  private AnthropicProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = provider(server).build();
  }

  @AfterEach
  void stop() throws Exception {
    provider.close();
    server.close();
  }

  static ChatRequest firstTurn() {
    return ChatRequest.builder().model("claude-sonnet-4-5").user("Weather in Paris?")
        .tool(WEATHER).build();
  }

  static ChatRequest secondTurn(ChatResponse first) {
    return firstTurn().toBuilder()
        .message(first.message())
        .message(Message.tool(first.toolCalls().get(0).id(), "{\"temp\":21}"))
        .build();
  }

  private ChatResponse streamed(List<String> events) {
    server.enqueue(sse(events));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(firstTurn()).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isNull();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }

  private RecordedRequest sendSecondTurn(ChatResponse first) throws Exception {
    server.takeRequest(5, TimeUnit.SECONDS); // the first turn
    server.enqueue(json(200, AnthropicFixtures.TEXT_RESPONSE));
    provider.chat(secondTurn(first), Wire.FAIL_FAST);
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void aToolLoopSendsTheSignedThinkingBackFirstAndExactly() throws Exception {
    server.enqueue(json(200, TOOL_TURN));
    ChatResponse first = provider.chat(firstTurn(), Wire.FAIL_FAST);
    assertThat(first.reasoning()).isEqualTo("The user wants Paris weather.");
    assertThat(first.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);

    RecordedRequest second = sendSecondTurn(first);
    assertThat(body(second).get("messages")).isEqualTo(tree(SECOND_TURN_MESSAGES));
  }

  @Test
  void aToolLoopFromAFoldedStreamSendsTheSameBlocks() throws Exception {
    ChatResponse first = streamed(TOOL_TURN_STREAM);
    assertThat(first.reasoning()).isEqualTo("The user wants Paris weather.");
    assertThat(first.toolCalls()).hasSize(1);

    RecordedRequest second = sendSecondTurn(first);
    assertThat(body(second).get("messages")).isEqualTo(tree(SECOND_TURN_MESSAGES));
  }

  @Test
  void thinkingWithoutASignatureIsNotSentBack() throws Exception {
    server.enqueue(json(200, """
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"thinking","thinking":"unsigned"},{"type":"text","text":"Hi"}],
         "stop_reason":"end_turn","usage":{"input_tokens":1,"output_tokens":1}}"""));
    ChatResponse first = provider.chat(firstTurn(), Wire.FAIL_FAST);
    assertThat(first.reasoning()).isEqualTo("unsigned");
    server.takeRequest(5, TimeUnit.SECONDS);
    server.enqueue(json(200, AnthropicFixtures.TEXT_RESPONSE));
    provider.chat(firstTurn().toBuilder().message(first.message()).user("And?").build(),
        Wire.FAIL_FAST);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(body(second).get("messages").get(1))
        .isEqualTo(tree(
            "{\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}]}"));
  }

  @Test
  void aGeminiAnswerFailsOverToAnthropicWithoutItsSignatures() throws Exception {
    Message fromGemini = Message.assistantParts(
        List.of(ContentPart.reasoning("Gemini thinks.",
            ReasoningSignature.of(ReasoningSignature.GEMINI, "CiQBthought"))),
        List.of(new ToolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}",
            ReasoningSignature.of(ReasoningSignature.GEMINI, "CiQBcall"))));
    server.enqueue(json(200, AnthropicFixtures.TEXT_RESPONSE));
    provider.chat(firstTurn().toBuilder().message(fromGemini)
        .message(Message.tool("toolu_01", "{\"temp\":21}")).build(), Wire.FAIL_FAST);
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(body(request).get("messages").get(1)).isEqualTo(tree("""
        {"role":"assistant","content":[
          {"type":"tool_use","id":"toolu_01","name":"get_weather","input":{"city":"Paris"}}]}"""));
    assertThat(request.getBody().utf8()).doesNotContain("CiQB").doesNotContain("Gemini thinks");
  }

  @Test
  void aRefusalStopReasonIsARefusalInChatAndStream() {
    server.enqueue(json(200, """
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
         "content":[{"type":"text","text":"I can"}],
         "stop_reason":"refusal","usage":{"input_tokens":1,"output_tokens":2}}"""));
    ChatResponse chat = provider.chat(firstTurn(), Wire.FAIL_FAST);
    assertThat(chat.refusal()).isEmpty();
    assertThat(chat.text()).isEqualTo("I can");
    assertThat(chat.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);

    ChatResponse streamed = streamed(List.of(
        event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\","
            + "\"model\":\"claude-sonnet-4-5\",\"usage\":{\"input_tokens\":1}}}"),
        event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
            + "\"content_block\":{\"type\":\"text\",\"text\":\"I can\"}}"),
        event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
            + "\"refusal\"},\"usage\":{\"output_tokens\":2}}"),
        event("message_stop", "{\"type\":\"message_stop\"}")));
    assertThat(streamed.refusal()).isEmpty();
    assertThat(streamed.text()).isEqualTo("I can");
    assertThat(streamed.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
  }

  @Test
  void anOrdinaryAnswerIsNoRefusal() {
    server.enqueue(json(200, AnthropicFixtures.TEXT_RESPONSE));
    ChatResponse chat = provider.chat(firstTurn(), Wire.FAIL_FAST);
    assertThat(chat.refusal()).isNull();
    assertThat(chat.reasoning()).isEmpty();
  }
}
