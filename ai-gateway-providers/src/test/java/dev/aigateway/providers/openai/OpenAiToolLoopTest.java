package dev.aigateway.providers.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A two-turn tool loop over the Chat Completions format (OpenAI and Azure): the assistant message
 * of the first answer, plain or streamed, and the tool result go out as the second request;
 * reasoning text is not sent back, nor is another vendor's signed reasoning.
 */
class OpenAiToolLoopTest {
  private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

  private static final String TOOL_TURN = """
      {"id":"chatcmpl-1","object":"chat.completion","model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,
         "reasoning_content":"Need the weather tool.","tool_calls":[
         {"id":"call_a","type":"function","function":{"name":"get_weather",
           "arguments":"{\\"city\\":\\"Paris\\"}"}}]},"finish_reason":"tool_calls"}],
       "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15}}""";

  static final String[] TOOL_TURN_STREAM = {
      "{\"id\":\"c-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"reasoning_content\":\"Need the weather tool.\"}}]}",
      "{\"id\":\"c-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\":\"}}]}}]}",
      "{\"id\":\"c-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}}]}",
      "{\"id\":\"c-1\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
      "[DONE]"};

  private static final String SECOND_TURN_MESSAGES = """
      [{"role":"user","content":"Weather in Paris?"},
       {"role":"assistant","content":null,"tool_calls":[
         {"id":"call_a","type":"function",
          "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
       {"role":"tool","tool_call_id":"call_a","content":"{\\"temp\\":21}"}]""";

  private final MockWebServer server = new MockWebServer();
  private ChatProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (provider != null) {
      provider.close();
    }
    server.close();
  }

  private ChatProvider vendor(String vendor) {
    provider = vendor.equals("azure")
        ? AzureOpenAiProvider.builder().baseUrl(server.url("/").toString())
            .apiKey(Secret.of("azure-test-key")).build()
        : OpenAiFixtures.provider(server).build();
    return provider;
  }

  private static ChatRequest firstTurn() {
    return ChatRequest.builder().model("gpt-4o").user("Weather in Paris?").tool(WEATHER).build();
  }

  private static ChatRequest secondTurn(Message assistant, String callId) {
    return firstTurn().toBuilder()
        .message(assistant)
        .message(Message.tool(callId, "{\"temp\":21}"))
        .build();
  }

  private ChatResponse streamed(ChatProvider p) {
    server.enqueue(OpenAiFixtures.sse(TOOL_TURN_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(firstTurn()).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isNull();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }

  private RecordedRequest secondRequest(ChatProvider p, Message assistant, String callId)
      throws Exception {
    server.enqueue(Wire.json(200, OpenAiFixtures.TEXT_RESPONSE));
    p.chat(secondTurn(assistant, callId), Wire.FAIL_FAST);
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "azure"})
  void theAnswerOfAPlainCallGoesBackWithTheToolResult(String vendor) throws Exception {
    ChatProvider p = vendor(vendor);
    server.enqueue(Wire.json(200, TOOL_TURN));
    ChatResponse first = p.chat(firstTurn(), Wire.FAIL_FAST);
    assertThat(first.reasoning()).isEqualTo("Need the weather tool.");
    server.takeRequest(5, TimeUnit.SECONDS);

    RecordedRequest second = secondRequest(p, first.message(), first.toolCalls().get(0).id());
    assertThat(Wire.body(second).get("messages")).isEqualTo(Wire.tree(SECOND_TURN_MESSAGES));
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "azure"})
  void theAnswerOfAFoldedStreamGoesBackTheSameWay(String vendor) throws Exception {
    ChatProvider p = vendor(vendor);
    ChatResponse first = streamed(p);
    assertThat(first.reasoning()).isEqualTo("Need the weather tool.");
    server.takeRequest(5, TimeUnit.SECONDS);

    RecordedRequest second = secondRequest(p, first.message(), first.toolCalls().get(0).id());
    assertThat(Wire.body(second).get("messages")).isEqualTo(Wire.tree(SECOND_TURN_MESSAGES));
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "azure"})
  void anAnthropicAnswerWithSignedThinkingFailsOverWithoutItsState(String vendor)
      throws Exception {
    // The first turn is Claude's, over the wire; the second goes to the Chat Completions vendor.
    ChatResponse claude;
    try (AnthropicProvider anthropic = AnthropicProvider.builder()
        .baseUrl(server.url("/").toString()).apiKey(Secret.of("sk-ant-test")).build()) {
      server.enqueue(Wire.json(200, """
          {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
           "content":[
            {"type":"thinking","thinking":"Need the weather tool.","signature":"EqQBsig"},
            {"type":"redacted_thinking","data":"EmwKdata"},
            {"type":"tool_use","id":"call_a","name":"get_weather","input":{"city":"Paris"}}],
           "stop_reason":"tool_use","usage":{"input_tokens":10,"output_tokens":5}}"""));
      claude = anthropic.chat(firstTurn(), Wire.FAIL_FAST);
      server.takeRequest(5, TimeUnit.SECONDS);
    }
    assertThat(claude.message().parts()).hasSize(2);

    RecordedRequest second = secondRequest(vendor(vendor), claude.message(), "call_a");
    assertThat(Wire.body(second).get("messages")).isEqualTo(Wire.tree(SECOND_TURN_MESSAGES));
    assertThat(second.getBody().utf8())
        .doesNotContain("EqQBsig").doesNotContain("EmwKdata").doesNotContain("Need the weather");
  }

  @ParameterizedTest
  @ValueSource(strings = {"openai", "azure"})
  void aGeminiSignatureOnACallIsNotSent(String vendor) throws Exception {
    Message fromGemini = Message.assistantParts(
        List.of(ContentPart.reasoning("", ReasoningSignature.of("gemini", "CiQBsig"))),
        List.of(new ToolCall("call_a", "get_weather", "{\"city\":\"Paris\"}",
            ReasoningSignature.of("gemini", "CiQBcallsig"))));
    RecordedRequest second = secondRequest(vendor(vendor), fromGemini, "call_a");
    assertThat(Wire.body(second).get("messages")).isEqualTo(Wire.tree(SECOND_TURN_MESSAGES));
  }
}
