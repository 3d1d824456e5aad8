package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.KEY;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.TEXT_STREAM;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.body;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.json;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.provider;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.sse;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.Secret;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** What the Anthropic adapter puts on the wire: the exact JSON body and headers. */
class AnthropicRequestTest {
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
          + "\"required\":[\"location\"]}";

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordedRequest send(AnthropicProvider provider, ChatRequest request) throws Exception {
    server.enqueue(json(200, TEXT_RESPONSE));
    provider.chat(request, Wire.FAIL_FAST);
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  private void assertRejectedBeforeSending(ChatRequest request, String... messageParts) {
    AnthropicProvider p = provider(server).build();
    assertThatThrownBy(() -> p.chat(request, Wire.FAIL_FAST))
        .isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageStartingWith("anthropic: ")
        .hasMessageContainingAll(messageParts)
        .satisfies(e -> assertThat(((ProviderException) e).statusCode()).isZero());
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(request).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).as("the stream fails the same way")
        .isExactlyInstanceOf(InvalidRequestException.class)
        .hasMessageContainingAll(messageParts);
    assertThat(server.getRequestCount()).as("nothing was sent").isZero();
  }

  @Test
  void aMinimalRequestAndItsHeaders() throws Exception {
    RecordedRequest r = send(provider(server).header("X-Trace", "abc").build(),
        ChatRequest.of("claude-haiku-4-5", "Hello"));
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/messages");
    assertThat(r.getHeaders().get("x-api-key")).isEqualTo(KEY);
    assertThat(r.getHeaders().get("anthropic-version")).isEqualTo("2023-06-01");
    assertThat(r.getHeaders().get("anthropic-beta")).isNull();
    assertThat(r.getHeaders().get("Authorization")).isNull();
    assertThat(r.getHeaders().get("X-Trace")).isEqualTo("abc");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(body(r)).as("max_tokens is always sent, 4096 by default").isEqualTo(tree("""
        {"model":"claude-haiku-4-5","max_tokens":4096,
         "messages":[{"role":"user","content":"Hello"}]}"""));
  }

  @Test
  void versionAndBetaHeadersAreConfigurable() throws Exception {
    RecordedRequest r = send(provider(server).version("2024-09-01")
            .beta("prompt-caching-2024-07-31", "output-128k-2025-02-19")
            .beta("prompt-caching-2024-07-31", "context-1m-2025-08-07").build(),
        ChatRequest.of("m", "hi"));
    assertThat(r.getHeaders().get("anthropic-version")).isEqualTo("2024-09-01");
    assertThat(r.getHeaders().get("anthropic-beta"))
        .isEqualTo("prompt-caching-2024-07-31,output-128k-2025-02-19,context-1m-2025-08-07");
  }

  @Test
  void theDefaultMaxTokensIsConfigurableAndTheRequestsOwnWins() throws Exception {
    AnthropicProvider p = provider(server).defaultMaxTokens(1000).build();
    assertThat(body(send(p, ChatRequest.of("m", "hi"))).get("max_tokens").asInt())
        .isEqualTo(1000);
    assertThat(body(send(p, ChatRequest.builder().model("m").user("hi").maxTokens(300).build()))
        .get("max_tokens").asInt()).isEqualTo(300);
  }

  @Test
  void everyRoleAndSettingIsMapped() throws Exception {
    ChatRequest request = ChatRequest.builder()
        .model("claude-sonnet-4-5")
        .system("Be brief.")
        .user("Weather in Paris and Rome?")
        .message(Message.assistant("Checking both.", List.of(
            ToolCall.of("toolu_a", "get_weather", "{\"location\":\"Paris\"}"),
            ToolCall.of("toolu_b", "get_weather", "{\"location\": \"Rome\"}"))))
        .message(Message.tool("toolu_a", "{\"temp\":21}"))
        .message(Message.tool("toolu_b", "{\"temp\":25}"))
        .user("And in Kelvin?")
        .system("Answer in French.")
        .message(Message.assistant("294 K et 298 K."))
        .user("Thanks")
        .temperature(0.5).topP(0.9).maxTokens(256).stop("END", "STOP")
        .tool(ToolDefinition.of("get_weather", "Current weather", WEATHER_SCHEMA))
        .toolChoice(ToolChoice.tool("get_weather"))
        .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}"))
        .seed(42L).clientId("tenant-1").metadata("k", "v")
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"claude-sonnet-4-5","max_tokens":256,
         "system":"Be brief.\\n\\nAnswer in French.",
         "messages":[
           {"role":"user","content":"Weather in Paris and Rome?"},
           {"role":"assistant","content":[
             {"type":"text","text":"Checking both."},
             {"type":"tool_use","id":"toolu_a","name":"get_weather","input":{"location":"Paris"}},
             {"type":"tool_use","id":"toolu_b","name":"get_weather","input":{"location":"Rome"}}]},
           {"role":"user","content":[
             {"type":"tool_result","tool_use_id":"toolu_a","content":"{\\"temp\\":21}"},
             {"type":"tool_result","tool_use_id":"toolu_b","content":"{\\"temp\\":25}"},
             {"type":"text","text":"And in Kelvin?"}]},
           {"role":"assistant","content":"294 K et 298 K."},
           {"role":"user","content":"Thanks"}],
         "temperature":0.5,"top_p":0.9,"stop_sequences":["END","STOP"],
         "tools":[{"name":"get_weather","description":"Current weather",
           "input_schema":{"type":"object","properties":{"location":{"type":"string"}},
             "required":["location"]}}],
         "tool_choice":{"type":"tool","name":"get_weather"},
         "output_config":{"format":{"type":"json_schema","schema":{"type":"object"}}}}"""));
  }

  @Test
  void eachToolChoiceHasItsAnthropicForm() throws Exception {
    ChatRequest.Builder base = ChatRequest.builder().model("m").user("x")
        .tool(ToolDefinition.of("f", null, "{\"type\":\"object\"}"));
    AnthropicProvider p = provider(server).build();
    assertThat(body(send(p, base.toolChoice(ToolChoice.auto()).build())).get("tool_choice"))
        .isEqualTo(tree("{\"type\":\"auto\"}"));
    assertThat(body(send(p, base.toolChoice(ToolChoice.required()).build())).get("tool_choice"))
        .isEqualTo(tree("{\"type\":\"any\"}"));
    assertThat(body(send(p, base.toolChoice(ToolChoice.tool("f")).build())).get("tool_choice"))
        .isEqualTo(tree("{\"type\":\"tool\",\"name\":\"f\"}"));
    assertThat(body(send(p, base.toolChoice(ToolChoice.none()).build())).get("tool_choice"))
        .isEqualTo(tree("{\"type\":\"none\"}"));
    RecordedRequest r = send(p, base.toolChoice(null).build());
    assertThat(body(r).has("tool_choice")).as("unset: Anthropic's default").isFalse();
    assertThat(body(r).get("tools"))
        .as("no description when the tool has none")
        .isEqualTo(tree("[{\"name\":\"f\",\"input_schema\":{\"type\":\"object\"}}]"));
  }

  @Test
  void consecutiveAssistantTurnsAreMergedAndATextOnlyTurnUsesTheStringShorthand()
      throws Exception {
    RecordedRequest r = send(provider(server).build(), ChatRequest.builder().model("m")
        .user("a").message(Message.assistant("b")).message(Message.assistant("c"))
        .user("d").build());
    assertThat(body(r).get("messages")).isEqualTo(tree("""
        [{"role":"user","content":"a"},
         {"role":"assistant","content":[{"type":"text","text":"b"},{"type":"text","text":"c"}]},
         {"role":"user","content":"d"}]"""));
  }

  @Test
  void imagesTravelAsBase64AndAsUrlSourcesAndDataUrlsAsBase64() throws Exception {
    ChatRequest request = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.text("What is in these?"),
            ContentPart.imageUrl("https://example.com/cat.png"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/jpeg"),
            ContentPart.imageUrl("data:image/webp;base64,AQID")))
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r).get("messages")).isEqualTo(tree("""
        [{"role":"user","content":[
          {"type":"text","text":"What is in these?"},
          {"type":"image","source":{"type":"url","url":"https://example.com/cat.png"}},
          {"type":"image","source":{"type":"base64","media_type":"image/jpeg","data":"AQID"}},
          {"type":"image","source":{"type":"base64","media_type":"image/webp","data":"AQID"}}]}]
        """));
  }

  @Test
  void plainTextResponseFormatSendsNothing() throws Exception {
    RecordedRequest r = send(provider(server).build(), ChatRequest.builder().model("m").user("x")
        .responseFormat(ResponseFormat.text()).build());
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"m","max_tokens":4096,"messages":[{"role":"user","content":"x"}]}"""));
  }

  @Test
  void extraFieldsPassThroughAndReplaceMappedOnes() throws Exception {
    ChatRequest request = ChatRequest.builder().model("claude-opus-4-1").system("s").user("x")
        .temperature(0.2).maxTokens(100).responseFormat(ResponseFormat.jsonObject())
        .extra("thinking", Map.of("type", "enabled", "budget_tokens", 2048))
        .extra("temperature", 1)
        .extra("max_tokens", 8000)
        .extra("system", List.of(Map.of("type", "text", "text", "cached",
            "cache_control", Map.of("type", "ephemeral"))))
        .extra("output_config", Map.of("effort", "low"))
        .extra("metadata", Map.of("user_id", "u-42"))
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"claude-opus-4-1","messages":[{"role":"user","content":"x"}],
         "thinking":{"type":"enabled","budget_tokens":2048},"temperature":1,"max_tokens":8000,
         "system":[{"type":"text","text":"cached","cache_control":{"type":"ephemeral"}}],
         "output_config":{"effort":"low"},"metadata":{"user_id":"u-42"}}"""));
  }

  @Test
  void aStreamAsksForSse() throws Exception {
    server.enqueue(sse(TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider(server).build().stream(ChatRequest.of("m", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"m","max_tokens":4096,"messages":[{"role":"user","content":"hi"}],
         "stream":true}"""));
  }

  @Test
  void toolCallArgumentsThatAreNotAJsonObjectAreRejectedNamingTheCall() {
    for (String arguments : new String[] {"{\"location\": Paris}", "[1,2]"}) {
      ChatRequest request = ChatRequest.builder().model("m").user("x")
          .message(Message.assistant(List.of(ToolCall.of("toolu_9", "get_weather", arguments))))
          .message(Message.tool("toolu_9", "ok")).build();
      assertRejectedBeforeSending(request, "toolu_9", "get_weather");
    }
  }

  @Test
  void anInvalidToolSchemaIsRejectedBeforeAnythingIsSent() {
    assertRejectedBeforeSending(ChatRequest.builder().model("m").user("x")
        .tool(ToolDefinition.of("f", null, "{\"type\": object}")).build(),
        "tool 'f'", "not valid JSON");
  }

  @Test
  void anyJsonObjectOutputHasNoAnthropicEquivalentAndIsRejected() {
    assertRejectedBeforeSending(ChatRequest.builder().model("m").user("x")
        .responseFormat(ResponseFormat.jsonObject()).build(), "jsonObject", "jsonSchema");
  }

  @Test
  void aTemperatureAboveOneIsRejected() {
    assertRejectedBeforeSending(ChatRequest.builder().model("m").user("x").temperature(1.5)
        .build(), "temperature 1.5", "0 to 1");
  }

  @Test
  void imageUrlsAnthropicCannotFetchAreRejected() {
    assertRejectedBeforeSending(ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.imageUrl("gs://bucket/cat.png"))).build(),
        "scheme 'gs'");
    assertRejectedBeforeSending(ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.imageUrl("data:image/png,rawbytes"))).build(),
        "data:<media type>;base64,<data>");
  }

  @Test
  void withoutAKeyNoApiKeyHeaderIsSentForProxiesThatAddTheirOwn() throws Exception {
    RecordedRequest r = send(AnthropicProvider.builder().baseUrl(server.url("/").toString())
        .header("Authorization", Secret.of("Bearer proxy-token-123")).build(),
        ChatRequest.of("m", "hi"));
    assertThat(r.getHeaders().get("x-api-key")).isNull();
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer proxy-token-123");
  }

  @Test
  void theBaseUrlMayCarryAPathWithOrWithoutATrailingSlash() throws Exception {
    for (String base : new String[] {"/proxy/anthropic", "/proxy/anthropic/"}) {
      RecordedRequest r = send(AnthropicProvider.builder().baseUrl(server.url(base).toString())
          .apiKey(Secret.of(KEY)).build(), ChatRequest.of("m", "hi"));
      assertThat(r.getUrl().encodedPath()).isEqualTo("/proxy/anthropic/v1/messages");
    }
    assertThat(AnthropicProvider.builder().environment(name -> null).apiKey(Secret.of(KEY))
        .build().endpoint())
        .isEqualTo("https://api.anthropic.com/v1/messages");
  }

  @Test
  void theKeyIsReadOnEveryRequestSoARotationNeedsNoRestart() throws Exception {
    String[] current = {"sk-ant-first-000000000000"};
    AnthropicProvider p = provider(server).apiKey(Secret.from(() -> current[0])).build();
    assertThat(send(p, ChatRequest.of("m", "a")).getHeaders().get("x-api-key"))
        .isEqualTo("sk-ant-first-000000000000");
    current[0] = "sk-ant-rotated-11111111111";
    assertThat(send(p, ChatRequest.of("m", "b")).getHeaders().get("x-api-key"))
        .isEqualTo("sk-ant-rotated-11111111111");
  }

  @Test
  void theBuilderRejectsInvalidSettingsNamingThem() {
    assertThatThrownBy(() -> AnthropicProvider.builder().version(" "))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("version");
    assertThatThrownBy(() -> AnthropicProvider.builder().beta("a,b"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("','");
    assertThatThrownBy(() -> AnthropicProvider.builder().beta(""))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("beta");
    assertThatThrownBy(() -> AnthropicProvider.builder().defaultMaxTokens(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("defaultMaxTokens");
    assertThatThrownBy(() -> AnthropicProvider.builder().id("a/b").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("id");
  }

  @Test
  void toStringShowsTheSettingsButNeverTheKey() {
    AnthropicProvider p = provider(server).id("claude").beta("b1").build();
    assertThat(p.id()).isEqualTo("claude");
    assertThat(p.toString()).contains("claude", "/v1/messages", "2023-06-01", "b1")
        .doesNotContain(KEY);
  }
}
