package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.KEY;
import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.openai.OpenAiFixtures.body;
import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static dev.aigateway.providers.openai.OpenAiFixtures.provider;
import static dev.aigateway.providers.openai.OpenAiFixtures.sse;
import static dev.aigateway.providers.openai.OpenAiFixtures.tree;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
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

/** What the OpenAI adapter puts on the wire: the exact JSON body and headers. */
class OpenAiRequestTest {
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

  private RecordedRequest send(OpenAiProvider provider, ChatRequest request) throws Exception {
    server.enqueue(json(200, TEXT_RESPONSE));
    provider.chat(request, Wire.FAIL_FAST);
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  @Test
  void aMinimalRequestAndItsHeaders() throws Exception {
    RecordedRequest r = send(provider(server).organization("org-1").project("proj-1")
        .header("X-Trace", "abc").build(), ChatRequest.of("gpt-4o", "Hello"));
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(r.getHeaders().get("OpenAI-Organization")).isEqualTo("org-1");
    assertThat(r.getHeaders().get("OpenAI-Project")).isEqualTo("proj-1");
    assertThat(r.getHeaders().get("X-Trace")).isEqualTo("abc");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"gpt-4o","messages":[{"role":"user","content":"Hello"}]}"""));
  }

  @Test
  void everyRoleAndSettingIsMapped() throws Exception {
    ChatRequest request = ChatRequest.builder()
        .model("gpt-4o")
        .system("Be brief.")
        .user("Weather in Paris and the time?")
        .message(Message.assistant(List.of(
            ToolCall.of("call_a", "get_weather", "{\"location\":\"Paris\"}"))))
        .message(Message.tool("call_a", "{\"temp\":21}"))
        .message(Message.assistant("It is 21 degrees."))
        .user("Thanks")
        .temperature(0.5).topP(0.9).maxTokens(256).stop("END", "STOP").seed(42L)
        .tool(ToolDefinition.of("get_weather", "Current weather", WEATHER_SCHEMA))
        .toolChoice(ToolChoice.tool("get_weather"))
        .responseFormat(ResponseFormat.jsonObject())
        .clientId("tenant-1").metadata("k", "v")
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"gpt-4o",
         "messages":[
           {"role":"system","content":"Be brief."},
           {"role":"user","content":"Weather in Paris and the time?"},
           {"role":"assistant","content":null,"tool_calls":[{"id":"call_a","type":"function",
             "function":{"name":"get_weather","arguments":"{\\"location\\":\\"Paris\\"}"}}]},
           {"role":"tool","tool_call_id":"call_a","content":"{\\"temp\\":21}"},
           {"role":"assistant","content":"It is 21 degrees."},
           {"role":"user","content":"Thanks"}],
         "temperature":0.5,"top_p":0.9,"max_completion_tokens":256,"stop":["END","STOP"],
         "seed":42,
         "tools":[{"type":"function","function":{"name":"get_weather",
           "description":"Current weather",
           "parameters":{"type":"object","properties":{"location":{"type":"string"}},
             "required":["location"]}}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},
         "response_format":{"type":"json_object"}}"""));
  }

  @Test
  void multiPartUserContentCarriesImageUrlsAndBytesAsDataUrls() throws Exception {
    ChatRequest request = ChatRequest.builder().model("gpt-4o")
        .message(Message.user(ContentPart.text("What is in these?"),
            ContentPart.imageUrl("https://example.com/cat.png"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/png")))
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r).get("messages")).isEqualTo(tree("""
        [{"role":"user","content":[
          {"type":"text","text":"What is in these?"},
          {"type":"image_url","image_url":{"url":"https://example.com/cat.png"}},
          {"type":"image_url","image_url":{"url":"data:image/png;base64,AQID"}}]}]"""));
  }

  @Test
  void toolChoiceAndJsonSchemaVariants() throws Exception {
    ChatRequest.Builder base = ChatRequest.builder().model("m").user("x")
        .tool(ToolDefinition.of("f", null, "{\"type\":\"object\"}"));
    OpenAiProvider p = provider(server).build();
    assertThat(body(send(p, base.toolChoice(ToolChoice.auto()).build())).get("tool_choice").asText())
        .isEqualTo("auto");
    assertThat(body(send(p, base.toolChoice(ToolChoice.none()).build())).get("tool_choice").asText())
        .isEqualTo("none");
    assertThat(body(send(p, base.toolChoice(ToolChoice.required()).build())).get("tool_choice")
        .asText()).isEqualTo("required");
    RecordedRequest r = send(p, base.toolChoice(null)
        .responseFormat(ResponseFormat.jsonSchema("answer", "{\"type\":\"object\"}")).build());
    assertThat(body(r).get("tools").get(0).get("function").has("description")).isFalse();
    assertThat(body(r).get("response_format")).isEqualTo(tree("""
        {"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},
         "strict":true}}"""));
  }

  @Test
  void extraFieldsPassThroughAndReplaceMappedOnes() throws Exception {
    ChatRequest request = ChatRequest.builder().model("o3").user("x").temperature(0.2)
        .extra("reasoning_effort", "high")
        .extra("temperature", 1)
        .extra("metadata", Map.of("run", "42"))
        .build();
    RecordedRequest r = send(provider(server).build(), request);
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"o3","messages":[{"role":"user","content":"x"}],
         "reasoning_effort":"high","temperature":1,"metadata":{"run":"42"}}"""));
  }

  @Test
  void aStreamAsksForSseAndForUsage() throws Exception {
    server.enqueue(sse(OpenAiFixtures.TEXT_STREAM));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider(server).build().stream(ChatRequest.of("gpt-4o-mini", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    assertThat(body(r)).isEqualTo(tree("""
        {"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}],
         "stream":true,"stream_options":{"include_usage":true}}"""));
  }

  @Test
  void anInvalidToolSchemaIsRejectedBeforeAnythingIsSent() {
    ChatRequest request = ChatRequest.builder().model("m").user("x")
        .tool(ToolDefinition.of("f", null, "{\"type\": object}")).build();
    assertThatThrownBy(() -> provider(server).build().chat(request, Wire.FAIL_FAST))
        .isInstanceOf(InvalidRequestException.class)
        .hasMessageContaining("tool 'f'").hasMessageContaining("not valid JSON");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aSchemaNameOpenAiWouldRefuseIsRejectedBeforeAnythingIsSent() {
    ChatRequest request = ChatRequest.builder().model("m").user("x")
        .responseFormat(ResponseFormat.jsonSchema("my answer", "{\"type\":\"object\"}")).build();
    assertThatThrownBy(() -> provider(server).build().chat(request, Wire.FAIL_FAST))
        .isInstanceOfSatisfying(InvalidRequestException.class,
            e -> assertThat(e.errorCode()).isEqualTo("invalid_schema_name"))
        .hasMessageContaining("'my answer'").hasMessageContaining("a-z, A-Z, 0-9, _ and -");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void withoutAKeyNoAuthorizationHeaderIsSentForLocalServers() throws Exception {
    RecordedRequest r = send(OpenAiCompatible.ollama().baseUrl(server.url("/v1").toString())
        .build(), ChatRequest.of("llama3.2", "hi"));
    assertThat(r.getHeaders().get("Authorization")).isNull();
  }

  @Test
  void aBaseUrlWithATrailingSlashWorksAsIs() throws Exception {
    RecordedRequest r = send(OpenAiProvider.builder().baseUrl(server.url("/v1/").toString())
        .apiKey(Secret.of(KEY)).build(), ChatRequest.of("m", "hi"));
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1/chat/completions");
  }

  @Test
  void theKeyIsReadOnEveryRequestSoARotationNeedsNoRestart() throws Exception {
    String[] current = {"sk-first-key-000000000000"};
    OpenAiProvider p = provider(server).apiKey(Secret.from(() -> current[0])).build();
    assertThat(send(p, ChatRequest.of("m", "a")).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-first-key-000000000000");
    current[0] = "sk-rotated-key-11111111111";
    assertThat(send(p, ChatRequest.of("m", "b")).getHeaders().get("Authorization"))
        .isEqualTo("Bearer sk-rotated-key-11111111111");
  }
}
