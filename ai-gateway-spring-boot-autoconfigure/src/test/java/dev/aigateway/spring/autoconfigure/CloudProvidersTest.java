package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.core.AiGateway;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.auth.TokenSupplier;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * Types {@code vertex-ai}, {@code vertex-anthropic} and {@code bedrock} from properties: what the vendor receives on the
 * wire (a MockWebServer on loopback), and what startup says when a property is missing or wrong.
 * Neither the OAuth token nor the AWS secret key shows in a failure or the log.
 */
class CloudProvidersTest {
  static final String TOKEN = "ya29.test-token-0123456789abcdef";
  static final String AKID = "AKIDEXAMPLE0123456789";
  static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY0";
  static final String BEDROCK_MODEL = "anthropic.claude-3-haiku-20240307-v1:0";
  static final String GEMINI_REPLY = "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":"
      + "\"Hello from Vertex\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"index\":0}],"
      + "\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":3,"
      + "\"totalTokenCount\":6},\"modelVersion\":\"gemini-2.5-flash\"}";
  static final String CLAUDE_REPLY = "{\"id\":\"msg_vrtx_01\",\"type\":\"message\","
      + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":"
      + "[{\"type\":\"text\",\"text\":\"Hello from Claude on Vertex\"}],"
      + "\"stop_reason\":\"end_turn\",\"usage\":{\"input_tokens\":3,\"output_tokens\":5}}";
  static final String CONVERSE_REPLY = "{\"output\":{\"message\":{\"role\":\"assistant\","
      + "\"content\":[{\"text\":\"Hello from Bedrock\"}]}},\"stopReason\":\"end_turn\","
      + "\"usage\":{\"inputTokens\":4,\"outputTokens\":3,\"totalTokens\":7},"
      + "\"metrics\":{\"latencyMs\":9}}";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class));
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger fetches = new AtomicInteger();
  private final TokenSupplier tokens = () -> {
    fetches.incrementAndGet();
    return AccessToken.of(TOKEN, Instant.now().plus(1, ChronoUnit.HOURS));
  };
  private final AwsCredentialsProvider aws =
      StaticCredentialsProvider.create(AwsBasicCredentials.create(AKID, SECRET));

  private final Logger root = (Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME);
  private final ListAppender<ILoggingEvent> log = new ListAppender<>();
  private Level rootLevel;

  @BeforeEach
  void start() throws Exception {
    server.start();
    rootLevel = root.getLevel();
    root.setLevel(Level.DEBUG); // every line any logger writes, the adapters' debug ones too
    log.start();
    root.addAppender(log);
  }

  @AfterEach
  void stop() {
    root.detachAppender(log);
    root.setLevel(rootLevel);
    server.close();
  }

  /** What was logged, with the arguments and the stack traces, since the test began. */
  private String logged() {
    StringBuilder all = new StringBuilder();
    for (ILoggingEvent e : log.list) {
      all.append(e.getFormattedMessage()).append('\n');
      if (e.getThrowableProxy() != null) {
        all.append(ThrowableProxyUtil.asString(e.getThrowableProxy())).append('\n');
      }
    }
    return all.toString();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
        .body(body).build();
  }

  private String baseUrl() {
    return server.url("/").toString();
  }

  // ---- vertex-ai ----

  @Test
  void vertexAiPostsToTheProjectsPathWithTheBeansTokenAndTheQuotaProject() throws Exception {
    server.enqueue(json(200, GEMINI_REPLY));
    runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
        .withPropertyValues("ai-gateway.providers.vertex.type=vertex-ai",
            "ai-gateway.providers.vertex.project=my-project",
            "ai-gateway.providers.vertex.location=europe-west4",
            "ai-gateway.providers.vertex.quota-project=billing-project",
            "ai-gateway.providers.vertex.token-supplier=googleTokens",
            "ai-gateway.providers.vertex.base-url=" + baseUrl(),
            "ai-gateway.providers.vertex.headers.X-Team=support")
        .run(context -> {
          assertThat(context).hasNotFailed();
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.providers().get("vertex").providerName())
              .isEqualTo("gcp.vertex_ai");
          ChatResponse answer = gateway.chat(ChatRequest.of("gemini-2.5-flash", "Hi"));
          assertThat(answer.text()).isEqualTo("Hello from Vertex");
          assertThat(answer.provider()).isEqualTo("vertex");
        });
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getMethod()).isEqualTo("POST");
    assertThat(sent.getTarget()).isEqualTo("/v1/projects/my-project/locations/europe-west4"
        + "/publishers/google/models/gemini-2.5-flash:generateContent");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(sent.getHeaders().get("x-goog-user-project")).isEqualTo("billing-project");
    assertThat(sent.getHeaders().get("X-Team")).isEqualTo("support");
    JsonNode body = new ObjectMapper().readTree(sent.getBody().utf8());
    assertThat(body.at("/contents/0/parts/0/text").asText()).isEqualTo("Hi");
    assertThat(fetches).hasValue(1);
  }

  @Test
  void vertexAiWithoutALocationIsGlobalAndTakesTheApiVersion() throws Exception {
    server.enqueue(json(200, GEMINI_REPLY));
    runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
        .withPropertyValues("ai-gateway.providers.vertex.type=vertex-ai",
            "ai-gateway.providers.vertex.project=my-project",
            "ai-gateway.providers.vertex.api-version=v1beta1",
            "ai-gateway.providers.vertex.token-supplier=googleTokens",
            "ai-gateway.providers.vertex.base-url=" + baseUrl())
        .run(context -> assertThat(context.getBean(AiGateway.class)
            .chat(ChatRequest.of("vertex/gemini-2.5-pro", "Hi")).text())
            .isEqualTo("Hello from Vertex"));
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget()).isEqualTo("/v1beta1/projects/my-project/locations/global"
        + "/publishers/google/models/gemini-2.5-pro:generateContent");
    assertThat(sent.getHeaders().get("x-goog-user-project")).isNull();
  }

  @Test
  void aRefusedVertexTokenShowsNeitherInTheFailureNorInTheLog() {
    server.enqueue(json(401, "{\"error\":{\"code\":401,\"message\":\"Request had invalid "
        + "authentication credentials.\",\"status\":\"UNAUTHENTICATED\"}}"));
    runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
        .withPropertyValues("ai-gateway.providers.vertex.type=vertex-ai",
            "ai-gateway.providers.vertex.project=my-project",
            "ai-gateway.providers.vertex.token-supplier=googleTokens",
            "ai-gateway.providers.vertex.base-url=" + baseUrl())
        .run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          Throwable failure = catchThrowable(() ->
              gateway.chat(ChatRequest.of("gemini-2.5-flash", "Hi")));
          assertThat(failure).isInstanceOf(AuthenticationException.class);
          assertThat(chain(failure)).doesNotContain(TOKEN);
          assertThat(gateway.providers().get("vertex").toString()).doesNotContain(TOKEN);
        });
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(log.list).isNotEmpty(); // the context logged, so the check below can fail
    assertThat(logged()).doesNotContain(TOKEN);
  }

  @Test
  void vertexAiWithoutATokenSupplierUsesGooglesApplicationDefaultCredentials()
      throws Exception {
    MockWebServer google = GoogleAdc.tokenServer();
    google.enqueue(json(200, "{\"access_token\":\"ya29.from-adc\",\"expires_in\":3599,"
        + "\"token_type\":\"Bearer\"}"));
    server.enqueue(json(200, GEMINI_REPLY));
    runner.withPropertyValues("ai-gateway.providers.vertex.type=vertex-ai",
            "ai-gateway.providers.vertex.project=my-project",
            "ai-gateway.providers.vertex.location=us-central1",
            "ai-gateway.providers.vertex.base-url=" + baseUrl())
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(AiGateway.class)
              .chat(ChatRequest.of("gemini-2.5-flash", "Hi")).text())
              .isEqualTo("Hello from Vertex");
        });
    RecordedRequest refresh = google.takeRequest();
    assertThat(refresh.getTarget()).isEqualTo("/token");
    assertThat(refresh.getBody().utf8()).contains("grant_type=refresh_token")
        .contains("refresh_token=" + java.net.URLEncoder.encode(GoogleAdc.REFRESH_TOKEN,
            java.nio.charset.StandardCharsets.UTF_8));
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget()).startsWith("/v1/projects/my-project/locations/us-central1/");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer ya29.from-adc");
    assertThat(logged()).doesNotContain("ya29.from-adc").doesNotContain(GoogleAdc.CLIENT_SECRET)
        .doesNotContain(GoogleAdc.REFRESH_TOKEN);
  }

  // ---- bedrock ----

  @Test
  void bedrockSignsForTheRegionAndPostsConverseToTheModelsPath() throws Exception {
    server.enqueue(json(200, CONVERSE_REPLY));
    runner.withBean("awsCredentials", AwsCredentialsProvider.class, () -> aws)
        .withPropertyValues("ai-gateway.providers.aws.type=bedrock",
            "ai-gateway.providers.aws.region=eu-central-1",
            "ai-gateway.providers.aws.base-url=" + baseUrl(),
            "ai-gateway.providers.aws.credentials-provider=awsCredentials")
        .run(context -> {
          assertThat(context).hasNotFailed();
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.providers().get("aws").providerName()).isEqualTo("aws.bedrock");
          ChatResponse answer = gateway.chat(ChatRequest.of(BEDROCK_MODEL, "Hi"));
          assertThat(answer.text()).isEqualTo("Hello from Bedrock");
          assertThat(answer.provider()).isEqualTo("aws");
        });
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getMethod()).isEqualTo("POST");
    assertThat(sent.getTarget())
        .isEqualTo("/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse");
    String auth = sent.getHeaders().get("Authorization");
    assertThat(auth).startsWith("AWS4-HMAC-SHA256 ")
        .containsPattern("Credential=" + AKID + "/\\d{8}/eu-central-1/bedrock/aws4_request")
        .contains("Signature=");
    assertThat(sent.getHeaders().get("X-Amz-Date")).matches("\\d{8}T\\d{6}Z");
    assertThat(sent.getHeaders().toString()).doesNotContain(SECRET);
    JsonNode body = new ObjectMapper().readTree(sent.getBody().utf8());
    assertThat(body.at("/messages/0/content/0/text").asText()).isEqualTo("Hi");
  }

  @Test
  void aRefusedAwsCredentialShowsNeitherInTheFailureNorInTheLog() {
    server.enqueue(new MockResponse.Builder().code(403)
        .setHeader("Content-Type", "application/json")
        .setHeader("x-amzn-ErrorType", "UnrecognizedClientException:http://internal.amazon.com/")
        .body("{\"message\":\"The security token included in the request is invalid.\"}")
        .build());
    runner.withBean("awsCredentials", AwsCredentialsProvider.class, () -> aws)
        .withPropertyValues("ai-gateway.providers.aws.type=bedrock",
            "ai-gateway.providers.aws.region=eu-central-1",
            "ai-gateway.providers.aws.base-url=" + baseUrl(),
            "ai-gateway.providers.aws.credentials-provider=awsCredentials")
        .run(context -> {
          AiGateway gateway = context.getBean(AiGateway.class);
          Throwable failure = catchThrowable(() ->
              gateway.chat(ChatRequest.of(BEDROCK_MODEL, "Hi")));
          assertThat(failure).isInstanceOf(AuthenticationException.class);
          assertThat(chain(failure)).doesNotContain(SECRET);
          assertThat(gateway.providers().get("aws").toString()).doesNotContain(SECRET);
        });
    assertThat(server.getRequestCount()).isEqualTo(1);
    assertThat(log.list).isNotEmpty();
    assertThat(logged()).doesNotContain(SECRET);
  }

  // ---- vertex-anthropic ----

  @Test
  void vertexAnthropicPostsToClaudesRawPredictPathWithTheBeansToken() throws Exception {
    server.enqueue(json(200, CLAUDE_REPLY));
    runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
        .withPropertyValues("ai-gateway.providers.claude.type=vertex-anthropic",
            "ai-gateway.providers.claude.project=my-project",
            "ai-gateway.providers.claude.location=us-east5",
            "ai-gateway.providers.claude.quota-project=billing-project",
            "ai-gateway.providers.claude.token-supplier=googleTokens",
            "ai-gateway.providers.claude.anthropic-beta=context-1m-2025-08-07",
            "ai-gateway.providers.claude.default-max-tokens=512",
            "ai-gateway.providers.claude.base-url=" + baseUrl())
        .run(context -> {
          assertThat(context).hasNotFailed();
          AiGateway gateway = context.getBean(AiGateway.class);
          assertThat(gateway.providers().get("claude").providerName())
              .isEqualTo("gcp.vertex_ai");
          ChatResponse answer =
              gateway.chat(ChatRequest.of("claude/claude-sonnet-4-5@20250929", "Hi"));
          assertThat(answer.text()).isEqualTo("Hello from Claude on Vertex");
          assertThat(answer.provider()).isEqualTo("claude");
        });
    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget()).isEqualTo("/v1/projects/my-project/locations/us-east5"
        + "/publishers/anthropic/models/claude-sonnet-4-5@20250929:rawPredict");
    assertThat(sent.getHeaders().get("Authorization")).isEqualTo("Bearer " + TOKEN);
    assertThat(sent.getHeaders().get("x-goog-user-project")).isEqualTo("billing-project");
    assertThat(sent.getHeaders().get("anthropic-beta")).isEqualTo("context-1m-2025-08-07");
    JsonNode body = new ObjectMapper().readTree(sent.getBody().utf8());
    assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertThat(body.path("max_tokens").asInt()).isEqualTo(512);
    assertThat(body.has("model")).isFalse();
  }

  @Test
  void vertexAnthropicBadSettingsFailNamingTheProperty() {
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.c.type=vertex-anthropic",
                "ai-gateway.providers.c.project=my-project",
                "ai-gateway.providers.c.default-max-tokens=0",
                "ai-gateway.providers.c.token-supplier=googleTokens"),
        "ai-gateway.providers.c.default-max-tokens", "defaultMaxTokens must be >= 1", "0",
        "see the property's description");
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.c.type=vertex-anthropic",
                "ai-gateway.providers.c.token-supplier=googleTokens"),
        "ai-gateway.providers.c.project", "is missing", "GOOGLE_CLOUD_PROJECT",
        "the Google Cloud project id");
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.c.type=vertex-anthropic",
                "ai-gateway.providers.c.project=my-project",
                "ai-gateway.providers.c.token-supplier=googleTokens",
                "ai-gateway.providers.c.api-key=" + TOKEN),
        "ai-gateway.providers.c.api-key", "is not used by type vertex-anthropic",
        "vertex-anthropic", "token-supplier");
  }

  // ---- startup failures ----

  @Test
  void vertexAiWithoutAProjectFailsNamingProject() {
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.v.type=vertex-ai",
                "ai-gateway.providers.v.token-supplier=googleTokens"),
        "ai-gateway.providers.v.project", "is missing", "GOOGLE_CLOUD_PROJECT",
        "the Google Cloud project id");
  }

  @Test
  void vertexAiWithABadLocationFailsNamingLocation() {
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.v.type=vertex-ai",
                "ai-gateway.providers.v.project=my-project",
                "ai-gateway.providers.v.location=europe west4",
                "ai-gateway.providers.v.token-supplier=googleTokens"),
        "ai-gateway.providers.v.location", "single path segment", "'europe west4'",
        "see the property's description");
  }

  @Test
  void vertexAiNamingNoBeanFailsNamingTokenSupplier() {
    assertNamed(runner.withPropertyValues("ai-gateway.providers.v.type=vertex-ai",
            "ai-gateway.providers.v.project=my-project",
            "ai-gateway.providers.v.token-supplier=nope"),
        "ai-gateway.providers.v.token-supplier", "names no TokenSupplier bean 'nope'", "nope",
        "the name of such a bean");
  }

  @Test
  void bedrockWithoutARegionFailsNamingRegion() {
    assertNamed(runner.withBean("awsCredentials", AwsCredentialsProvider.class, () -> aws)
            .withPropertyValues("ai-gateway.providers.b.type=bedrock",
                "ai-gateway.providers.b.credentials-provider=awsCredentials"),
        "ai-gateway.providers.b.region", "is missing", "AWS_REGION", "such as us-east-1");
  }

  @Test
  void bedrockWithABadRegionFailsNamingRegion() {
    assertNamed(runner.withPropertyValues("ai-gateway.providers.b.type=bedrock",
            "ai-gateway.providers.b.region=EU_CENTRAL_1"),
        "ai-gateway.providers.b.region", "is not an AWS region name", "EU_CENTRAL_1",
        "see the property's description");
  }

  @Test
  void bedrockNamingNoBeanFailsNamingCredentialsProvider() {
    assertNamed(runner.withBean("awsCredentials", AwsCredentialsProvider.class, () -> aws)
            .withPropertyValues("ai-gateway.providers.b.type=bedrock",
                "ai-gateway.providers.b.region=us-east-1",
                "ai-gateway.providers.b.credentials-provider=awsCredentialz"),
        "ai-gateway.providers.b.credentials-provider",
        "names no AwsCredentialsProvider bean 'awsCredentialz'", "awsCredentialz",
        "the name of such a bean");
  }

  @Test
  void aKeyGivenToVertexAiOrBedrockFailsWithoutShowingIt() {
    assertNamed(runner.withPropertyValues("ai-gateway.providers.b.type=bedrock",
            "ai-gateway.providers.b.region=us-east-1",
            "ai-gateway.providers.b.api-key=" + SECRET),
        "ai-gateway.providers.b.api-key", "is not used by type bedrock", "bedrock",
        "credentials-provider");
    assertNamed(runner.withBean("googleTokens", TokenSupplier.class, () -> tokens)
            .withPropertyValues("ai-gateway.providers.v.type=vertex-ai",
                "ai-gateway.providers.v.project=my-project",
                "ai-gateway.providers.v.token-supplier=googleTokens",
                "ai-gateway.providers.v.api-key=" + TOKEN),
        "ai-gateway.providers.v.api-key", "is not used by type vertex-ai", "vertex-ai",
        "token-supplier");
  }

  @Test
  void bedrockRefusesHeadersItCannotSign() {
    assertNamed(runner.withPropertyValues("ai-gateway.providers.b.type=bedrock",
            "ai-gateway.providers.b.region=us-east-1",
            "ai-gateway.providers.b.headers.X-Team=support"),
        "ai-gateway.providers.b.headers", "is not sent by type bedrock", "bedrock",
        "AiGatewayBuilderCustomizer");
  }

  @Test
  void bedrockWithoutACredentialsBeanUsesTheSdksDefaultChain() {
    runner.withPropertyValues("ai-gateway.providers.b.type=bedrock",
        "ai-gateway.providers.b.region=us-east-1").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(AiGateway.class).providers().get("b").toString())
              .contains("credentials=DefaultCredentialsProvider");
        });
  }

  /**
   * Startup fails at {@code property}, with {@code problem} and {@code detail} in its problem
   * and {@code valid} in what would be valid, reported by the failure analyzer; never a secret.
   */
  static void assertNamed(ApplicationContextRunner runner, String property, String problem,
      String detail, String valid) {
    runner.run(context -> {
      assertThat(context).hasFailed();
      AiGatewayConfigurationException e = cause(context.getStartupFailure());
      assertThat(e.property()).isEqualTo(property);
      assertThat(e.problem()).contains(problem).contains(detail);
      assertThat(e.valid()).contains(valid);
      FailureAnalysis analysis = new AiGatewayFailureAnalyzer().analyze(
          context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("'" + property + "'").contains(problem);
      assertThat(chain(context.getStartupFailure()) + analysis.getDescription()
          + analysis.getAction()).doesNotContain(SECRET).doesNotContain(TOKEN);
    });
  }

  static AiGatewayConfigurationException cause(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof AiGatewayConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("the configuration failure in %s", failure).isNotNull();
    return (AiGatewayConfigurationException) t;
  }

  /** Every message of the cause chain, and the suppressed ones. */
  static String chain(Throwable failure) {
    StringBuilder all = new StringBuilder();
    for (Throwable t = failure; t != null; t = t.getCause()) {
      all.append(t).append('\n');
      for (Throwable s : t.getSuppressed()) {
        all.append(s).append('\n');
      }
    }
    return all.toString();
  }
}
