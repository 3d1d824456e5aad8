package dev.aigateway.bedrock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;

class BedrockProviderTest {
  static final String AKID = "AKIDEXAMPLE0123456789";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0";
  static final String TOKEN = "FQoGZXIvYXdzEXAMPLEsessionTOKEN0123456789";
  static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
  static final String MODEL = "us.anthropic.claude-sonnet-4-20250514-v1:0";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolDefinition WEATHER = ToolDefinition.of("get_weather",
      "The current weather at a place",
      "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}}}");

  private final MockWebServer server = new MockWebServer();
  private BedrockProvider provider;

  static BedrockProvider.Builder builder(MockWebServer server, AwsCredentialsProvider creds) {
    return BedrockProvider.builder().region("us-west-2")
        .endpointOverride(server.url("/").toString())
        .credentialsProvider(creds).clock(CLOCK);
  }

  static AwsCredentialsProvider basic() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET));
  }

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = builder(server, basic()).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
        .body(body).build();
  }

  static MockResponse error(int code, String type, String message) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
        .setHeader("x-amzn-ErrorType",
            type + ":http://internal.amazon.com/coral/com.amazon.bedrock/")
        .body("{\"message\":\"" + message + "\"}").build();
  }

  private static final String TEXT_REPLY = "{\"output\":{\"message\":{\"role\":\"assistant\","
      + "\"content\":[{\"text\":\"Hello \"},{\"text\":\"there!\"}]}},\"stopReason\":\"end_turn\","
      + "\"usage\":{\"inputTokens\":10,\"outputTokens\":5,\"totalTokens\":45,"
      + "\"cacheReadInputTokens\":20,\"cacheWriteInputTokens\":10},\"metrics\":{\"latencyMs\":9}}";

  private static JsonNode body(RecordedRequest r) throws Exception {
    return JSON.readTree(r.getBody().utf8());
  }

  // ---------------------------------------------------------------- the request on the wire

  @Test
  void aChatPostsConverseToTheModelsPathWithTheMappedBody() throws Exception {
    server.enqueue(json(200, TEXT_REPLY));
    ChatRequest request = ChatRequest.builder().model(MODEL)
        .system("Be brief.")
        .user("Hi")
        .maxTokens(200).temperature(0.5).topP(0.9).stop("END", "STOP")
        .build();
    ChatResponse answer = provider.chat(request);
    assertThat(answer.text()).isEqualTo("Hello there!");

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getMethod()).isEqualTo("POST");
    assertThat(sent.getTarget())
        .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse");
    assertThat(sent.getHeaders().get("Accept")).isEqualTo("application/json");
    assertThat(sent.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(body(sent)).isEqualTo(JSON.readTree("{"
        + "\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}],"
        + "\"system\":[{\"text\":\"Be brief.\"}],"
        + "\"inferenceConfig\":{\"maxTokens\":200,\"temperature\":0.5,\"topP\":0.9,"
        + "\"stopSequences\":[\"END\",\"STOP\"]}}"));
  }

  @Test
  void aRequestWithoutSamplingSettingsSendsNoInferenceConfigAndNoModelInTheBody()
      throws Exception {
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.of(MODEL, "Hi"));
    JsonNode body = body(server.takeRequest());
    assertThat(body.has("inferenceConfig")).isFalse();
    assertThat(body.has("system")).isFalse();
    assertThat(body.has("toolConfig")).isFalse();
    assertThat(body.has("model")).isFalse();
  }

  @Test
  void anArnModelIdIsOnePercentEncodedPathSegment() throws Exception {
    String arn = "arn:aws:bedrock:us-west-2:123456789012:inference-profile/"
        + "us.meta.llama3-2-90b-instruct-v1:0";
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.of(arn, "Hi"));
    assertThat(server.takeRequest().getTarget()).isEqualTo("/model/arn%3Aaws%3Abedrock%3A"
        + "us-west-2%3A123456789012%3Ainference-profile%2Fus.meta.llama3-2-90b-instruct-v1%3A0"
        + "/converse");
    assertThat(provider.endpoint("m:1", true)).endsWith("/model/m%3A1/converse-stream");
  }

  @Test
  void theDefaultEndpointIsTheRegionsBedrockRuntime() {
    try (BedrockProvider p = BedrockProvider.builder().region("eu-central-1")
        .credentialsProvider(basic()).build()) {
      assertThat(p.endpoint("amazon.nova-pro-v1:0", false)).isEqualTo(
          "https://bedrock-runtime.eu-central-1.amazonaws.com"
              + "/model/amazon.nova-pro-v1%3A0/converse");
      assertThat(p.id()).isEqualTo("bedrock");
      assertThat(p.providerName()).isEqualTo("aws.bedrock");
      assertThat(p.serverUri())
          .isEqualTo(URI.create("https://bedrock-runtime.eu-central-1.amazonaws.com:443"));
    }
  }

  @Test
  void withoutACredentialsProviderTheSdksDefaultChainIsUsedAndNotResolvedAtBuild() {
    try (BedrockProvider p = BedrockProvider.builder().region("us-east-1").build()) {
      assertThat(p.toString()).contains("DefaultCredentialsProvider", "us-east-1");
      assertThat(p.region()).isEqualTo("us-east-1");
    }
  }

  @Test
  void anInvalidRegionIsRejectedNamingIt() {
    assertThat(catchThrowable(() -> BedrockProvider.builder().region("us east 1")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("region");
  }

  @Test
  void toolsToolChoiceToolCallsAndToolResultsAreConverseBlocks() throws Exception {
    for (ToolChoice choice : List.of(ToolChoice.auto(), ToolChoice.required(),
        ToolChoice.tool("get_weather"))) {
      server.enqueue(json(200, TEXT_REPLY));
      provider.chat(ChatRequest.builder().model(MODEL)
          .user("Weather in Paris?")
          .message(Message.assistant("Let me look.",
              List.of(ToolCall.of("tooluse_1", "get_weather", "{\"location\":\"Paris\"}"))))
          .message(Message.tool("tooluse_1", "18 C, sunny"))
          .user("And tomorrow?")
          .tool(WEATHER).toolChoice(choice).build());
      JsonNode body = body(server.takeRequest());
      assertThat(body.get("messages")).isEqualTo(JSON.readTree("["
          + "{\"role\":\"user\",\"content\":[{\"text\":\"Weather in Paris?\"}]},"
          + "{\"role\":\"assistant\",\"content\":[{\"text\":\"Let me look.\"},"
          + "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\","
          + "\"input\":{\"location\":\"Paris\"}}}]},"
          + "{\"role\":\"user\",\"content\":[{\"toolResult\":{\"toolUseId\":\"tooluse_1\","
          + "\"content\":[{\"text\":\"18 C, sunny\"}]}},{\"text\":\"And tomorrow?\"}]}]"));
      assertThat(body.path("toolConfig").get("tools")).isEqualTo(JSON.readTree("[{\"toolSpec\":"
          + "{\"name\":\"get_weather\",\"description\":\"The current weather at a place\","
          + "\"inputSchema\":{\"json\":{\"type\":\"object\",\"properties\":"
          + "{\"location\":{\"type\":\"string\"}}}}}}]"));
      String expected = switch (choice.type()) {
        case AUTO -> "{\"auto\":{}}";
        case REQUIRED -> "{\"any\":{}}";
        default -> "{\"tool\":{\"name\":\"get_weather\"}}";
      };
      assertThat(body.path("toolConfig").get("toolChoice")).isEqualTo(JSON.readTree(expected));
    }
  }

  @Test
  void toolChoiceNoneIsRejectedBeforeSending() {
    Throwable t = catchThrowable(() -> provider.chat(ChatRequest.builder().model(MODEL)
        .user("hi").tool(WEATHER).toolChoice(ToolChoice.none()).build()));
    assertThat(t).isInstanceOf(InvalidRequestException.class);
    assertThat(((InvalidRequestException) t).statusCode()).isZero();
    assertThat(((InvalidRequestException) t).errorCode()).isEqualTo("unsupported_tool_choice");
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void imagesAreSentAsFormatAndBase64Bytes() throws Exception {
    byte[] png = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10};
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF};
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.builder().model(MODEL).message(Message.user(
        ContentPart.text("What is this?"), ContentPart.image(png, "image/png"),
        ContentPart.imageUrl("data:image/jpeg;base64,"
            + java.util.Base64.getEncoder().encodeToString(jpeg)))).build());
    JsonNode content = body(server.takeRequest()).path("messages").get(0).get("content");
    assertThat(content).isEqualTo(JSON.readTree("[{\"text\":\"What is this?\"},"
        + "{\"image\":{\"format\":\"png\",\"source\":{\"bytes\":\""
        + java.util.Base64.getEncoder().encodeToString(png) + "\"}}},"
        + "{\"image\":{\"format\":\"jpeg\",\"source\":{\"bytes\":\""
        + java.util.Base64.getEncoder().encodeToString(jpeg) + "\"}}}]"));
  }

  @Test
  void anImageByHttpUrlOrOfAnotherTypeIsRejectedBeforeSending() {
    for (ContentPart part : List.of(ContentPart.imageUrl("https://example.com/cat.png"),
        ContentPart.image(new byte[] {1, 2}, "image/tiff"))) {
      Throwable t = catchThrowable(() -> provider.chat(ChatRequest.builder().model(MODEL)
          .message(Message.user(part)).build()));
      assertThat(t).as("%s", part).isInstanceOf(InvalidRequestException.class);
    }
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void extraFieldsGoToTheTopLevelAndReplaceTheAdaptersField() throws Exception {
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.builder().model(MODEL).user("hi").maxTokens(10)
        .extra("additionalModelRequestFields",
            Map.of("thinking", Map.of("type", "enabled", "budget_tokens", 1024)))
        .extra("inferenceConfig", Map.of("maxTokens", 2000))
        .build());
    JsonNode body = body(server.takeRequest());
    assertThat(body.get("additionalModelRequestFields")).isEqualTo(JSON.readTree(
        "{\"thinking\":{\"type\":\"enabled\",\"budget_tokens\":1024}}"));
    assertThat(body.get("inferenceConfig")).isEqualTo(JSON.readTree("{\"maxTokens\":2000}"));
    assertThat(body.toString().split("inferenceConfig", -1)).as("written once").hasSize(2);
  }

  // ---------------------------------------------------------------- SigV4

  static final Pattern AUTHORIZATION = Pattern.compile(
      "AWS4-HMAC-SHA256 Credential=([^/]+)/(\\d{8})/([^/]+)/([^/]+)/aws4_request, "
          + "SignedHeaders=([^,]+), Signature=([0-9a-f]{64})");

  @Test
  void requestsAreSignedWithSigV4ForBedrockInTheRegionAndTheSignatureVerifies() throws Exception {
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.of(MODEL, "Hi"));
    RecordedRequest sent = server.takeRequest();
    String auth = sent.getHeaders().get("Authorization");
    Matcher m = AUTHORIZATION.matcher(auth);
    assertThat(m.matches()).as(auth).isTrue();
    assertThat(m.group(1)).isEqualTo(AKID);
    assertThat(m.group(2)).isEqualTo("20261125");
    assertThat(m.group(3)).isEqualTo("us-west-2");
    assertThat(m.group(4)).isEqualTo("bedrock");
    assertThat(List.of(m.group(5).split(";"))).contains("host", "x-amz-date", "content-type");
    assertThat(sent.getHeaders().get("X-Amz-Date")).isEqualTo("20261125T100000Z");
    assertThat(sent.getHeaders().get("x-amz-content-sha256"))
        .isEqualTo(sent.getBody().sha256().hex());
    assertThat(sent.getHeaders().get("x-amz-security-token")).isNull();
    assertThat(auth).doesNotContain(SECRET);
    assertThat(m.group(6)).isEqualTo(recompute(sent, m.group(5), basic()));
  }

  @Test
  void temporaryCredentialsSendTheirSessionTokenSigned() throws Exception {
    AwsCredentialsProvider session = StaticCredentialsProvider.create(
        AwsSessionCredentials.create(AKID, SECRET, TOKEN));
    try (BedrockProvider p = builder(server, session).build()) {
      server.enqueue(json(200, TEXT_REPLY));
      p.chat(ChatRequest.of(MODEL, "Hi"));
    }
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getHeaders().get("x-amz-security-token")).isEqualTo(TOKEN);
    Matcher m = AUTHORIZATION.matcher(sent.getHeaders().get("Authorization"));
    assertThat(m.matches()).isTrue();
    assertThat(List.of(m.group(5).split(";"))).contains("x-amz-security-token");
    assertThat(m.group(6)).isEqualTo(recompute(sent, m.group(5), session));
  }

  @Test
  void aSignatureOverAnotherBodyDoesNotVerify() throws Exception {
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(ChatRequest.of(MODEL, "Hi"));
    RecordedRequest sent = server.takeRequest();
    Matcher m = AUTHORIZATION.matcher(sent.getHeaders().get("Authorization"));
    assertThat(m.matches()).isTrue();
    String tampered = sign(sent, m.group(5), basic(),
        sent.getBody().utf8().replace("Hi", "Ho").getBytes(StandardCharsets.UTF_8));
    assertThat(m.group(6)).isNotEqualTo(tampered);
  }

  @Test
  void credentialsAreResolvedPerRequest() throws Exception {
    String[] keys = {"AKIDFIRST00000000000", "AKIDSECOND0000000000"};
    int[] calls = {0};
    AwsCredentialsProvider rotating = () ->
        AwsBasicCredentials.create(keys[Math.min(calls[0]++, 1)], SECRET);
    try (BedrockProvider p = builder(server, rotating).build()) {
      server.enqueue(json(200, TEXT_REPLY));
      server.enqueue(json(200, TEXT_REPLY));
      p.chat(ChatRequest.of(MODEL, "Hi"));
      p.chat(ChatRequest.of(MODEL, "Hi"));
    }
    assertThat(server.takeRequest().getHeaders().get("Authorization")).contains(keys[0]);
    assertThat(server.takeRequest().getHeaders().get("Authorization")).contains(keys[1]);
  }

  @Test
  void credentialsThatCannotBeResolvedFailAsAuthenticationAndSendNothing() {
    AwsCredentialsProvider none = () -> {
      throw new IllegalStateException("Unable to load credentials from any of the providers");
    };
    try (BedrockProvider p = builder(server, none).build()) {
      Throwable t = catchThrowable(() -> p.chat(ChatRequest.of(MODEL, "Hi")));
      assertThat(t).isInstanceOf(AuthenticationException.class)
          .hasMessageContaining("Unable to load credentials");
      assertThat(((AuthenticationException) t).errorCode()).isEqualTo("credentials_unavailable");
    }
    assertThat(server.getRequestCount()).isZero();
  }

  /** The signature the SDK's signer computes from what the server received. */
  static String recompute(RecordedRequest sent, String signedHeaders,
      AwsCredentialsProvider creds) {
    return sign(sent, signedHeaders, creds, sent.getBody().toByteArray());
  }

  private static String sign(RecordedRequest sent, String signedHeaders,
      AwsCredentialsProvider creds, byte[] body) {
    SdkHttpRequest.Builder b = SdkHttpRequest.builder().method(SdkHttpMethod.POST)
        .uri(URI.create("http://" + sent.getHeaders().get("Host") + sent.getTarget()));
    for (String name : signedHeaders.split(";")) {
      if (!name.equals("host")) {
        b.putHeader(name, sent.getHeaders().get(name));
      }
    }
    String auth = AwsV4HttpSigner.create().sign(r -> r
            .identity(creds.resolveCredentials())
            .request(b.build())
            .payload(ContentStreamProvider.fromByteArray(body))
            .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, "bedrock")
            .putProperty(AwsV4HttpSigner.REGION_NAME, "us-west-2")
            .putProperty(HttpSigner.SIGNING_CLOCK, CLOCK))
        .request().firstMatchingHeader("Authorization").orElseThrow();
    Matcher m = AUTHORIZATION.matcher(auth);
    assertThat(m.matches()).isTrue();
    assertThat(m.group(5)).as("the same headers are signed").isEqualTo(signedHeaders);
    return m.group(6);
  }

  // ---------------------------------------------------------------- replies

  @Test
  void aReplyIsUnifiedWithCacheReadAndWriteTokensCountedAsInput() {
    server.enqueue(json(200, TEXT_REPLY));
    ChatResponse r = provider.chat(ChatRequest.of(MODEL, "Hi"));
    assertThat(r.text()).isEqualTo("Hello there!");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.provider()).isEqualTo("bedrock");
    assertThat(r.model()).isEqualTo(MODEL);
    assertThat(r.id()).isNull();
    assertThat(r.usage()).isEqualTo(new Usage(40, 5, 45, 20, 0));
  }

  @Test
  void aTwoTurnToolLoopSendsTheAssistantsToolUsesAndTheResultsBack() throws Exception {
    server.enqueue(json(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
        + "{\"text\":\"Looking.\"},{\"toolUse\":{\"toolUseId\":\"tooluse_1\","
        + "\"name\":\"get_weather\",\"input\":{\"location\":\"Paris\",\"days\":[1,2.50]}}}]}},"
        + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":3,\"outputTokens\":4}}"));
    ChatRequest first = ChatRequest.builder().model(MODEL).user("Weather in Paris?")
        .tool(WEATHER).build();
    ChatResponse answer = provider.chat(first);
    server.takeRequest();
    server.enqueue(json(200, TEXT_REPLY));
    provider.chat(first.toBuilder().message(answer.message())
        .message(Message.tool("tooluse_1", "{\"temp\":21}")).build());

    RecordedRequest second = server.takeRequest();
    assertThat(second.getUrl().encodedPath()).endsWith("/converse");
    assertThat(body(second).get("messages")).isEqualTo(JSON.readTree("""
        [{"role":"user","content":[{"text":"Weather in Paris?"}]},
         {"role":"assistant","content":[{"text":"Looking."},
           {"toolUse":{"toolUseId":"tooluse_1","name":"get_weather",
             "input":{"location":"Paris","days":[1,2.50]}}}]},
         {"role":"user","content":[{"toolResult":{"toolUseId":"tooluse_1",
           "content":[{"text":"{\\"temp\\":21}"}]}}]}]"""));
  }

  @Test
  void aToolUseReplyBecomesToolCalls() {
    server.enqueue(json(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":["
        + "{\"text\":\"Looking.\"},"
        + "{\"toolUse\":{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\","
        + "\"input\":{\"location\":\"Paris\"}}},"
        + "{\"toolUse\":{\"toolUseId\":\"tooluse_2\",\"name\":\"get_time\","
        + "\"input\":{\"tz\":\"CET\"}}}]}},"
        + "\"stopReason\":\"tool_use\",\"usage\":{\"inputTokens\":3,\"outputTokens\":4,"
        + "\"totalTokens\":7}}"));
    ChatResponse r = provider.chat(ChatRequest.of(MODEL, "Hi"));
    assertThat(r.text()).isEqualTo("Looking.");
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("tooluse_1", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("tooluse_2", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(r.usage()).isEqualTo(new Usage(3, 4, 7, 0, 0));
  }

  @Test
  void everyStopReasonMapsToItsFinishReason() {
    Map<String, FinishReason> reasons = Map.of(
        "end_turn", FinishReason.STOP, "stop_sequence", FinishReason.STOP,
        "max_tokens", FinishReason.LENGTH,
        "model_context_window_exceeded", FinishReason.LENGTH,
        "guardrail_intervened", FinishReason.CONTENT_FILTER,
        "content_filtered", FinishReason.CONTENT_FILTER,
        "something_new", FinishReason.OTHER);
    for (Map.Entry<String, FinishReason> e : reasons.entrySet()) {
      server.enqueue(json(200, "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":"
          + "[{\"text\":\"x\"}]}},\"stopReason\":\"" + e.getKey() + "\"}"));
      assertThat(provider.chat(ChatRequest.of(MODEL, "Hi")).finishReason()).as(e.getKey())
          .isEqualTo(e.getValue());
    }
  }

  @Test
  void aReplyWithoutContentIsMalformed() {
    server.enqueue(json(200, "{\"output\":{}}"));
    assertThat(catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "Hi"))))
        .isInstanceOf(dev.aigateway.api.MalformedResponseException.class);
  }

  // ---------------------------------------------------------------- errors

  record ErrorCase(int status, String type, String message, Class<?> expected,
      boolean retryable) {}

  static List<ErrorCase> errors() {
    return List.of(
        new ErrorCase(429, "ThrottlingException", "Too many requests, please wait",
            ProviderRateLimitException.class, true),
        new ErrorCase(429, "ModelNotReadyException", "Model is not ready",
            ProviderUnavailableException.class, true),
        new ErrorCase(400, "ValidationException", "Malformed input request",
            InvalidRequestException.class, false),
        new ErrorCase(400, "ValidationException",
            "Input is too long for requested model.", ContextLengthExceededException.class, false),
        new ErrorCase(400, "ValidationException",
            "prompt is too long: 210000 tokens > 200000 maximum",
            ContextLengthExceededException.class, false),
        new ErrorCase(403, "AccessDeniedException",
            "You don't have access to the model with the specified model ID.",
            AuthenticationException.class, false),
        new ErrorCase(403, "UnrecognizedClientException",
            "The security token included in the request is invalid.",
            AuthenticationException.class, false),
        new ErrorCase(503, "ServiceUnavailableException", "Service unavailable",
            ProviderUnavailableException.class, true),
        new ErrorCase(500, "InternalServerException", "Internal error",
            ProviderUnavailableException.class, true),
        new ErrorCase(408, "ModelTimeoutException", "Model timed out",
            ProviderUnavailableException.class, true),
        new ErrorCase(404, "ResourceNotFoundException", "Model not found",
            InvalidRequestException.class, false),
        new ErrorCase(400, "ServiceQuotaExceededException", "Quota exceeded",
            ProviderRateLimitException.class, false));
  }

  @Test
  void everyDocumentedErrorMapsToItsException() {
    for (ErrorCase c : errors()) {
      server.enqueue(error(c.status(), c.type(), c.message()));
      Throwable t = catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "Hi")));
      assertThat(t).as(c.type() + ": " + c.message()).isExactlyInstanceOf(c.expected());
      ProviderException p = (ProviderException) t;
      assertThat(p.retryable()).as(c.type()).isEqualTo(c.retryable());
      assertThat(p.statusCode()).as(c.type()).isEqualTo(c.status());
      assertThat(p.errorCode()).as(c.type()).isEqualTo(c.type());
      assertThat(p.getMessage()).as(c.type()).contains(c.message());
    }
  }

  @Test
  void theErrorTypeMayComeInTheBodyAndTheThrottlingRetryAfterIsKept() {
    server.enqueue(new MockResponse.Builder().code(429).setHeader("Retry-After", "7")
        .setHeader("Content-Type", "application/json")
        .body("{\"__type\":\"com.amazon.coral.availability#ThrottlingException\","
            + "\"message\":\"Rate exceeded\"}").build());
    Throwable t = catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "Hi")));
    assertThat(t).isInstanceOf(ProviderRateLimitException.class);
    assertThat(((ProviderRateLimitException) t).retryAfter()).contains(Duration.ofSeconds(7));
    assertThat(((ProviderRateLimitException) t).errorCode()).isEqualTo("ThrottlingException");
  }

  @Test
  void anHtmlErrorPageFromAProxyStillMapsByStatus() {
    server.enqueue(new MockResponse.Builder().code(502).setHeader("Content-Type", "text/html")
        .body("<html><head><title>502 Bad Gateway</title></head></html>").build());
    Throwable t = catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "Hi")));
    assertThat(t).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("502 Bad Gateway");
  }

  @Test
  void anUnknownErrorTypeMapsByItsStatus() {
    server.enqueue(error(424, "ModelErrorException", "The model failed"));
    Throwable t = catchThrowable(() -> provider.chat(ChatRequest.of(MODEL, "Hi")));
    assertThat(t).isExactlyInstanceOf(ProviderException.class);
    assertThat(((ProviderException) t).retryable()).isFalse();
    assertThat(((ProviderException) t).statusCode()).isEqualTo(424);
  }

  // ---------------------------------------------------------------- credentials stay secret

  @Test
  void credentialsNeverShowInToStringOrExceptions() {
    AwsCredentialsProvider session = StaticCredentialsProvider.create(
        AwsSessionCredentials.create(AKID, SECRET, TOKEN));
    try (BedrockProvider p = builder(server, session).build()) {
      assertThat(p.toString()).doesNotContain(AKID, SECRET, TOKEN)
          .contains("us-west-2", "StaticCredentialsProvider");
      for (ErrorCase c : errors()) {
        // A server that echoes what it was sent.
        server.enqueue(error(c.status(), c.type(), "token " + TOKEN + " secret " + SECRET));
        Throwable t = catchThrowable(() -> p.chat(ChatRequest.of(MODEL, "Hi")));
        assertThat(t).isInstanceOf(AiGatewayException.class);
        assertThat(t.getMessage()).as(c.type()).doesNotContain(TOKEN);
      }
    }
  }
}
