package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.KEY;
import static dev.aigateway.providers.gemini.GeminiFixtures.MODEL;
import static dev.aigateway.providers.gemini.GeminiFixtures.TEXT_RESPONSE;
import static dev.aigateway.providers.gemini.GeminiFixtures.TEXT_STREAM;
import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
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

/** What the Gemini adapter puts on the wire: the exact URL, headers and JSON body. */
class GeminiRequestTest {
  private static final String WEATHER_SCHEMA =
      "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
          + "\"required\":[\"location\"],\"additionalProperties\":false}";
  private static final ToolDefinition WEATHER =
      ToolDefinition.of("get_weather", "Current weather", WEATHER_SCHEMA);

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private RecordedRequest send(GeminiProvider provider, ChatRequest request) throws Exception {
    server.enqueue(Wire.json(200, TEXT_RESPONSE));
    try (provider) {
      provider.chat(request, Wire.FAIL_FAST);
    }
    return server.takeRequest(5, TimeUnit.SECONDS);
  }

  private RecordedRequest send(ChatRequest request) throws Exception {
    return send(provider(server).build(), request);
  }

  @Test
  void aMinimalRequestItsUrlAndHeaders() throws Exception {
    RecordedRequest r = send(provider(server).header("X-Trace", "abc").build(),
        ChatRequest.of(MODEL, "Hello"));
    assertThat(r.getMethod()).isEqualTo("POST");
    assertThat(r.getUrl().encodedPath()).isEqualTo("/v1beta/models/gemini-2.5-flash:generateContent");
    assertThat(r.getUrl().query()).isNull();
    assertThat(r.getHeaders().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(r.getHeaders().get("X-Trace")).isEqualTo("abc");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(r.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(Wire.body(r)).isEqualTo(Wire.tree("""
        {"contents":[{"role":"user","parts":[{"text":"Hello"}]}]}"""));
  }

  @Test
  void aStreamPostsTheSameBodyToStreamGenerateContentWithAltSse() throws Exception {
    server.enqueue(Wire.sse(Wire.dataEvents(TEXT_STREAM)));
    ChatRequest request = ChatRequest.builder().model(MODEL).system("Be brief.").user("Hello")
        .temperature(0.2).build();
    try (GeminiProvider p = provider(server).build()) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      p.stream(request).subscribe(sub);
      sub.awaitTerminal(Duration.ofSeconds(5));
      assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    }
    RecordedRequest r = server.takeRequest(5, TimeUnit.SECONDS);
    assertThat(r.getUrl().encodedPath())
        .isEqualTo("/v1beta/models/gemini-2.5-flash:streamGenerateContent");
    assertThat(r.getUrl().query()).isEqualTo("alt=sse");
    assertThat(r.getHeaders().get("Accept")).isEqualTo("text/event-stream");
    assertThat(r.getHeaders().get("x-goog-api-key")).isEqualTo(KEY);
    assertThat(Wire.body(r)).isEqualTo(Wire.tree("""
        {"contents":[{"role":"user","parts":[{"text":"Hello"}]}],
         "systemInstruction":{"parts":[{"text":"Be brief."}]},
         "generationConfig":{"temperature":0.2}}"""));
  }

  @Test
  void everyRoleAndSettingIsMapped() throws Exception {
    ChatRequest request = ChatRequest.builder()
        .model(MODEL)
        .system("Be brief.")
        .user("Weather in Paris?")
        .message(Message.assistant("Let me look.", List.of(
            ToolCall.of("call_0_get_weather", "get_weather", "{\"location\":\"Paris\"}"))))
        .message(Message.tool("call_0_get_weather", "{\"temp\":21}"))
        .message(Message.assistant("It is 21 degrees."))
        .user("Thanks")
        .temperature(0.5).topP(0.9).maxTokens(256).stop("END", "STOP").seed(42L)
        .tool(WEATHER)
        .toolChoice(ToolChoice.tool("get_weather"))
        .responseFormat(ResponseFormat.jsonObject())
        .clientId("tenant-1").metadata("k", "v")
        .build();
    assertThat(Wire.body(send(request))).isEqualTo(Wire.tree("""
        {"contents":[
           {"role":"user","parts":[{"text":"Weather in Paris?"}]},
           {"role":"model","parts":[{"text":"Let me look."},
             {"functionCall":{"name":"get_weather","args":{"location":"Paris"}}}]},
           {"role":"user","parts":[
             {"functionResponse":{"name":"get_weather","response":{"temp":21}}}]},
           {"role":"model","parts":[{"text":"It is 21 degrees."}]},
           {"role":"user","parts":[{"text":"Thanks"}]}],
         "systemInstruction":{"parts":[{"text":"Be brief."}]},
         "tools":[{"functionDeclarations":[{"name":"get_weather","description":"Current weather",
           "parametersJsonSchema":{"type":"object","properties":{"location":{"type":"string"}},
             "required":["location"],"additionalProperties":false}}]}],
         "toolConfig":{"functionCallingConfig":{"mode":"ANY",
           "allowedFunctionNames":["get_weather"]}},
         "generationConfig":{"temperature":0.5,"topP":0.9,"maxOutputTokens":256,
           "stopSequences":["END","STOP"],"seed":42,"responseMimeType":"application/json"}}"""));
  }

  @Test
  void toolChoicesBecomeFunctionCallingModes() throws Exception {
    assertThat(Wire.body(send(ChatRequest.builder().model(MODEL).user("x").tool(WEATHER)
        .toolChoice(ToolChoice.none()).build())).get("toolConfig"))
        .isEqualTo(Wire.tree("{\"functionCallingConfig\":{\"mode\":\"NONE\"}}"));
    assertThat(Wire.body(send(ChatRequest.builder().model(MODEL).user("x").tool(WEATHER)
        .toolChoice(ToolChoice.required()).build())).get("toolConfig"))
        .isEqualTo(Wire.tree("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"));
    assertThat(Wire.body(send(ChatRequest.builder().model(MODEL).user("x").tool(WEATHER)
        .build())).has("toolConfig")).as("no choice, no toolConfig").isFalse();
  }

  @Test
  void aJsonSchemaGoesInResponseJsonSchemaByDefault() throws Exception {
    ChatRequest request = ChatRequest.builder().model(MODEL).user("x")
        .responseFormat(ResponseFormat.jsonSchema("weather", WEATHER_SCHEMA)).build();
    assertThat(Wire.body(send(request)).get("generationConfig")).isEqualTo(Wire.tree("""
        {"responseMimeType":"application/json",
         "responseJsonSchema":{"type":"object","properties":{"location":{"type":"string"}},
           "required":["location"],"additionalProperties":false}}"""));
    assertThat(Wire.body(send(ChatRequest.builder().model(MODEL).user("x")
        .responseFormat(ResponseFormat.text()).build())).get("generationConfig"))
        .isEqualTo(Wire.tree("{\"responseMimeType\":\"text/plain\"}"));
  }

  @Test
  void theOpenApiSchemaFieldsCanBeChosen() throws Exception {
    ChatRequest request = ChatRequest.builder().model(MODEL).user("x").tool(WEATHER)
        .responseFormat(ResponseFormat.jsonSchema("weather", WEATHER_SCHEMA)).build();
    var body = Wire.body(send(
        provider(server).schemaField(GeminiProvider.SchemaField.OPENAPI_SCHEMA).build(), request));
    assertThat(body.get("generationConfig").has("responseJsonSchema")).isFalse();
    assertThat(body.get("generationConfig").get("responseSchema"))
        .isEqualTo(Wire.tree(WEATHER_SCHEMA));
    assertThat(body.get("tools")).isEqualTo(Wire.tree("""
        [{"functionDeclarations":[{"name":"get_weather","description":"Current weather",
          "parameters":%s}]}]""".formatted(WEATHER_SCHEMA)));
  }

  @Test
  void consecutiveToolResultsMakeOneUserTurnAndNonObjectResultsAreWrapped() throws Exception {
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .user("go")
        .message(Message.assistant(List.of(ToolCall.of("a", "list_items", "{}"),
            ToolCall.of("b", "count", "{\"of\":\"x\"}"))))
        .message(Message.tool("b", "[1,2]"))
        .message(Message.tool("a", "  {\"items\":[]}  "))
        .message(Message.assistant(List.of(ToolCall.of("a", "again", "{}"))))
        .message(Message.tool("a", "not json {"))
        .build();
    assertThat(Wire.body(send(request)).get("contents")).isEqualTo(Wire.tree("""
        [{"role":"user","parts":[{"text":"go"}]},
         {"role":"model","parts":[{"functionCall":{"name":"list_items","args":{}}},
           {"functionCall":{"name":"count","args":{"of":"x"}}}]},
         {"role":"user","parts":[
           {"functionResponse":{"name":"count","response":{"result":"[1,2]"}}},
           {"functionResponse":{"name":"list_items","response":{"items":[]}}}]},
         {"role":"model","parts":[{"functionCall":{"name":"again","args":{}}}]},
         {"role":"user","parts":[
           {"functionResponse":{"name":"again","response":{"result":"not json {"}}}]}]"""));
  }

  @Test
  void imagesAsDataUrlsAndUrlsWithAndWithoutAKnownType() throws Exception {
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .message(Message.user(ContentPart.imageUrl("data:image/webp;base64,UklGRg=="),
            ContentPart.imageUrl("gs://bucket/photo.JPEG?generation=3"),
            ContentPart.imageUrl("https://generativelanguage.googleapis.com/v1beta/files/abc"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/jpeg")))
        .build();
    assertThat(Wire.body(send(request)).get("contents")).isEqualTo(Wire.tree("""
        [{"role":"user","parts":[
          {"inlineData":{"mimeType":"image/webp","data":"UklGRg=="}},
          {"fileData":{"mimeType":"image/jpeg","fileUri":"gs://bucket/photo.JPEG?generation=3"}},
          {"fileData":{"fileUri":"https://generativelanguage.googleapis.com/v1beta/files/abc"}},
          {"inlineData":{"mimeType":"image/jpeg","data":"AQID"}}]}]"""));
  }

  @Test
  void extraFieldsAreAddedOrReplaceWholeFields() throws Exception {
    ChatRequest request = ChatRequest.builder().model(MODEL).user("x").temperature(0.1)
        .extra("safetySettings", List.of(Map.of("category", "HARM_CATEGORY_HARASSMENT",
            "threshold", "BLOCK_NONE")))
        .extra("generationConfig", Map.of("thinkingConfig", Map.of("thinkingBudget", 0)))
        .build();
    assertThat(Wire.body(send(request))).isEqualTo(Wire.tree("""
        {"contents":[{"role":"user","parts":[{"text":"x"}]}],
         "safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}],
         "generationConfig":{"thinkingConfig":{"thinkingBudget":0}}}"""));
  }

  @Test
  void modelNamesWithTheModelsPrefixAreNotDoubled() throws Exception {
    assertThat(send(ChatRequest.of("models/gemini-2.5-pro", "x")).getUrl().encodedPath())
        .isEqualTo("/v1beta/models/gemini-2.5-pro:generateContent");
    assertThat(send(ChatRequest.of("tunedModels/my-model-7", "x")).getUrl().encodedPath())
        .isEqualTo("/v1beta/tunedModels/my-model-7:generateContent");
  }

  @Test
  void theApiVersionAndABaseUrlWithAPathAreHonoured() throws Exception {
    GeminiProvider p = GeminiProvider.builder().baseUrl(server.url("/proxy/google").toString())
        .apiKey(Secret.of(KEY)).apiVersion("v1alpha").build();
    assertThat(send(p, ChatRequest.of(MODEL, "x")).getUrl().encodedPath())
        .isEqualTo("/proxy/google/v1alpha/models/gemini-2.5-flash:generateContent");
    assertThat(GeminiProvider.builder().environment(name -> null).apiKey(Secret.of(KEY)).build()
        .endpoint(MODEL, true)).isEqualTo(
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash"
            + ":streamGenerateContent?alt=sse");
    assertThatThrownBy(() -> GeminiProvider.builder().apiVersion("v1/beta"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apiVersion");
  }

  @Test
  void withoutAKeyNoCredentialHeaderIsSent() throws Exception {
    GeminiProvider p = GeminiProvider.builder().baseUrl(server.url("/").toString())
        .header("Authorization", Secret.of("Bearer ya29.token-value")).build();
    RecordedRequest r = send(p, ChatRequest.of(MODEL, "x"));
    assertThat(r.getHeaders().get("x-goog-api-key")).isNull();
    assertThat(r.getHeaders().get("Authorization")).isEqualTo("Bearer ya29.token-value");
  }

  @Test
  void theKeyIsNeitherInTheUrlNorInToString() throws Exception {
    GeminiProvider p = provider(server).build();
    assertThat(p.toString()).doesNotContain(KEY).contains("gemini");
    assertThat(send(p, ChatRequest.of(MODEL, "x")).getUrl().toString()).doesNotContain(KEY)
        .doesNotContain("key=");
  }

  // ---------------------------------------------------------------- input Gemini cannot take

  private void assertRejected(ChatRequest request, String code, String... mentions) {
    try (GeminiProvider p = provider(server).build()) {
      assertThatThrownBy(() -> p.chat(request, Wire.FAIL_FAST))
          .isInstanceOfSatisfying(InvalidRequestException.class, e -> {
            assertThat(e.errorCode()).isEqualTo(code);
            assertThat(e.retryable()).isFalse();
            assertThat(e.provider()).isEqualTo("gemini");
          })
          .hasMessageContainingAll(mentions);
    }
    assertThat(server.getRequestCount()).as("nothing is sent").isZero();
  }

  @Test
  void aToolResultForAnUnknownCallIsRejected() {
    assertRejected(ChatRequest.builder().model(MODEL).user("x")
        .message(Message.assistant(List.of(ToolCall.of("call_a", "get_weather", "{}"))))
        .message(Message.tool("call_zz", "18")).build(), "unknown_tool_call", "call_zz");
  }

  @Test
  void toolCallArgumentsThatAreNotAJsonObjectAreRejected() {
    assertRejected(ChatRequest.builder().model(MODEL).user("x")
        .message(Message.assistant(List.of(ToolCall.of("call_a", "get_weather", "[1]"))))
        .message(Message.tool("call_a", "18")).build(), "invalid_tool_arguments", "call_a");
  }

  @Test
  void aSchemaThatIsNotJsonIsRejected() {
    assertRejected(ChatRequest.builder().model(MODEL).user("x")
        .tool(ToolDefinition.of("broken", null, "{\"type\": }")).build(),
        "invalid_schema", "broken");
  }

  @Test
  void aDataUrlThatIsNotBase64IsRejected() {
    assertRejected(ChatRequest.builder().model(MODEL)
        .message(Message.user(ContentPart.imageUrl("data:image/png,rawbytes"))).build(),
        "unsupported_image_url", "base64");
  }

  @Test
  void aModelNameWithAForeignPathIsRejected() {
    assertRejected(ChatRequest.of("publishers/google/models/gemini-2.5-flash", "x"),
        "invalid_model", "publishers/google");
  }
}
