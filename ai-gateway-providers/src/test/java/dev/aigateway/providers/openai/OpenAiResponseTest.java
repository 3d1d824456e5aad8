package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.TOOL_CALLS_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.TOOL_CALLS_WITH_STOP_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static dev.aigateway.providers.openai.OpenAiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.conformance.Wire;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** How every documented reply shape maps onto ChatResponse. */
class OpenAiResponseTest {
  private final MockWebServer server = new MockWebServer();
  private OpenAiProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = provider(server).build();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private ChatResponse reply(MockResponse response) {
    server.enqueue(response);
    return provider.chat(ChatRequest.of("gpt-4o", "hi"), Wire.FAIL_FAST);
  }

  @Test
  void aTextAnswerWithCachedAndReasoningTokens() {
    ChatResponse r = reply(json(200, TEXT_RESPONSE));
    assertThat(r.id()).isEqualTo("chatcmpl-123");
    assertThat(r.provider()).isEqualTo("openai");
    assertThat(r.model()).isEqualTo("gpt-4o-2024-08-06");
    assertThat(r.text()).isEqualTo("Hello there!");
    assertThat(r.toolCalls()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(19, 10, 29, 4, 2));
    assertThat(r.attempts()).isEqualTo(1);
  }

  @Test
  void anAudioAnswerIsReadAsItsTranscript() {
    ChatResponse r = reply(json(200, """
        {"id":"chatcmpl-a1","object":"chat.completion","model":"gpt-4o-audio-preview",
         "choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":null,
           "audio":{"id":"audio_1","data":"UklGRiQAAABXQVZF","expires_at":1729018505,
                    "transcript":"Yes, golden retrievers are good family dogs."}},
           "finish_reason":"stop"}],
         "usage":{"prompt_tokens":17,"completion_tokens":12,"total_tokens":29}}
        """));
    assertThat(r.text()).isEqualTo("Yes, golden retrievers are good family dogs.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void parallelToolCalls() {
    ChatResponse r = reply(json(200, TOOL_CALLS_RESPONSE));
    assertThat(r.text()).isEmpty();
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("call_a", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("call_b", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(Usage.of(80, 40));
  }

  @ParameterizedTest
  @CsvSource({"stop,STOP", "length,LENGTH", "tool_calls,TOOL_CALLS",
      "function_call,TOOL_CALLS", "content_filter,CONTENT_FILTER", "something_new,OTHER"})
  void finishReasons(String wire, FinishReason expected) {
    String body = TEXT_RESPONSE.replace("\"finish_reason\":\"stop\"",
        "\"finish_reason\":\"" + wire + "\"");
    assertThat(body).as("the fixture carries the reason under test")
        .contains("\"finish_reason\":\"" + wire + "\"");
    ChatResponse r = reply(json(200, body));
    assertThat(r.finishReason()).isEqualTo(expected);
  }

  @Test
  void toolCallsWithAStopReasonAreStillToolCalls() {
    assertThat(TOOL_CALLS_WITH_STOP_RESPONSE).as("the fixture says stop, and holds tool calls")
        .contains("\"finish_reason\":\"stop\"").contains("\"tool_calls\":[")
        .doesNotContain("\"finish_reason\":\"tool_calls\"");
    ChatResponse r = reply(json(200, TOOL_CALLS_WITH_STOP_RESPONSE));
    assertThat(r.toolCalls()).extracting(ToolCall::name).containsExactly("get_weather", "get_time");
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void aRefusalIsKeptApartFromTheTextWithAContentFilterFinish() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant",
         "content":null,"refusal":"I can't help with that."},"finish_reason":"stop"}]}"""));
    assertThat(r.refusal()).isEqualTo("I can't help with that.");
    assertThat(r.text()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.CONTENT_FILTER);
    assertThat(r.usage()).isNull();
  }

  @Test
  void anAnswerIsNoRefusal() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"gpt-4o","choices":[{"index":0,"message":{"role":"assistant",
         "content":"Sure.","refusal":null},"finish_reason":"stop"}]}"""));
    assertThat(r.refusal()).isNull();
    assertThat(r.text()).isEqualTo("Sure.");
    assertThat(r.reasoning()).isEmpty();
  }

  @Test
  void reasoningContentIsKeptApartFromTheAnswer() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"deepseek-reasoner","choices":[{"index":0,"message":{"role":"assistant",
         "reasoning_content":"9.11 < 9.9 since 0.11 < 0.90.","content":"9.9 is larger."},
         "finish_reason":"stop"}],
         "usage":{"prompt_tokens":5,"completion_tokens":20,"total_tokens":25,
          "completion_tokens_details":{"reasoning_tokens":12}}}"""));
    assertThat(r.reasoning()).isEqualTo("9.11 < 9.9 since 0.11 < 0.90.");
    assertThat(r.text()).isEqualTo("9.9 is larger.");
    assertThat(r.usage().reasoningTokens()).isEqualTo(12);
    assertThat(r.message().parts()).extracting(p -> p.getClass().getSimpleName())
        .containsExactly("Reasoning", "Text");
  }

  @Test
  void openRouterAndGroqReasoningIsKept() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"qwen/qwq","choices":[{"index":0,"message":{"role":"assistant",
         "reasoning":"Let me think.","content":"42"},"finish_reason":"stop"}]}"""));
    assertThat(r.reasoning()).isEqualTo("Let me think.");
    assertThat(r.text()).isEqualTo("42");
  }

  @Test
  void mistralThinkingPartsAreReasoningNotText() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"magistral-medium-2509","choices":[{"index":0,"message":{
         "role":"assistant","content":[
          {"type":"thinking","thinking":[{"type":"text","text":"Step one. "},
                                         {"type":"text","text":"Step two."}]},
          {"type":"text","text":"The answer."}]},"finish_reason":"stop"}]}"""));
    assertThat(r.reasoning()).isEqualTo("Step one. Step two.");
    assertThat(r.text()).isEqualTo("The answer.");
  }

  @Test
  void compatibleServersArrayContentAndCacheHitTokens() {
    ChatResponse r = reply(json(200, """
        {"id":"x","model":"deepseek-chat","choices":[{"index":0,"message":{"role":"assistant",
         "content":[{"type":"thinking","thinking":"hmm"},{"type":"text","text":"Bonjour"}]},
         "finish_reason":"stop"}],
         "usage":{"prompt_tokens":10,"completion_tokens":1,"total_tokens":11,
          "prompt_cache_hit_tokens":6,"prompt_cache_miss_tokens":4}}"""));
    assertThat(r.text()).isEqualTo("Bonjour");
    assertThat(r.usage().cachedInputTokens()).isEqualTo(6);
  }

  @Test
  void aReplyWithoutChoicesIsMalformed() {
    assertThatThrownBy(() -> reply(json(200, "{\"id\":\"x\",\"choices\":[]}")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("no choices")
        .satisfies(e -> assertThat(((MalformedResponseException) e).statusCode()).isEqualTo(200));
  }

  @Test
  void argumentsSentAsAnObjectAreKeptAsTheirExactJsonAndUnknownFieldsAreSkipped() {
    // Some compatible servers send the arguments as an object; unknown fields at every level,
    // nested deeply, must not disturb the fields read after them.
    ChatResponse r = reply(json(200, """
        {"id":"c1","x":{"a":[1,{"b":[[]]}]},"choices":[{"index":0,"logprobs":{"content":[{"t":1}]},
         "message":{"role":"assistant","content":null,"annotations":[{"u":{"v":"w"}}],
          "tool_calls":[{"id":"call_1","type":"function","function":{"name":"f",
           "arguments":{"city":"Zürich","n":1.50,"big":12345678901234567890,"list":[true,null]}}}]},
         "finish_reason":"tool_calls"}],"model":"m1","usage":{"prompt_tokens":3,
         "completion_tokens":4,"prompt_tokens_details":{"cached_tokens":1}}}
        """));

    assertThat(r.id()).isEqualTo("c1");
    assertThat(r.model()).isEqualTo("m1");
    assertThat(r.toolCalls()).containsExactly(ToolCall.of("call_1", "f",
        "{\"city\":\"Zürich\",\"n\":1.50,\"big\":12345678901234567890,\"list\":[true,null]}"));
    assertThat(r.usage()).isEqualTo(new Usage(3, 4, 7, 1, 0));
  }

  @Test
  void aBodyThatBreaksOffInsideTheMessageIsMalformedAndSaysWhere() {
    assertThatThrownBy(() -> reply(json(200,
        "{\"id\":\"x\",\"choices\":[{\"message\":{\"content\":\"hel")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected a JSON object")
        .hasMessageContaining("breaks off or is broken at byte")
        .hasNoCause();
  }

  @Test
  void aTruncatedJsonBodyIsMalformedNotAJacksonException() {
    assertThatThrownBy(() -> reply(json(200, "{\"id\":\"x\",\"choices\":[{\"ind")))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected a JSON object")
        .hasNoCause();
  }

  @Test
  void anHtmlPageWithStatus200IsMalformedAndSaysWhatItWas() {
    MockResponse html = new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/html")
        .body("<html><head><title>Captive portal login</title></head><body>..</body></html>")
        .build();
    assertThatThrownBy(() -> reply(html))
        .isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("text/html").hasMessageContaining("Captive portal login");
  }

  @Test
  void anErrorObjectWithStatus200IsAnError() {
    assertThatThrownBy(() -> reply(json(200,
            "{\"error\":{\"message\":\"model overloaded\",\"type\":\"server_error\"}}")))
        .isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("model overloaded");
  }
}
