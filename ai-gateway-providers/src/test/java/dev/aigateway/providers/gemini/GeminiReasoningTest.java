package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
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
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Gemini's thinking: thought parts are reasoning, and a function-call turn goes back with its
 * {@code thoughtSignature} on the same part and Gemini's own call ids (Gemini 3 rejects a
 * function-call turn without its signature).
 */
class GeminiReasoningTest {
  private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather", "Weather",
      "{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"}}}");

  static final String TOOL_TURN = """
      {"candidates":[{"content":{"role":"model","parts":[
        {"text":"I should look up both.","thought":true},
        {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},
         "thoughtSignature":"CiQB0e2Kb+sig/1=="},
        {"functionCall":{"id":"fc-2","name":"get_weather","args":{"city":"Rome"}}}]},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":7,
        "totalTokenCount":22},
       "modelVersion":"gemini-3-pro-preview","responseId":"resp-1"}""";

  static final String[] TOOL_TURN_STREAM = {
      """
      {"candidates":[{"content":{"role":"model","parts":[\
      {"text":"I should look ","thought":true}]},"index":0}],\
      "modelVersion":"gemini-3-pro-preview","responseId":"resp-1"}""",
      """
      {"candidates":[{"content":{"role":"model","parts":[\
      {"text":"up both.","thought":true}]},"index":0}],\
      "modelVersion":"gemini-3-pro-preview","responseId":"resp-1"}""",
      """
      {"candidates":[{"content":{"role":"model","parts":[\
      {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},\
      "thoughtSignature":"CiQB0e2Kb+sig/1=="},\
      {"functionCall":{"id":"fc-2","name":"get_weather","args":{"city":"Rome"}}}]},\
      "finishReason":"STOP","index":0}],\
      "usageMetadata":{"promptTokenCount":10,"candidatesTokenCount":5,"thoughtsTokenCount":7,\
      "totalTokenCount":22},"modelVersion":"gemini-3-pro-preview","responseId":"resp-1"}"""
  };

  /**
   * The second request's contents, exactly: the signature on the first call's part, the ids on
   * the calls and on their responses; the unsigned thought summary is not sent back.
   */
  static final String SECOND_TURN_CONTENTS = """
      [{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
       {"role":"model","parts":[
         {"functionCall":{"id":"fc-1","name":"get_weather","args":{"city":"Paris"}},
          "thoughtSignature":"CiQB0e2Kb+sig/1=="},
         {"functionCall":{"id":"fc-2","name":"get_weather","args":{"city":"Rome"}}}]},
       {"role":"user","parts":[
         {"functionResponse":{"id":"fc-1","name":"get_weather","response":{"temp":21}}},
         {"functionResponse":{"id":"fc-2","name":"get_weather","response":{"temp":25}}}]}]""";

  private final MockWebServer server = new MockWebServer();
  private GeminiProvider provider;

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
    return ChatRequest.builder().model("gemini-3-pro-preview").user("Weather in Paris and Rome?")
        .tool(WEATHER).build();
  }

  static ChatRequest secondTurn(ChatResponse first) {
    return firstTurn().toBuilder()
        .message(first.message())
        .message(Message.tool(first.toolCalls().get(0).id(), "{\"temp\":21}"))
        .message(Message.tool(first.toolCalls().get(1).id(), "{\"temp\":25}"))
        .build();
  }

  private ChatResponse chat(String body) {
    server.enqueue(Wire.json(200, body));
    return provider.chat(firstTurn(), Wire.FAIL_FAST);
  }

  private ChatResponse streamed(String... events) {
    server.enqueue(Wire.sse(Wire.dataEvents(events)));
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
    server.enqueue(Wire.json(200, GeminiFixtures.TEXT_RESPONSE));
    provider.chat(secondTurn(first), Wire.FAIL_FAST);
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void thoughtPartsAreReasoningAndTheSignatureStaysOnItsCall() {
    ChatResponse r = chat(TOOL_TURN);
    assertThat(r.reasoning()).isEqualTo("I should look up both.");
    assertThat(r.text()).isEmpty();
    assertThat(r.toolCalls()).containsExactly(
        new ToolCall("fc-1", "get_weather", "{\"city\":\"Paris\"}",
            ReasoningSignature.of("gemini", "CiQB0e2Kb+sig/1==")),
        ToolCall.of("fc-2", "get_weather", "{\"city\":\"Rome\"}"));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage().reasoningTokens()).isEqualTo(7);
  }

  @Test
  void aStreamFoldsToTheSameAnswer() {
    assertThat(streamed(TOOL_TURN_STREAM).message()).isEqualTo(chat(TOOL_TURN).message());
  }

  @Test
  void aToolLoopSendsTheSignatureAndTheIdsBack() throws Exception {
    RecordedRequest second = sendSecondTurn(chat(TOOL_TURN));
    assertThat(Wire.body(second).get("contents")).isEqualTo(Wire.tree(SECOND_TURN_CONTENTS));
  }

  @Test
  void aToolLoopFromAFoldedStreamSendsTheSameParts() throws Exception {
    RecordedRequest second = sendSecondTurn(streamed(TOOL_TURN_STREAM));
    assertThat(Wire.body(second).get("contents")).isEqualTo(Wire.tree(SECOND_TURN_CONTENTS));
  }

  @Test
  void signedThoughtsAndATextSignatureGoBackOnTheirParts() throws Exception {
    ChatResponse first = chat("""
        {"candidates":[{"content":{"role":"model","parts":[
          {"text":"Thinking.","thought":true,"thoughtSignature":"sigA"},
          {"text":"Hello","thoughtSignature":"sigB"}]},"finishReason":"STOP","index":0}],
         "modelVersion":"gemini-3-pro-preview"}""");
    assertThat(first.text()).isEqualTo("Hello");
    assertThat(first.reasoning()).isEqualTo("Thinking.");
    server.takeRequest(5, TimeUnit.SECONDS);
    server.enqueue(Wire.json(200, GeminiFixtures.TEXT_RESPONSE));
    provider.chat(firstTurn().toBuilder().message(first.message()).user("More").build(),
        Wire.FAIL_FAST);
    RecordedRequest second = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(Wire.body(second).get("contents").get(1)).isEqualTo(Wire.tree("""
        {"role":"model","parts":[
          {"text":"Thinking.","thought":true,"thoughtSignature":"sigA"},
          {"text":"Hello","thoughtSignature":"sigB"}]}"""));
  }

  @Test
  void aStreamedTextSignatureStaysOffTheThoughtBeforeIt() {
    String whole = """
        {"candidates":[{"content":{"role":"model","parts":[
          {"text":"Pondering.","thought":true},
          {"text":"Hello"},{"text":" there","thoughtSignature":"sigT"}]},
          "finishReason":"STOP","index":0}],"modelVersion":"gemini-3-pro-preview"}""";
    ChatResponse chat = chat(whole);
    assertThat(chat.message().parts()).containsExactly(
        ContentPart.reasoning("Pondering."),
        ContentPart.reasoning("", ReasoningSignature.of("gemini", "sigT")),
        ContentPart.text("Hello there"));
    ChatResponse streamed = streamed(
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
            + "{\"text\":\"Pondering.\",\"thought\":true}]},\"index\":0}]}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
            + "{\"text\":\"Hello\"}]},\"index\":0}]}",
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":["
            + "{\"text\":\" there\",\"thoughtSignature\":\"sigT\"}]},"
            + "\"finishReason\":\"STOP\",\"index\":0}]}");
    assertThat(streamed.message()).isEqualTo(chat.message());
  }

  @Test
  void anotherVendorsSignedReasoningIsNotSentToGemini() throws Exception {
    Message fromClaude = Message.assistantParts(
        java.util.List.of(
            ContentPart.reasoning("Claude thinks.", ReasoningSignature.of("anthropic", "EqQB")),
            ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK"))),
        java.util.List.of(new ToolCall("toolu_01", "get_weather", "{\"city\":\"Paris\"}",
            ReasoningSignature.of("anthropic", "never-sent"))));
    server.enqueue(Wire.json(200, GeminiFixtures.TEXT_RESPONSE));
    provider.chat(firstTurn().toBuilder().message(fromClaude)
        .message(Message.tool("toolu_01", "{\"temp\":21}")).build(), Wire.FAIL_FAST);
    RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(Wire.body(request).get("contents")).isEqualTo(Wire.tree("""
        [{"role":"user","parts":[{"text":"Weather in Paris and Rome?"}]},
         {"role":"model","parts":[
           {"functionCall":{"name":"get_weather","args":{"city":"Paris"}}}]},
         {"role":"user","parts":[
           {"functionResponse":{"name":"get_weather","response":{"temp":21}}}]}]"""));
  }
}
