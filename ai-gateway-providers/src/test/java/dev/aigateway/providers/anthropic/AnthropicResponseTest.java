package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.KEY;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.errorBody;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.json;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.conformance.Wire;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the Anthropic adapter reads plain replies and error bodies beyond the conformance kit. */
class AnthropicResponseTest {
  private final MockWebServer server = new MockWebServer();
  private AnthropicProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = provider(server).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private ChatResponse chat(String body) {
    server.enqueue(json(200, body));
    return provider.chat(ChatRequest.of("claude-sonnet-4-5", "hi"), Wire.FAIL_FAST);
  }

  private Throwable failure(MockResponse reply) {
    server.enqueue(reply);
    return catchThrowable(
        () -> provider.chat(ChatRequest.of("claude-sonnet-4-5", "hi"), Wire.FAIL_FAST));
  }

  private static String message(String content, String stopReason, String usage) {
    return """
        {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
         "content":%s,"stop_reason":%s,"stop_sequence":null,"usage":%s}"""
        .formatted(content, stopReason == null ? "null" : "\"" + stopReason + "\"", usage);
  }

  @Test
  void textAndToolUseBlocksBecomeTextAndToolCallsWithTheirIds() {
    ChatResponse r = chat(AnthropicFixtures.TOOL_CALLS_RESPONSE);
    assertThat(r.id()).isEqualTo("msg_02");
    assertThat(r.provider()).isEqualTo("anthropic");
    assertThat(r.model()).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(r.text()).isEqualTo("Let me check both.");
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("toolu_01A", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("toolu_01B", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(Usage.of(400, 90));
  }

  @Test
  void cacheTokensCountAsInputAndReadsAsCached() {
    ChatResponse r = chat(AnthropicFixtures.TEXT_RESPONSE);
    assertThat(r.usage()).isEqualTo(new Usage(19, 10, 29, 4, 0));
  }

  @Test
  void thinkingBlocksAreKeptApartFromTheTextAndTheirTokensReportedAsReasoning() {
    ChatResponse r = chat(message("""
        [{"type":"thinking","thinking":"Let me think: 2+2.","signature":"EqQBCgIYAhIM"},
         {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"},
         {"type":"text","text":"4"}]""", "end_turn",
        "{\"input_tokens\":20,\"output_tokens\":50,"
            + "\"output_tokens_details\":{\"thinking_tokens\":45}}"));
    assertThat(r.text()).isEqualTo("4");
    assertThat(r.reasoning()).isEqualTo("Let me think: 2+2.");
    assertThat(r.message().parts()).containsExactly(
        ContentPart.reasoning("Let me think: 2+2.",
            ReasoningSignature.of("anthropic", "EqQBCgIYAhIM")),
        ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwKAhgBEgy3va3pzix")),
        ContentPart.text("4"));
    assertThat(r.toolCalls()).isEmpty();
    assertThat(r.refusal()).isNull();
    assertThat(r.usage()).isEqualTo(new Usage(20, 50, 70, 0, 45));
  }

  @Test
  void unknownBlockTypesAreIgnored() {
    ChatResponse r = chat(message("""
        [{"type":"server_tool_use","id":"srvtoolu_1","name":"web_search","input":{"query":"q"}},
         {"type":"web_search_tool_result","tool_use_id":"srvtoolu_1","content":[]},
         {"type":"text","text":"Found it.","citations":[{"type":"web_search_result_location"}]}]
        """, "end_turn", "{\"input_tokens\":1,\"output_tokens\":1}"));
    assertThat(r.text()).isEqualTo("Found it.");
    assertThat(r.toolCalls()).as("server tools are not the application's to call").isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void toolCallsMakeTheFinishToolCallsUnlessTheAnswerWasCut() {
    String call = "[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\",\"input\":{}}]";
    String usage = "{\"input_tokens\":1,\"output_tokens\":1}";
    assertThat(chat(message(call, "end_turn", usage)).finishReason())
        .isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chat(message(call, "pause_turn", usage)).finishReason())
        .isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(chat(message(call, "max_tokens", usage)).finishReason())
        .isEqualTo(FinishReason.LENGTH);
    ChatResponse noStop = chat(message("[{\"type\":\"text\",\"text\":\"x\"}]", null, usage));
    assertThat(noStop.finishReason()).isEqualTo(FinishReason.OTHER);
    assertThat(chat(message(call, "end_turn", usage)).toolCalls().get(0).arguments())
        .isEqualTo("{}");
  }

  @Test
  void aReplyWithoutModelOrUsageReportsTheRequestedModelAndNoUsage() {
    ChatResponse r = chat("""
        {"id":"msg_1","type":"message","role":"assistant",
         "content":[{"type":"text","text":"ok"}],"stop_reason":"end_turn"}""");
    assertThat(r.model()).isEqualTo("claude-sonnet-4-5");
    assertThat(r.usage()).isNull();
  }

  @Test
  void malformedRepliesAreMalformedResponseExceptions() {
    String usage = "{\"input_tokens\":1,\"output_tokens\":1}";
    String[][] cases = {
        {"{\"id\":\"msg_1\",\"type\":\"message\",\"stop_reason\":\"end_turn\"}", "no content"},
        {message("\"text\"", "end_turn", usage), "no content"},
        {message("[{\"text\":\"x\"}]", "end_turn", usage), "has no type"},
        {message("[{\"type\":\"text\"}]", "end_turn", usage), "has no text"},
        {message("[{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{}}]", "tool_use", usage),
            "no id or name"},
        {message("[{\"type\":\"tool_use\",\"id\":\"t\",\"name\":\"f\",\"input\":\"{}\"}]",
            "tool_use", usage), "not a JSON object"}};
    for (String[] c : cases) {
      Throwable e = failure(json(200, c[0]));
      assertThat(e).as(c[0]).isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining(c[1]);
      assertThat(((ProviderException) e).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void anErrorObjectWithStatus200IsMappedByItsType() {
    Throwable e = failure(json(200, errorBody("overloaded_error", "Overloaded")));
    assertThat(e).isExactlyInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("Overloaded").hasMessageContaining("req_011CTEST");
    assertThat(((ProviderException) e).statusCode()).isEqualTo(529);
    assertThat(((ProviderException) e).errorCode()).isEqualTo("overloaded_error");
    assertThat(((ProviderException) e).retryable()).isTrue();
  }

  @Test
  void theOtherContextLimitMessageIsAContextLengthErrorToo() {
    Throwable e = failure(json(400, errorBody("invalid_request_error",
        "input length and `max_tokens` exceed context limit: 197442 + 8192 > 200000,"
            + " decrease input length or `max_tokens` and try again")));
    assertThat(e).isExactlyInstanceOf(ContextLengthExceededException.class);
  }

  @Test
  void aSpendLimit429IsNotRetryableButARateLimitIs() {
    Throwable spend = failure(new MockResponse.Builder().code(429)
        .setHeader("Content-Type", "application/json")
        .body("{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":"
            + "\"You have reached your specified API usage limits.\",\"details\":"
            + "{\"error_code\":\"enforced_spend_limit_reached\"}}}").build());
    assertThat(spend).isExactlyInstanceOf(ProviderRateLimitException.class);
    assertThat(((ProviderException) spend).retryable()).isFalse();
    Throwable limited = failure(json(429, errorBody("rate_limit_error", "Slow down")));
    assertThat(((ProviderException) limited).retryable()).isTrue();
    assertThat(((ProviderRateLimitException) limited).retryAfter()).isEmpty();
  }

  @Test
  void aVendorEchoingTheKeyNeverLeaksIt() {
    Throwable e = failure(json(401, errorBody("authentication_error", "invalid x-api-key " + KEY)));
    assertThat(e.getMessage()).contains("authentication_error").doesNotContain(KEY);
    assertThat(e.toString()).doesNotContain(KEY);
  }

  @Test
  void aReplyCutShortIsAMalformedResponseException() {
    String whole = AnthropicFixtures.TOOL_CALLS_RESPONSE;
    // every 11th byte (each cut costs a connection), and each of the last bytes
    for (int cut = 1; cut < whole.length(); cut += cut < whole.length() - 12 ? 11 : 1) {
      Throwable e = failure(json(200, whole.substring(0, cut)));
      assertThat(e).as("cut at %d", cut).isInstanceOf(MalformedResponseException.class);
      assertThat(((ProviderException) e).statusCode()).isEqualTo(200);
    }
  }

  @Test
  void toolUseInputRoundTripsExactlyToTheArguments() {
    String input = "{\"city\":\"Zürich\",\"tags\":[\"日本\",\"😀\",[],{}],"
        + "\"nested\":{\"deep\":{\"list\":[1,-2,3.5,true,false,null,{\"k\":\"v\"}]}},"
        + "\"escaped\":\"a \\\"quote\\\", a \\\\ and a\\nnewline\\t\\u0001\","
        + "\"big\":12345678901234567890,\"empty\":\"\"}";
    // input first: a block's fields may come in any order
    ChatResponse r = chat(message("[{\"input\":" + input + ",\"type\":\"tool_use\","
        + "\"id\":\"toolu_1\",\"name\":\"f\"}]", "tool_use",
        "{\"input_tokens\":1,\"output_tokens\":1}"));
    assertThat(r.toolCalls()).containsExactly(ToolCall.of("toolu_1", "f", input));
    assertThat(AnthropicFixtures.tree(r.toolCalls().get(0).arguments()))
        .isEqualTo(AnthropicFixtures.tree(input));
  }

  @Test
  void toolUseInputWithEscapedUnicodeBecomesTheSameJson() {
    ChatResponse r = chat(message("[{\"type\":\"tool_use\",\"id\":\"toolu_1\",\"name\":\"f\","
        + "\"input\":{\"q\":\"caf\\u00e9 \\ud83d\\ude00\\/\"}}]", "tool_use",
        "{\"input_tokens\":1,\"output_tokens\":1}"));
    assertThat(r.toolCalls().get(0).arguments()).isEqualTo("{\"q\":\"café 😀/\"}");
  }

  @Test
  void anErrorObjectIsRecognisedWhereverItsTypeStands() {
    Throwable e = failure(json(200, "{\"error\":{\"type\":\"overloaded_error\","
        + "\"message\":\"Overloaded\"},\"request_id\":\"req_011CTEST\",\"type\":\"error\"}"));
    assertThat(e).isExactlyInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("Overloaded").hasMessageContaining("req_011CTEST");
    assertThat(((ProviderException) e).statusCode()).isEqualTo(529);
  }
}
