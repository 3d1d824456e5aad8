package dev.aigateway.providers.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.ConnectionPool;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import okio.Source;
import okio.Timeout;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * The conformance kit: the same scenarios, with the same caller-visible expectations, run against
 * every adapter. An adapter's test extends this class and supplies transcripts in its vendor's
 * documented wire format, plus the checks of where its vendor wants each field on the wire.
 *
 * <p>Every transcript tells the same story, so the kit can check the unified result:
 * <ul>
 *   <li>{@link #textReply()}: the answer "Hello there!", finish STOP, usage {@link #textUsage()};
 *   <li>{@link #textStreamEvents()}: "Hello", then " world" in a later event, finish STOP, usage
 *       {@link #textStreamUsage()}, then whatever ends the vendor's stream;
 *   <li>{@link #oneToolCallReply()}: one call of {@code get_weather} with
 *       {@code {"location":"Paris"}};
 *   <li>{@link #parallelToolCallsReply()} and {@link #parallelToolCallsStreamEvents()}: that call
 *       and {@code get_time} with {@code {"tz":"CET"}}, in that order; in the stream, each call's
 *       argument JSON is split across events, in the middle of a token.
 * </ul>
 *
 * <p>A transcript's events are strings in the vendor's own notation; {@link #encodeStream}
 * frames them into the body (SSE text by default, overridden for a binary framing such as
 * Bedrock's AWS event stream), and every scenario that cuts, truncates or splits a stream works
 * on those bytes. A scenario that cannot apply to a vendor is named, with the reason, in
 * {@link #notApplicable()}, and is then reported as skipped.
 */
public abstract class ConformanceKit {
  /** The key every adapter is built with; it must never show up in an exception. */
  protected static final String KEY = "conf-KEY-0123456789abcdefghijklmnopqrstuv";
  /** The time the adapter's clock reads, for dates in {@code Retry-After}. */
  protected static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
  protected static final Duration WAIT = Duration.ofSeconds(5);
  /**
   * The attempt most scenarios run in: idle timeouts of a few seconds, so that a scenario that
   * goes wrong fails fast rather than waiting out a provider's defaults.
   */
  protected static final AttemptContext ATTEMPT =
      AttemptContext.of(null, null, null, Duration.ofSeconds(5), 1);

  protected static final ToolDefinition WEATHER = ToolDefinition.of("get_weather",
      "The current weather at a place",
      "{\"type\":\"object\",\"properties\":{\"location\":{\"type\":\"string\"}},"
          + "\"required\":[\"location\"]}");
  protected static final ToolDefinition TIME = ToolDefinition.of("get_time",
      "The current time in a time zone",
      "{\"type\":\"object\",\"properties\":{\"tz\":{\"type\":\"string\"}}}");
  /** The bytes of the image the image scenario sends. */
  protected static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13};
  protected static final String IMAGE_URL = "https://example.com/cat.png";

  protected final MockWebServer server = new MockWebServer();
  protected ChatProvider provider;

  // ---------------------------------------------------------------- what an adapter supplies

  /**
   * The adapter under test, with {@code baseUrl} as its base URL (the server's root: the adapter's
   * usual path goes after it), {@code key} as its key, {@code clock} for {@code Retry-After}
   * dates, {@code client} as its OkHttp client when not null, and {@code maxResponseSize} as its
   * builder's {@code maxResponseSize}. The scenarios pass their timeouts with each attempt
   * ({@link #ATTEMPT}).
   */
  protected abstract ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize);

  /** {@link #newProvider(String, Secret, Clock, OkHttpClient, long)} with the default limit. */
  protected ChatProvider newProvider(String baseUrl, Secret key, Clock clock, OkHttpClient client) {
    return newProvider(baseUrl, key, clock, client, HttpProviderBuilder.DEFAULT_MAX_RESPONSE_SIZE);
  }

  /** The model the scenarios ask for. */
  protected abstract String model();

  /** "Hello there!", STOP, {@link #textUsage()}. */
  protected abstract MockResponse textReply();

  /** The unified usage of {@link #textReply()}; its cached count should not be zero. */
  protected abstract Usage textUsage();

  /** "Hello" and " world" in two events, STOP, {@link #textStreamUsage()}; complete events. */
  protected abstract List<String> textStreamEvents();

  /** The unified usage of {@link #textStreamEvents()}. */
  protected abstract Usage textStreamUsage();

  /**
   * "Hello" and " world", STOP, as {@link #textStreamEvents()} but with no usage anywhere and
   * without the vendor's terminal event: what a server that reports no usage and never sends the
   * terminal event streams.
   */
  protected abstract List<String> textStreamEventsWithoutUsage();

  /** Whether {@code event}, one of the kit's transcripts' events, carries the finish reason. */
  protected abstract boolean carriesFinishReason(String event);

  /** Whether {@code event} is the vendor's terminal event ({@code [DONE]}, ...); false if none. */
  protected abstract boolean isTerminalEvent(String event);

  /** One {@code get_weather} call. */
  protected abstract MockResponse oneToolCallReply();

  /** {@code get_weather} and {@code get_time}, in one answer. */
  protected abstract MockResponse parallelToolCallsReply();

  /** The same two calls, streamed, arguments split across events. */
  protected abstract List<String> parallelToolCallsStreamEvents();

  /** Replies whose vendor finish or stop reason maps onto each unified one. */
  protected abstract List<FinishCase> finishCases();

  /** Each error status the vendor documents, with the exception it must become. */
  protected abstract List<ErrorCase> documentedErrors();

  /**
   * A whole stream with reasoning and the state the vendor signs (thinking and its signature, a
   * thought and the signature on a call), in the vendor's events; empty, the default, for a
   * vendor without. It is cut at every byte boundary like the other streams.
   */
  protected List<String> reasoningStreamEvents() {
    return List.of();
  }

  private List<List<String>> streamsToCut() {
    List<List<String>> streams = new ArrayList<>(List.of(textStreamEvents(),
        parallelToolCallsStreamEvents()));
    if (!reasoningStreamEvents().isEmpty()) {
      streams.add(reasoningStreamEvents());
    }
    return streams;
  }

  // ---------------------------------------------------------------- the vendor's stream framing

  /**
   * The content type of a stream reply: by default SSE's {@code text/event-stream}; a vendor
   * with another framing overrides it together with {@link #encodeStream}.
   */
  protected String streamContentType() {
    return "text/event-stream";
  }

  /**
   * The body of a stream reply made of {@code events}, each the UTF-8 bytes of one of the
   * transcripts' events (they may hold bytes that are not UTF-8: the kit's UTF-8 scenarios put
   * them there). By default SSE: each event, then a blank line, LF line endings. A vendor whose
   * streams are framed otherwise (Bedrock's AWS event stream) overrides it; every scenario that
   * cuts, truncates or splits a stream works on the bytes this returns, so the cuts fall at every
   * byte of the vendor's own framing.
   */
  protected byte[] encodeStream(List<byte[]> events) {
    Buffer b = new Buffer();
    for (byte[] e : events) {
      b.write(e).writeUtf8("\n\n");
    }
    return b.readByteArray();
  }

  /**
   * The same events in the other byte forms the framing allows, which a reader must take exactly
   * as {@link #encodeStream}'s: by default SSE's CRLF line endings; none for a framing with a
   * single form. A vendor that overrides {@link #encodeStream} overrides this too (the SSE
   * default would hand its reader SSE text, and the split scenario would fail).
   */
  protected List<byte[]> equivalentStreamEncodings(List<String> events) {
    return List.of(Wire.join(events).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Whether a stream body that ends after its first {@code at} bytes ends between two of the
   * framing's units, where a reader may take the end of the body for a clean one: by default
   * (SSE) at the end of a line; for a framing of length-prefixed messages, at the end of a
   * message.
   */
  protected boolean endsBetweenUnits(byte[] body, int at) {
    return at > 0 && body[at - 1] == '\n';
  }

  /**
   * The most bytes the framing's reader must hold at once to read {@code body}, which the
   * adapter's {@code maxResponseSize} bounds: by default (SSE) its longest line, without the line
   * end; for a framing of messages, its largest message.
   */
  protected long largestUnit(byte[] body) {
    long longest = 0;
    for (String line : new String(body, StandardCharsets.UTF_8).split("\n")) {
      longest = Math.max(longest, line.getBytes(StandardCharsets.UTF_8).length);
    }
    return longest;
  }

  /** {@code events} (the transcripts' events) as the vendor frames them. */
  protected final byte[] streamBody(List<String> events) {
    List<byte[]> utf8 = new ArrayList<>(events.size());
    for (String e : events) {
      utf8.add(e.getBytes(StandardCharsets.UTF_8));
    }
    return encodeStream(utf8);
  }

  /** A stream reply of {@code events}, framed as the vendor does, sent in 64-byte chunks. */
  protected final MockResponse streamReply(List<String> events) {
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", streamContentType())
        .chunkedBody(new Buffer().write(streamBody(events)), 64).build();
  }

  // ---------------------------------------------------------------- scenarios that cannot apply

  /**
   * The kit's scenarios that cannot apply to this vendor, by test method name, each with the
   * reason; none by default. A scenario named here is reported as skipped with its reason (a
   * failed JUnit assumption), never passed silently; a name that is no scenario of the kit fails
   * {@link #everyScenarioMarkedNotApplicableIsOneOfTheKitsAndSaysWhy}. Each scenario's Javadoc
   * says when it cannot apply.
   */
  protected Map<String, String> notApplicable() {
    return Map.of();
  }

  /** The statuses {@link #documentedErrors()} must cover; by default 400, 401, 429 and 500. */
  protected Set<Integer> requiredErrorStatuses() {
    return Set.of(400, 401, 429, 500);
  }

  /** A vendor error event that says {@code message}, as it arrives in the middle of a stream. */
  protected abstract String midStreamErrorEvent(String message);

  /** The exception a {@link #midStreamErrorEvent} becomes. */
  protected abstract Class<? extends ProviderException> midStreamErrorType();

  /** Checks the method, path, credential and version headers, and where the model went. */
  protected abstract void assertRequestLine(RecordedRequest request, boolean stream);

  /** Checks that the single user turn "hi" went where the vendor wants it. */
  protected abstract void assertUserTurn(JsonNode body);

  /** Checks the placement of the system prompts "Be brief." and "Answer in French.". */
  protected abstract void assertSystemPlacement(JsonNode body);

  /** Checks {@link #WEATHER} and {@link #TIME} as definitions, with {@code tool_choice} auto. */
  protected abstract void assertToolDefinitions(JsonNode body);

  /**
   * Checks the history of {@link #toolRoundTrip()}: the assistant's two calls ({@code call_a}:
   * {@code get_weather} Paris, {@code call_b}: {@code get_time} CET), then their results
   * ({@code {"temp_c":18}} and {@code 10:00}), as the vendor wants them.
   */
  protected abstract void assertToolResults(JsonNode body);

  /** Checks a user turn with text "What is this?", {@link #PNG} as bytes and {@link #IMAGE_URL}. */
  protected abstract void assertImages(JsonNode body);

  /** What a vendor's finish reason must become. */
  public record FinishCase(String vendorReason, MockResponse reply, FinishReason expected) {
    @Override
    public String toString() {
      return vendorReason + " -> " + expected;
    }
  }

  /**
   * One documented error.
   *
   * @param status the HTTP status
   * @param vendorCode the vendor's type or code in the body, which the exception must carry
   * @param reply the reply, given the vendor message to put in its body
   * @param type the exact exception type expected
   * @param retryable whether it must be retryable
   * @param retryAfter the delay the reply's headers announce, or null
   */
  public record ErrorCase(int status, String vendorCode, Function<String, MockResponse> reply,
      Class<? extends ProviderException> type, boolean retryable, Duration retryAfter) {
    @Override
    public String toString() {
      return status + " " + vendorCode + " -> " + type.getSimpleName();
    }
  }

  // ---------------------------------------------------------------- lifecycle

  @BeforeEach
  void startServer(TestInfo test) throws Exception {
    String scenario = test.getTestMethod().map(java.lang.reflect.Method::getName).orElse("");
    String reason = notApplicable().get(scenario);
    Assumptions.assumeTrue(reason == null, () -> scenario + " does not apply: " + reason);
    server.start();
    provider = newProvider(server.url("/").toString(), Secret.of(KEY),
        Clock.fixed(NOW, ZoneOffset.UTC), null);
  }

  @AfterEach
  void stopServer() {
    if (provider != null) {
      provider.close();
    }
    server.close();
  }

  @Test
  void everyScenarioMarkedNotApplicableIsOneOfTheKitsAndSaysWhy() {
    Set<String> scenarios = new HashSet<>();
    for (java.lang.reflect.Method m : ConformanceKit.class.getDeclaredMethods()) {
      if (m.isAnnotationPresent(Test.class)) {
        scenarios.add(m.getName());
      }
    }
    assertThat(scenarios).as("the kit's scenarios").hasSizeGreaterThan(30);
    notApplicable().forEach((scenario, reason) -> {
      assertThat(scenarios).as("a scenario marked not applicable").contains(scenario);
      assertThat(reason).as("why %s does not apply", scenario).isNotBlank();
    });
    assertThat(notApplicable()).as("this one always applies")
        .doesNotContainKey("everyScenarioMarkedNotApplicableIsOneOfTheKitsAndSaysWhy");
  }

  // ---------------------------------------------------------------- plain text

  @Test
  void plainText() throws Exception {
    server.enqueue(textReply());
    ChatResponse answer = provider.chat(ChatRequest.of(model(), "hi"), ATTEMPT);
    assertThat(answer.text()).isEqualTo("Hello there!");
    assertThat(answer.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(answer.usage()).isEqualTo(textUsage());
    assertThat(answer.usage().cachedInputTokens()).as("the transcript should carry cached tokens")
        .isPositive();
    assertThat(answer.toolCalls()).isEmpty();
    assertThat(answer.provider()).isEqualTo(provider.id());
    assertThat(answer.model()).isNotBlank();
    RecordedRequest sent = server.takeRequest();
    assertRequestLine(sent, false);
    assertUserTurn(Wire.body(sent));
  }

  @Test
  void streamedText() throws Exception {
    server.enqueue(streamReply(textStreamEvents()));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
    assertThat(sub.isCompleted()).as("completed, error: %s", sub.error()).isTrue();
    List<String> deltas = sub.items().stream().map(ChatChunk::textDelta)
        .filter(d -> !d.isEmpty()).toList();
    assertThat(deltas).as("tokens arrive as they come").containsExactly("Hello", " world");
    assertThat(sub.items()).allSatisfy(c -> assertThat(c.provider()).isEqualTo(provider.id()));
    assertThat(sub.items().stream().filter(c -> c.usage() != null).count())
        .as("usage is reported once, never added up twice").isOne();
    ChatResponse folded = fold(sub.items());
    assertThat(folded.text()).isEqualTo("Hello world");
    assertThat(folded.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(folded.usage()).isEqualTo(textStreamUsage());
    RecordedRequest sent = server.takeRequest();
    assertRequestLine(sent, true);
    assertUserTurn(Wire.body(sent));
  }

  // ---------------------------------------------------------------- tools

  private ChatRequest toolRequest() {
    return ChatRequest.builder().model(model()).user("Weather in Paris, and the time?")
        .tool(WEATHER).tool(TIME).toolChoice(ToolChoice.auto()).build();
  }

  @Test
  void oneToolCall() throws Exception {
    server.enqueue(oneToolCallReply());
    ChatResponse answer = provider.chat(toolRequest(), ATTEMPT);
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.toolCalls()).hasSize(1);
    assertCall(answer.toolCalls().get(0), "get_weather", "{\"location\":\"Paris\"}");
    assertToolDefinitions(Wire.body(server.takeRequest()));
  }

  @Test
  void parallelToolCalls() {
    server.enqueue(parallelToolCallsReply());
    assertParallelCalls(provider.chat(toolRequest(), ATTEMPT));
  }

  @Test
  void parallelToolCallsStreamed() throws Exception {
    server.enqueue(streamReply(parallelToolCallsStreamEvents()));
    TestSubscriber<ChatChunk> sub = stream(toolRequest());
    assertThat(sub.isCompleted()).as("completed, error: %s", sub.error()).isTrue();
    assertParallelCalls(fold(sub.items()));
    assertToolDefinitions(Wire.body(server.takeRequest()));
  }

  private static void assertParallelCalls(ChatResponse answer) {
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.toolCalls()).hasSize(2);
    assertCall(answer.toolCalls().get(0), "get_weather", "{\"location\":\"Paris\"}");
    assertCall(answer.toolCalls().get(1), "get_time", "{\"tz\":\"CET\"}");
    assertThat(answer.toolCalls().get(0).id()).as("distinct ids")
        .isNotEqualTo(answer.toolCalls().get(1).id());
  }

  private static void assertCall(ToolCall call, String name, String arguments) {
    assertThat(call.id()).isNotBlank();
    assertThat(call.name()).isEqualTo(name);
    assertThat(Wire.tree(call.arguments())).as("arguments of %s", name)
        .isEqualTo(Wire.tree(arguments));
  }

  /** The history the tool-result scenario sends. */
  protected ChatRequest toolRoundTrip() {
    return ChatRequest.builder().model(model())
        .user("Weather in Paris, and the time?")
        .message(Message.assistant(List.of(
            ToolCall.of("call_a", "get_weather", "{\"location\":\"Paris\"}"),
            ToolCall.of("call_b", "get_time", "{\"tz\":\"CET\"}"))))
        .message(Message.tool("call_a", "{\"temp_c\":18}"))
        .message(Message.tool("call_b", "10:00"))
        .tool(WEATHER).tool(TIME)
        .build();
  }

  @Test
  void toolResultRoundTrip() throws Exception {
    server.enqueue(textReply());
    assertThat(provider.chat(toolRoundTrip(), ATTEMPT).text()).isEqualTo("Hello there!");
    assertToolResults(Wire.body(server.takeRequest()));
  }

  // ---------------------------------------------------------------- images, system prompt

  /**
   * Images as bytes and by URL in one user turn. It cannot apply to a vendor that takes no image
   * by URL (Bedrock's Converse), whose adapter rejects the request before sending.
   */
  @Test
  void imagesAsBytesAndAsUrl() throws Exception {
    server.enqueue(textReply());
    provider.chat(ChatRequest.builder().model(model())
        .message(Message.user(ContentPart.text("What is this?"),
            ContentPart.image(PNG, "image/png"), ContentPart.imageUrl(IMAGE_URL)))
        .build(), ATTEMPT);
    assertImages(Wire.body(server.takeRequest()));
  }

  /** {@link #PNG} in base64, for {@link #assertImages}. */
  protected static String pngBase64() {
    return Base64.getEncoder().encodeToString(PNG);
  }

  @Test
  void systemPromptPlacement() throws Exception {
    server.enqueue(textReply());
    provider.chat(ChatRequest.builder().model(model())
        .system("Be brief.").system("Answer in French.").user("hi").build(), ATTEMPT);
    assertSystemPlacement(Wire.body(server.takeRequest()));
  }

  // ---------------------------------------------------------------- finish reasons, errors

  @Test
  void finishReasonsAreMapped() {
    List<FinishCase> cases = finishCases();
    Set<FinishReason> covered = new HashSet<>();
    for (FinishCase c : cases) {
      server.enqueue(c.reply());
      assertThat(provider.chat(ChatRequest.of(model(), "hi"), ATTEMPT).finishReason())
          .as(c.toString()).isEqualTo(c.expected());
      covered.add(c.expected());
    }
    assertThat(covered).as("every unified reason a vendor can give is covered")
        .contains(FinishReason.STOP, FinishReason.LENGTH, FinishReason.CONTENT_FILTER);
  }

  @Test
  void eachDocumentedErrorStatus() {
    List<ErrorCase> cases = documentedErrors();
    assertThat(cases).extracting(ErrorCase::status)
        .containsAll(requiredErrorStatuses());
    for (ErrorCase c : cases) {
      for (boolean stream : new boolean[] {false, true}) {
        String vendorMessage = "conformance says no; the key was " + KEY;
        server.enqueue(c.reply().apply(vendorMessage));
        Throwable error = failure(stream);
        String where = c + (stream ? " (stream)" : " (chat)");
        assertThat(error).as(where).isExactlyInstanceOf(c.type());
        ProviderException e = (ProviderException) error;
        assertThat(e.statusCode()).as(where).isEqualTo(c.status());
        assertThat(e.retryable()).as(where).isEqualTo(c.retryable());
        assertThat(e.provider()).as(where).isEqualTo(provider.id());
        assertThat(e.errorCode()).as(where).isEqualTo(c.vendorCode());
        assertThat(e.getMessage()).as(where).contains("conformance says no")
            .doesNotContain(KEY);
        if (c.retryAfter() != null) {
          assertThat(((ProviderRateLimitException) e).retryAfter()).as(where)
              .contains(c.retryAfter());
        }
      }
    }
  }

  private Throwable failure(boolean stream) {
    ChatRequest request = ChatRequest.of(model(), "hi");
    if (!stream) {
      return catchThrowable(() -> provider.chat(request, ATTEMPT));
    }
    TestSubscriber<ChatChunk> sub = stream(request);
    assertThat(sub.items()).isEmpty();
    return sub.error();
  }

  @Test
  void htmlErrorPageStillGivesATypedError() {
    for (boolean stream : new boolean[] {false, true}) {
      server.enqueue(new MockResponse.Builder().code(502)
          .setHeader("Content-Type", "text/html")
          .body("<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>")
          .build());
      Throwable error = failure(stream);
      assertThat(error).isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("502").hasMessageContaining("Bad Gateway");
      assertThat(((ProviderException) error).retryable()).isTrue();
    }
  }

  @Test
  void malformedSuccessBodyGivesATypedError() {
    server.enqueue(Wire.json(200, "{\"unexpected\": [1, 2"));
    assertThat(catchThrowable(() -> provider.chat(ChatRequest.of(model(), "hi"), ATTEMPT)))
        .isInstanceOf(MalformedResponseException.class);
  }

  // ---------------------------------------------------------------- stream failures

  // ---------------------------------------------------------------- how a stream ends

  /** The events before the first that carries the finish reason. */
  private List<String> beforeTheFinishReason(List<String> events) {
    for (int i = 0; i < events.size(); i++) {
      if (carriesFinishReason(events.get(i))) {
        return events.subList(0, i);
      }
    }
    throw new AssertionError("no event carries the finish reason");
  }

  private List<String> withoutTheTerminalEvent(List<String> events) {
    return events.stream().filter(e -> !isTerminalEvent(e)).toList();
  }

  /** {@code events} as a clean body: chunked with its last chunk, or with its Content-Length. */
  private MockResponse cleanBody(List<String> events, boolean chunked) {
    return chunked ? streamReply(events) : new MockResponse.Builder().code(200)
        .setHeader("Content-Type", streamContentType())
        .body(new Buffer().write(streamBody(events))).build();
  }

  private static void assertTruncated(TestSubscriber<ChatChunk> sub, String where) {
    assertThat(sub.isCompleted()).as("%s: a truncated stream is never a success", where)
        .isFalse();
    assertThat(sub.error()).as(where).isInstanceOf(ProviderUnavailableException.class);
    ProviderException e = (ProviderException) sub.error();
    assertThat(e.errorCode()).as("%s: %s", where, e.getMessage()).isEqualTo("stream_truncated");
    assertThat(e.retryable()).as(where).isTrue();
  }

  @Test
  void streamEndingCleanlyBeforeItsFinishReasonFailsAfterDeliveringWhatCame() {
    for (boolean chunked : new boolean[] {true, false}) {
      server.enqueue(cleanBody(beforeTheFinishReason(textStreamEvents()), chunked));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
      String where = chunked ? "chunked" : "Content-Length";
      assertTruncated(sub, where);
      assertThat(sub.items()).as(where).extracting(ChatChunk::textDelta)
          .as("the chunks before the end are delivered first").contains("Hello");
    }
  }

  /**
   * A body that ends cleanly after the finish reason and the usage but before the terminal
   * event completes. It cannot apply to a vendor whose terminal event is the one that carries
   * them (Bedrock's {@code metadata}).
   */
  @Test
  void streamEndingCleanlyAfterItsFinishReasonAndUsageCompletesWithUsage() {
    for (boolean chunked : new boolean[] {true, false}) {
      server.enqueue(cleanBody(withoutTheTerminalEvent(textStreamEvents()), chunked));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
      String where = chunked ? "chunked" : "Content-Length";
      assertThat(sub.isCompleted()).as("%s: completed, error: %s", where, sub.error()).isTrue();
      ChatResponse folded = fold(sub.items());
      assertThat(folded.text()).as(where).isEqualTo("Hello world");
      assertThat(folded.finishReason()).as(where).isEqualTo(FinishReason.STOP);
      assertThat(folded.usage()).as(where).isEqualTo(textStreamUsage());
      assertThat(sub.items().stream().filter(c -> c.usage() != null).count()).as(where).isOne();
      assertThat(sub.items().stream().filter(c -> c.finishReason() != null).count())
          .as(where).isOne();
    }
  }

  @Test
  void streamEndingCleanlyAfterItsFinishReasonWithoutUsageCompletes() {
    for (boolean chunked : new boolean[] {true, false}) {
      server.enqueue(cleanBody(textStreamEventsWithoutUsage(), chunked));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
      String where = chunked ? "chunked" : "Content-Length";
      assertThat(sub.isCompleted()).as("%s: completed, error: %s", where, sub.error()).isTrue();
      ChatResponse folded = fold(sub.items());
      assertThat(folded.text()).as(where).isEqualTo("Hello world");
      assertThat(folded.finishReason()).as(where).isEqualTo(FinishReason.STOP);
      assertThat(folded.usage()).as(where).isNull();
    }
  }

  @Test
  void aBodyCutShortOfItsFramingAfterTheFinishReasonFails() {
    byte[] body = streamBody(withoutTheTerminalEvent(textStreamEvents()));
    for (boolean chunked : new boolean[] {true, false}) {
      String where = chunked ? "a chunked body without its last chunk"
          : "a body shorter than its Content-Length";
      server.enqueue(Wire.cutShort(streamContentType(), body, chunked));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
      assertTruncated(sub, where);
      assertThat(sub.items()).as(where).extracting(ChatChunk::textDelta).contains("Hello");
    }
  }

  /**
   * The body ends cleanly, after the finish reason, but inside the framing's next unit (for SSE
   * a line, for a framing of messages a message): the first half of the stream's first event
   * again.
   */
  @Test
  void aStreamThatEndsInTheMiddleOfAUnitFails() {
    List<String> events = withoutTheTerminalEvent(textStreamEvents());
    byte[] head = streamBody(events);
    byte[] next = streamBody(events.subList(0, 1));
    int n = next.length / 2;
    byte[] body;
    do {
      body = new Buffer().write(head).write(next, 0, n++).readByteArray();
    } while (endsBetweenUnits(body, body.length));
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", streamContentType()).body(new Buffer().write(body)).build());
    assertTruncated(stream(ChatRequest.of(model(), "hi")), "cut in a unit");
  }

  @Test
  void vendorErrorEventMidStreamEndsInOnError() {
    List<String> events = new ArrayList<>(textStreamEvents());
    // Keep the events up to the one that carries "Hello", then the vendor's error event.
    int hello = indexOfEventWith(events, "Hello");
    List<String> cut = new ArrayList<>(events.subList(0, hello + 1));
    cut.add(midStreamErrorEvent("Overloaded, says " + KEY));
    server.enqueue(streamReply(cut));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.items()).extracting(ChatChunk::textDelta).contains("Hello");
    assertThat(sub.error()).isExactlyInstanceOf(midStreamErrorType())
        .hasMessageContaining("Overloaded").hasMessageNotContaining(KEY);
  }

  private static int indexOfEventWith(List<String> events, String text) {
    for (int i = 0; i < events.size(); i++) {
      if (events.get(i).contains(text)) {
        return i;
      }
    }
    throw new AssertionError("no event carries " + text);
  }

  @Test
  void cancelClosesTheConnection() throws Exception {
    List<String> events = textStreamEvents();
    byte[] head = streamBody(events.subList(0, indexOfEventWith(events, "Hello") + 1));
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(Wire.heldOpen(streamContentType(), head, sent, clientClosed));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    provider.stream(ChatRequest.of(model(), "hi"), ATTEMPT).subscribe(sub);
    sub.awaitItems(1, WAIT);
    assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(clientClosed.getCount()).as("still open before cancel").isOne();
    sub.cancel();
    assertThat(clientClosed.await(5, TimeUnit.SECONDS))
        .as("the server sees the client close the connection").isTrue();
    assertThat(sub.error()).as("no signal after cancel").isNull();
    assertThat(sub.isCompleted()).isFalse();
  }

  // ---------------------------------------------------------------- the attempt

  @Test
  void withoutAnAttemptTheProvidersOwnDefaultsServe() throws Exception {
    server.enqueue(textReply());
    assertThat(provider.chat(ChatRequest.of(model(), "hi")).text()).isEqualTo("Hello there!");
    server.enqueue(streamReply(textStreamEvents()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of(model(), "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).as("completed, error: %s", sub.error()).isTrue();
    assertThat(fold(sub.items()).text()).isEqualTo("Hello world");
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  /** An attempt with {@code cancellation} and no timeouts but the kit's idle one. */
  private static AttemptContext attempt(Cancellation cancellation) {
    return AttemptContext.of(cancellation, null, null, ATTEMPT.idleTimeout(), 1);
  }

  @Test
  void cancellingTheAttemptAbortsAChatAtOnce() throws Exception {
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(Wire.heldOpen("application/json", "{", sent, clientClosed));
    Cancellation cancellation = new Cancellation();
    CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> catchThrowable(
        () -> provider.chat(ChatRequest.of(model(), "hi"), attempt(cancellation))));
    assertThat(sent.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(outcome).as("still waiting for the body").isNotDone();
    cancellation.cancel();
    assertThat(clientClosed.await(5, TimeUnit.SECONDS))
        .as("the server sees the client close the connection").isTrue();
    assertThat(outcome.get(5, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);
  }

  @Test
  void cancellingTheAttemptAbortsAStreamWhichEndsInCancellation() throws Exception {
    List<String> events = textStreamEvents();
    byte[] head = streamBody(events.subList(0, indexOfEventWith(events, "Hello") + 1));
    CountDownLatch sent = new CountDownLatch(1);
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(Wire.heldOpen(streamContentType(), head, sent, clientClosed));
    Cancellation cancellation = new Cancellation();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of(model(), "hi"), attempt(cancellation)).subscribe(sub);
    sub.awaitItems(1, WAIT);
    cancellation.cancel();
    assertThat(clientClosed.await(5, TimeUnit.SECONDS))
        .as("the server sees the client close the connection").isTrue();
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(CancellationException.class);
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void anAttemptCancelledBeforehandSendsNothing() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    assertThat(catchThrowable(
        () -> provider.chat(ChatRequest.of(model(), "hi"), attempt(cancellation))))
        .isInstanceOf(CancellationException.class);
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"), attempt(cancellation));
    assertThat(sub.items()).isEmpty();
    assertThat(sub.error()).isInstanceOf(CancellationException.class);
    assertThat(server.getRequestCount()).as("nothing was sent").isZero();
  }

  /** What {@code request} in {@code attempt} ends with, against a vendor that says nothing. */
  private Throwable againstASilentVendor(ChatRequest request, AttemptContext attempt,
      boolean stream) {
    server.enqueue(Wire.heldOpen(stream ? streamContentType() : "application/json", "",
        new CountDownLatch(1), new CountDownLatch(1)));
    if (!stream) {
      return catchThrowable(() -> provider.chat(request, attempt));
    }
    TestSubscriber<ChatChunk> sub = stream(request, attempt);
    assertThat(sub.items()).isEmpty();
    return sub.error();
  }

  private static GatewayTimeoutException.Phase phase(Throwable t) {
    assertThat(t).isInstanceOf(GatewayTimeoutException.class);
    return ((GatewayTimeoutException) t).phase();
  }

  @Test
  void theAttemptsTimeoutBoundsTheWholeExchangeAndSoDoesTheRequestsTheShorterWins() {
    Duration short_ = Duration.ofMillis(250);
    Duration long_ = Duration.ofSeconds(60);
    for (boolean stream : new boolean[] {false, true}) {
      for (boolean attemptIsShorter : new boolean[] {true, false}) {
        ChatRequest request = ChatRequest.builder().model(model()).user("hi")
            .timeout(attemptIsShorter ? long_ : short_).build();
        AttemptContext attempt = AttemptContext.of(null, attemptIsShorter ? short_ : long_,
            null, null, 1);
        String where = (stream ? "stream" : "chat") + ", the "
            + (attemptIsShorter ? "attempt's" : "request's") + " timeout is shorter";
        long start = System.nanoTime();
        Throwable t = againstASilentVendor(request, attempt, stream);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(phase(t)).as(where).isEqualTo(GatewayTimeoutException.Phase.DEADLINE);
        assertThat(((GatewayTimeoutException) t).retryable()).as(where).isFalse();
        assertThat(took).as(where).isLessThan(WAIT);
      }
    }
    // The request's timeout alone bounds a standalone call too.
    Throwable t = againstASilentVendor(ChatRequest.builder().model(model()).user("hi")
        .timeout(short_).build(), AttemptContext.none(), false);
    assertThat(phase(t)).isEqualTo(GatewayTimeoutException.Phase.DEADLINE);
  }

  @Test
  void theAttemptsIdleTimeoutIsTheLongestSilence() throws Exception {
    AttemptContext impatient = AttemptContext.of(null, null, null, Duration.ofMillis(250), 1);
    assertThat(phase(againstASilentVendor(ChatRequest.of(model(), "hi"), impatient, false)))
        .as("chat: no reply within the idle timeout")
        .isEqualTo(GatewayTimeoutException.Phase.FIRST_CHUNK);

    List<String> events = textStreamEvents();
    byte[] head = streamBody(events.subList(0, indexOfEventWith(events, "Hello") + 1));
    CountDownLatch clientClosed = new CountDownLatch(1);
    server.enqueue(Wire.heldOpen(streamContentType(), head, new CountDownLatch(1),
        clientClosed));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"), impatient);
    assertThat(sub.items()).extracting(ChatChunk::textDelta).contains("Hello");
    assertThat(phase(sub.error())).as("stream: silence after an event")
        .isEqualTo(GatewayTimeoutException.Phase.IDLE);
    assertThat(clientClosed.await(5, TimeUnit.SECONDS)).as("the connection is let go").isTrue();
  }

  // ---------------------------------------------------------------- byte boundaries

  /**
   * A body handed over in two reads, split at every byte, yields the same chunks as in one; in
   * each of the framing's forms ({@link #equivalentStreamEncodings}: for SSE LF and CRLF).
   */
  @Test
  void streamBodySplitAtEveryByteYieldsTheSameChunks() {
    try (Bodies bodies = new Bodies()) {
      for (List<String> events : streamsToCut()) {
        List<byte[]> forms = new ArrayList<>();
        forms.add(streamBody(events));
        forms.addAll(equivalentStreamEncodings(events));
        for (int form = 0; form < forms.size(); form++) {
          byte[] body = forms.get(form);
          int f = form;
          TestSubscriber<ChatChunk> whole = bodies.run(() -> new Buffer().write(body));
          assertThat(whole.isCompleted()).as("whole body, error: %s", whole.error()).isTrue();
          String expected = describe(whole.items());
          for (int cut = 1; cut < body.length; cut++) {
            int at = cut;
            TestSubscriber<ChatChunk> split =
                bodies.run(() -> Okio.buffer(new TwoReads(body, at)));
            assertThat(split.isCompleted()).as("cut at %d of %d, form %d: %s", at, body.length,
                f, split.error()).isTrue();
            assertThat(describe(split.items())).as("cut at %d, form %d", at, f)
                .isEqualTo(expected);
          }
        }
      }
    }
  }

  /**
   * A body that ends at any byte completes only when it ends after the finish reason and
   * between two of the framing's units ({@link #endsBetweenUnits}: for SSE at a line end, for a
   * framing of messages at a message's end); anywhere else it fails, after what came.
   */
  @Test
  void streamBodyEndingAtEveryByteCompletesOnlyAfterItsFinishReasonAndAtALineEnd() {
    try (Bodies bodies = new Bodies()) {
      for (List<String> events : streamsToCut()) {
        byte[] body = streamBody(events);
        TestSubscriber<ChatChunk> whole = bodies.run(() -> new Buffer().write(body));
        String full = describe(whole.items());
        ChatResponse answer = fold(whole.items());
        int finished = streamBody(events.subList(0, beforeTheFinishReason(events).size() + 1))
            .length;
        for (int cut = 0; cut < body.length; cut++) {
          int at = cut;
          TestSubscriber<ChatChunk> sub = bodies.run(() -> new Buffer().write(body, 0, at));
          boolean whole_ = at >= finished && endsBetweenUnits(body, at);
          if (whole_) {
            assertThat(sub.isCompleted()).as("ended at %d of %d, after the finish reason: %s",
                at, body.length, sub.error()).isTrue();
            ChatResponse got = fold(sub.items());
            assertThat(got.text()).as("at %d", at).isEqualTo(answer.text());
            assertThat(got.toolCalls()).as("at %d", at).isEqualTo(answer.toolCalls());
            assertThat(got.message()).as("at %d: reasoning and signatures too", at)
                .isEqualTo(answer.message());
            assertThat(got.finishReason()).as("at %d", at).isEqualTo(answer.finishReason());
            assertThat(got.usage()).as("at %d: the usage, if it came", at)
                .isIn(answer.usage(), null);
          } else {
            assertThat(sub.isCompleted()).as("ended at %d of %d must not complete", at,
                body.length).isFalse();
            assertThat(sub.error()).as("at %d", at)
                .isInstanceOf(ProviderUnavailableException.class);
            assertThat(full).as("what arrived before the end at %d is a prefix of the answer",
                at).startsWith(describe(sub.items()));
          }
        }
      }
    }
  }

  // ---------------------------------------------------------------- bytes that are not UTF-8

  /**
   * The kit's text stream with the UTF-8 of "Hello" replaced by {@code hello} in the event that
   * carries it, framed by {@link #encodeStream}.
   */
  private byte[] withHello(byte[] hello) {
    List<String> events = textStreamEvents();
    int which = indexOfEventWith(events, "Hello");
    List<byte[]> utf8 = new ArrayList<>();
    for (String e : events) {
      utf8.add(e.getBytes(StandardCharsets.UTF_8));
    }
    byte[] event = utf8.get(which);
    byte[] target = "Hello".getBytes(StandardCharsets.UTF_8);
    int at = indexOf(event, target);
    Buffer b = new Buffer().write(event, 0, at).write(hello);
    b.write(event, at + target.length, event.length - at - target.length);
    utf8.set(which, b.readByteArray());
    return encodeStream(utf8);
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  private static byte[] concat(String before, int[] bad, String after) {
    Buffer b = new Buffer().writeUtf8(before);
    for (int x : bad) {
      b.writeByte(x);
    }
    return b.writeUtf8(after).readByteArray();
  }

  @Test
  void bytesThatAreNotUtf8EndTheStreamAsMalformedAtEveryReadBoundary() {
    Map<String, int[]> bad = new LinkedHashMap<>();
    bad.put("a lone continuation byte", new int[] {0x80});
    bad.put("a two-byte lead without its continuation", new int[] {0xC3});
    bad.put("an overlong two-byte form of '/'", new int[] {0xC0, 0xAF});
    bad.put("an overlong three-byte form", new int[] {0xE0, 0x80, 0xAF});
    bad.put("a surrogate encoded in UTF-8", new int[] {0xED, 0xA0, 0x80});
    bad.put("a code point above U+10FFFF", new int[] {0xF4, 0x90, 0x80, 0x80});
    bad.put("a byte that never occurs in UTF-8", new int[] {0xFF});
    try (Bodies bodies = new Bodies()) {
      for (Map.Entry<String, int[]> c : bad.entrySet()) {
        byte[] body = withHello(concat("He", c.getValue(), "llo"));
        for (int cut = 1; cut < body.length; cut += cut < 400 ? 1 : 7) {
          int at = cut;
          TestSubscriber<ChatChunk> sub = bodies.run(() -> Okio.buffer(new TwoReads(body, at)));
          assertThat(sub.isCompleted()).as("%s, read split at %d", c.getKey(), at).isFalse();
          assertThat(sub.error()).as("%s, read split at %d", c.getKey(), at)
              .isExactlyInstanceOf(MalformedResponseException.class)
              .hasMessageContaining("UTF-8");
          assertThat(sub.items()).extracting(ChatChunk::textDelta).as(c.getKey())
              .noneMatch(t -> t.contains("\uFFFD") || t.contains("llo"));
        }
      }
    }
    // And over a socket, through the whole stack.
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", streamContentType())
        .body(new Buffer().write(withHello(concat("He", new int[] {0xED, 0xA0, 0x80}, "llo"))))
        .build());
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(model(), "hi"));
    assertThat(sub.error()).isExactlyInstanceOf(MalformedResponseException.class);
  }

  /**
   * A character cut short by the end of the body, in a line after the events before "Hello".
   * Only for a text framing: in a framing of length-prefixed messages a body that ends inside a
   * character ends inside a message, which is a truncation
   * ({@link #streamBodyEndingAtEveryByteCompletesOnlyAfterItsFinishReasonAndAtALineEnd}), and a
   * message whose payload is not UTF-8 is
   * {@link #bytesThatAreNotUtf8EndTheStreamAsMalformedAtEveryReadBoundary}.
   */
  @Test
  void aCharacterCutShortByTheEndOfATextBodyIsMalformed() {
    List<String> events = textStreamEvents();
    byte[] head = streamBody(events.subList(0, indexOfEventWith(events, "Hello")));
    byte[] cutShort = new Buffer().write(head).write(concat("data: x", new int[] {0xE2, 0x82},
        "")).readByteArray();
    try (Bodies bodies = new Bodies()) {
      TestSubscriber<ChatChunk> sub = bodies.run(() -> new Buffer().write(cutShort));
      assertThat(sub.error()).as("a multi-byte sequence cut short at the end of the body")
          .isExactlyInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  void multiByteCharactersSplitAcrossReadsArriveIntact() {
    String text = "Grüße, 世界 🌍";
    byte[] body = withHello(text.getBytes(StandardCharsets.UTF_8));
    try (Bodies bodies = new Bodies()) {
      for (int cut = 1; cut < body.length; cut++) {
        int at = cut;
        TestSubscriber<ChatChunk> sub = bodies.run(() -> Okio.buffer(new TwoReads(body, at)));
        assertThat(sub.isCompleted()).as("split at %d: %s", at, sub.error()).isTrue();
        assertThat(fold(sub.items()).text()).as("split at %d", at).isEqualTo(text + " world");
      }
    }
  }

  // ---------------------------------------------------------------- what a reply may cost

  /** A provider on {@link #server} with {@code limit} as its maxResponseSize. */
  private ChatProvider limitedTo(long limit) {
    return newProvider(server.url("/").toString(), Secret.of(KEY), Clock.fixed(NOW,
        ZoneOffset.UTC), null, limit);
  }

  private static byte[] bodyOf(MockResponse reply) throws Exception {
    Buffer b = new Buffer();
    reply.getBody().writeTo(b);
    return b.readByteArray();
  }

  private static void assertTooLarge(Throwable error, long limit, String where) {
    assertThat(error).as(where).isExactlyInstanceOf(ProviderException.class);
    ProviderException e = (ProviderException) error;
    assertThat(e.errorCode()).as(where).isEqualTo("response_too_large");
    assertThat(e.retryable()).as(where).isFalse();
    assertThat(e.getMessage()).as(where).contains("maxResponseSize")
        .contains(Long.toString(limit)).doesNotContain(KEY);
  }

  @Test
  void aReplyOverTheConfiguredLimitIsATypedErrorThatNamesIt() throws Exception {
    byte[] reply = bodyOf(textReply());
    for (boolean chunked : new boolean[] {false, true}) {
      String where = chunked ? "chunked" : "Content-Length";
      MockResponse.Builder b = new MockResponse.Builder().code(200)
          .setHeader("Content-Type", "application/json");
      MockResponse r = chunked ? b.chunkedBody(new Buffer().write(reply), 100).build()
          : b.body(new Buffer().write(reply)).build();
      try (ChatProvider exact = limitedTo(reply.length);
          ChatProvider under = limitedTo(reply.length - 1)) {
        server.enqueue(r);
        assertThat(exact.chat(ChatRequest.of(model(), "hi"), ATTEMPT).text()).as(where)
            .isEqualTo("Hello there!");
        server.enqueue(r);
        assertTooLarge(catchThrowable(() -> under.chat(ChatRequest.of(model(), "hi"), ATTEMPT)),
            reply.length - 1, where);
      }
    }
  }

  @Test
  void aStreamEventOverTheConfiguredLimitIsATypedErrorThatNamesIt() {
    long longest = largestUnit(streamBody(textStreamEvents()));
    try (ChatProvider exact = limitedTo(longest); ChatProvider under = limitedTo(longest - 1)) {
      server.enqueue(streamReply(textStreamEvents()));
      TestSubscriber<ChatChunk> ok = TestSubscriber.unbounded();
      exact.stream(ChatRequest.of(model(), "hi"), ATTEMPT).subscribe(ok);
      ok.awaitTerminal(WAIT);
      assertThat(ok.isCompleted()).as("every event within the limit: %s", ok.error()).isTrue();
      server.enqueue(streamReply(textStreamEvents()));
      TestSubscriber<ChatChunk> over = TestSubscriber.unbounded();
      under.stream(ChatRequest.of(model(), "hi"), ATTEMPT).subscribe(over);
      over.awaitTerminal(WAIT);
      assertThat(over.isCompleted()).isFalse();
      assertTooLarge(over.error(), longest - 1, "stream");
    }
  }

  @Test
  void fiftyMegabytesOfGarbageAreMalformedWithAShortMessageAndTheConnectionIsLetGo() {
    long size = 50L * 1024 * 1024;
    ConnectionPool pool = new ConnectionPool(5, 1, TimeUnit.MINUTES);
    try (ChatProvider p = newProvider(server.url("/").toString(), Secret.of(KEY),
        Clock.fixed(NOW, ZoneOffset.UTC), new OkHttpClient.Builder().connectionPool(pool).build(),
        HttpProviderBuilder.DEFAULT_MAX_RESPONSE_SIZE)) {
      for (boolean chunked : new boolean[] {false, true}) {
        String where = chunked ? "chunked" : "Content-Length";
        server.enqueue(Wire.large(200, "application/json", size, chunked, new byte[0],
            Wire.garbage(64 * 1024 + 1)));
        Throwable error = catchThrowable(() -> p.chat(ChatRequest.of(model(), "hi"), ATTEMPT));
        assertThat(error).as("chat, %s", where)
            .isExactlyInstanceOf(MalformedResponseException.class);
        assertThat(error.getMessage().length()).as("chat, %s", where).isLessThan(600);
        assertThat(pool.connectionCount() - pool.idleConnectionCount())
            .as("chat, %s: no connection is left in use", where).isZero();

        server.enqueue(Wire.large(200, streamContentType(), size, chunked, new byte[0],
            Wire.garbage(64 * 1024 + 1)));
        TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
        p.stream(ChatRequest.of(model(), "hi"), ATTEMPT).subscribe(sub);
        sub.awaitTerminal(WAIT);
        assertThat(sub.error()).as("stream, %s", where)
            .isExactlyInstanceOf(MalformedResponseException.class);
        assertThat(sub.error().getMessage().length()).as("stream, %s", where).isLessThan(600);
        assertThat(pool.connectionCount() - pool.idleConnectionCount())
            .as("stream, %s: no connection is left in use", where).isZero();
      }
    }
  }

  @Test
  void anHtmlErrorPageOfSeveralMegabytesGivesTheStatusErrorWithAShortExcerpt() {
    byte[] start = "<html><head><title>502 Bad Gateway</title></head><body>"
        .getBytes(StandardCharsets.UTF_8);
    byte[] filler = "<p>upstream connect error or disconnect/reset</p>\n"
        .getBytes(StandardCharsets.UTF_8);
    for (boolean stream : new boolean[] {false, true}) {
      server.enqueue(Wire.large(502, "text/html", 5L * 1024 * 1024, false, start, filler));
      Throwable error = failure(stream);
      assertThat(error).as(stream ? "stream" : "chat")
          .isExactlyInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("502").hasMessageContaining("Bad Gateway");
      assertThat(error.getMessage().length()).isLessThan(600);
      assertThat(((ProviderException) error).statusCode()).isEqualTo(502);
    }
  }

  /** What chunks carry, in a comparable form. */
  private static String describe(List<ChatChunk> chunks) {
    List<String> parts = new ArrayList<>();
    for (ChatChunk c : chunks) {
      parts.add(c.textDelta() + "|" + c.toolCallDeltas() + "|" + c.finishReason() + "|"
          + c.usage() + "|" + c.model() + "|" + c.reasoningDelta() + "|" + c.reasoningEnd()
          + (c.reasoningEnd() == null || c.reasoningEnd().signature() == null ? ""
              : c.reasoningEnd().signature().value()) + "|" + c.refusalDelta());
    }
    return String.join("\n", parts);
  }

  /**
   * An adapter whose OkHttp client answers every call with the next body from an interceptor:
   * no socket is involved, so thousands of cuts run in well under a second.
   */
  private final class Bodies implements AutoCloseable {
    private final AtomicReference<Supplier<BufferedSource>> next = new AtomicReference<>();
    private final ChatProvider adapter = newProvider("http://vendor.invalid/", Secret.of(KEY),
        Clock.fixed(NOW, ZoneOffset.UTC),
        new OkHttpClient.Builder().addInterceptor(chain -> new Response.Builder()
            .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(next.get().get(), MediaType.get(streamContentType()), -1))
            .build()).build());

    TestSubscriber<ChatChunk> run(Supplier<BufferedSource> body) {
      next.set(body);
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      adapter.stream(ChatRequest.of(model(), "hi")).subscribe(sub);
      sub.awaitTerminal(WAIT);
      assertThat(sub.violations()).isEmpty();
      return sub;
    }

    @Override
    public void close() {
      adapter.close();
    }
  }

  /** A source that hands out the first {@code cut} bytes in one read and the rest in another. */
  private static final class TwoReads implements Source {
    private final Buffer first = new Buffer();
    private final Buffer rest = new Buffer();

    TwoReads(byte[] body, int cut) {
      first.write(body, 0, cut);
      rest.write(body, cut, body.length - cut);
    }

    @Override
    public long read(Buffer sink, long byteCount) {
      Buffer from = first.size() > 0 ? first : rest;
      if (from.size() == 0) {
        return -1;
      }
      long n = Math.min(byteCount, from.size());
      sink.write(from, n);
      return n;
    }

    @Override
    public Timeout timeout() {
      return Timeout.NONE;
    }

    @Override
    public void close() {}
  }

  // ---------------------------------------------------------------- credentials

  @Test
  void theKeyNeverAppearsInAnExceptionOrToString() {
    assertThat(provider.toString()).doesNotContain(KEY);
    for (ErrorCase c : documentedErrors()) {
      server.enqueue(c.reply().apply("Invalid key " + KEY + " for " + KEY.substring(0, 12)));
      Throwable error =
          catchThrowable(() -> provider.chat(ChatRequest.of(model(), "hi"), ATTEMPT));
      for (Throwable t = error; t != null; t = t.getCause()) {
        assertThat(String.valueOf(t.getMessage())).as(c.toString()).doesNotContain(KEY);
        assertThat(t.toString()).as(c.toString()).doesNotContain(KEY);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** Streams {@code request} in {@link #ATTEMPT} with unbounded demand and waits for the end. */
  protected TestSubscriber<ChatChunk> stream(ChatRequest request) {
    return stream(request, ATTEMPT);
  }

  /** Streams {@code request} in {@code attempt} with unbounded demand and waits for the end. */
  protected TestSubscriber<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(request, attempt).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  /** The chunks folded into one answer. */
  protected static ChatResponse fold(List<ChatChunk> chunks) {
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }
}
