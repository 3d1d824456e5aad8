package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.AnthropicFixtures.TEXT_STREAM;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.TOOL_STREAM;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.errorBody;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.event;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.inputJson;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.provider;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.sse;
import static dev.aigateway.providers.anthropic.AnthropicFixtures.textDelta;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** How the Anthropic adapter decodes Messages streams, beyond the conformance kit. */
class AnthropicStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String START = event("message_start", """
      {"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant",\
      "content":[],"model":"claude-opus-4-1","stop_reason":null,"stop_sequence":null,\
      "usage":{"input_tokens":100,"cache_creation_input_tokens":20,\
      "cache_read_input_tokens":30,"output_tokens":1}}}""");
  private static final String TEXT_START = blockStart(0, "{\"type\":\"text\",\"text\":\"\"}");
  private static final String STOP = event("message_stop", "{\"type\":\"message_stop\"}");

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

  private static String blockStart(int index, String block) {
    return event("content_block_start", "{\"type\":\"content_block_start\",\"index\":" + index
        + ",\"content_block\":" + block + "}");
  }

  private static String messageDelta(String stopReason, String usage) {
    return event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
        + stopReason + "\",\"stop_sequence\":null},\"usage\":" + usage + "}");
  }

  private TestSubscriber<ChatChunk> stream(List<String> events) {
    server.enqueue(sse(events));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of("claude-opus-4-1", "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  private static List<String> events(String... events) {
    return new ArrayList<>(List.of(events));
  }

  private static ChatResponse fold(TestSubscriber<ChatChunk> sub) {
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }

  @Test
  void textArrivesAsItComesAndOnlyTheLastChunkCarriesFinishReasonAndUsage() {
    TestSubscriber<ChatChunk> sub = stream(TEXT_STREAM);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .as("the empty block start and the ping carry nothing")
        .containsExactly("Hello", " world", "");
    ChatChunk last = sub.items().get(2);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(new Usage(11, 2, 13, 2, 0));
    assertThat(sub.items().subList(0, 2)).allSatisfy(c -> {
      assertThat(c.finishReason()).isNull();
      assertThat(c.usage()).isNull();
      assertThat(c.id()).isEqualTo("msg_03");
      assertThat(c.model()).isEqualTo("claude-sonnet-4-5-20250929");
      assertThat(c.provider()).isEqualTo("anthropic");
    });
  }

  @Test
  void cumulativeUsageInMessageDeltaReplacesWhatCameBeforeAndIsNeverAddedUp() {
    TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START, textDelta(0, "a"),
        messageDelta("end_turn", "{\"output_tokens\":7}"),
        messageDelta("end_turn", "{\"input_tokens\":100,\"cache_creation_input_tokens\":20,"
            + "\"cache_read_input_tokens\":30,\"output_tokens\":12}"),
        STOP));
    assertThat(sub.items().stream().filter(c -> c.usage() != null)).hasSize(1);
    // 100 + 20 + 30 in, 30 of them cached; 12 out in all, not 1 + 7 + 12
    assertThat(fold(sub).usage()).isEqualTo(new Usage(150, 12, 162, 30, 0));
  }

  @Test
  void withoutAMessageDeltaTheOutputCountOfMessageStartStands() {
    TestSubscriber<ChatChunk> sub = stream(events(START, STOP));
    assertThat(sub.isCompleted()).isTrue();
    ChatResponse r = fold(sub);
    assertThat(r.usage()).isEqualTo(new Usage(150, 1, 151, 30, 0));
    assertThat(r.finishReason()).isEqualTo(FinishReason.OTHER);
    assertThat(r.text()).isEmpty();
  }

  @Test
  void toolUseStreamsAsDeltasIndexedAmongTheCallsNotTheBlocks() {
    TestSubscriber<ChatChunk> sub = stream(TOOL_STREAM);
    List<ToolCallDelta> deltas = sub.items().stream()
        .flatMap(c -> c.toolCallDeltas().stream()).toList();
    assertThat(deltas).containsExactly(
        new ToolCallDelta(0, "toolu_01A", "get_weather", ""),
        new ToolCallDelta(0, null, null, "{\"loc"),
        new ToolCallDelta(0, null, null, "ation\": \"Par"),
        new ToolCallDelta(0, null, null, "is\"}"),
        new ToolCallDelta(1, "toolu_01B", "get_time", ""),
        new ToolCallDelta(1, null, null, "{\"t"),
        new ToolCallDelta(1, null, null, "z\":\"CE"),
        new ToolCallDelta(1, null, null, "T\"}"));
    ChatResponse r = fold(sub);
    assertThat(r.text()).isEqualTo("Checking.");
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("toolu_01A", "get_weather", "{\"location\": \"Paris\"}"),
        ToolCall.of("toolu_01B", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(r.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(r.usage()).isEqualTo(Usage.of(50, 30));
  }

  @Test
  void thinkingStreamsApartFromTheTextAndFoldsWithItsSignatures() {
    TestSubscriber<ChatChunk> sub = stream(events(START,
        blockStart(0, "{\"type\":\"thinking\",\"thinking\":\"\"}"),
        event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\"Let me add.\"}}"),
        event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
            + "\"delta\":{\"type\":\"signature_delta\",\"signature\":\"EqQBCgIYAhIM\"}}"),
        event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
        blockStart(1, "{\"type\":\"redacted_thinking\",\"data\":\"EmwKAhgB\"}"),
        blockStart(2, "{\"type\":\"text\",\"text\":\"\"}"),
        textDelta(2, "4"),
        messageDelta("end_turn",
            "{\"output_tokens\":40,\"output_tokens_details\":{\"thinking_tokens\":35}}"),
        STOP));
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("", "", "", "4", "");
    assertThat(sub.items()).extracting(ChatChunk::reasoningDelta)
        .containsExactly("Let me add.", "", "", "", "");
    ChatResponse r = fold(sub);
    assertThat(r.text()).isEqualTo("4");
    assertThat(r.reasoning()).isEqualTo("Let me add.");
    assertThat(r.message().parts()).containsExactly(
        ContentPart.reasoning("Let me add.", ReasoningSignature.of("anthropic", "EqQBCgIYAhIM")),
        ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwKAhgB")),
        ContentPart.text("4"));
    assertThat(r.usage()).isEqualTo(new Usage(150, 40, 190, 30, 35));
  }

  @Test
  void pingsUnknownEventsUnknownDeltasAndServerToolInputAreIgnored() {
    TestSubscriber<ChatChunk> sub = stream(events(
        event("ping", "{\"type\": \"ping\"}"), START,
        event("ping", "{\"type\": \"ping\"}"),
        event("future_event", "{\"type\":\"future_event\",\"anything\":[1]}"),
        blockStart(0, "{\"type\":\"server_tool_use\",\"id\":\"srvtoolu_1\","
            + "\"name\":\"web_search\",\"input\":{}}"),
        inputJson(0, "{\\\"query\\\":\\\"x\\\"}"),
        blockStart(1, "{\"type\":\"text\",\"text\":\"\"}"),
        textDelta(1, "Found"),
        event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":1,"
            + "\"delta\":{\"type\":\"citations_delta\",\"citation\":{\"type\":\"x\"}}}"),
        messageDelta("end_turn", "{\"output_tokens\":3}"),
        STOP));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    ChatResponse r = fold(sub);
    assertThat(r.text()).isEqualTo("Found");
    assertThat(r.toolCalls()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
  }

  @Test
  void eventsWithoutAnSseNameAreReadByTheirDataType() {
    List<String> unnamed = TEXT_STREAM.stream().map(e -> e.substring(e.indexOf('\n') + 1))
        .toList();
    TestSubscriber<ChatChunk> sub = stream(unnamed);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(fold(sub).text()).isEqualTo("Hello world");
  }

  @Test
  void stopReasonsAreMappedInStreamsToo() {
    String[][] cases = {{"max_tokens", "LENGTH"}, {"refusal", "CONTENT_FILTER"},
        {"stop_sequence", "STOP"}, {"pause_turn", "OTHER"}};
    for (String[] c : cases) {
      TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START, textDelta(0, "x"),
          messageDelta(c[0], "{\"output_tokens\":2}"), STOP));
      assertThat(fold(sub).finishReason()).as(c[0]).isEqualTo(FinishReason.valueOf(c[1]));
    }
  }

  @Test
  void errorEventsMapByTheirTypesStatus() {
    Object[][] cases = {
        {"overloaded_error", ProviderUnavailableException.class, 529, true},
        {"api_error", ProviderUnavailableException.class, 500, true},
        {"rate_limit_error", ProviderRateLimitException.class, 429, true},
        {"invalid_request_error", InvalidRequestException.class, 400, false},
        {"some_new_error", ProviderUnavailableException.class, 500, true}};
    for (Object[] c : cases) {
      TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START, textDelta(0, "Hel"),
          event("error", errorBody((String) c[0], "Something happened"))));
      assertThat(sub.isCompleted()).isFalse();
      assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hel");
      assertThat(sub.error()).as((String) c[0]).isExactlyInstanceOf((Class<?>) c[1])
          .hasMessageContaining("Something happened");
      ProviderException e = (ProviderException) sub.error();
      assertThat(e.statusCode()).isEqualTo(c[2]);
      assertThat(e.retryable()).isEqualTo(c[3]);
      assertThat(e.errorCode()).isEqualTo(c[0]);
    }
  }

  @Test
  void aBodyThatEndsAfterTheStopReasonWithoutMessageStopCompletes() {
    TestSubscriber<ChatChunk> sub = stream(TEXT_STREAM.subList(0, TEXT_STREAM.size() - 1));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    ChatChunk last = sub.items().get(sub.items().size() - 1);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isNotNull();
    assertThat(last.usage().outputTokens()).isEqualTo(2);
  }

  @Test
  void aStreamThatStopsBeforeItsStopReasonFailsRetryably() {
    // Everything up to content_block_stop: no message_delta, no message_stop.
    TestSubscriber<ChatChunk> sub = stream(TEXT_STREAM.subList(0, TEXT_STREAM.size() - 2));
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("message_stop");
    assertThat(((ProviderException) sub.error()).errorCode()).isEqualTo("stream_truncated");
    assertThat(sub.items()).extracting(ChatChunk::usage).containsOnlyNulls();
  }

  @Test
  void malformedEventsAreMalformedResponseExceptions() {
    String[][] cases = {
        {"{not json", "not valid JSON"},
        {"[1]", "not a JSON object"},
        {"{\"type\":\"message_start\"}", "message_start has no message"},
        {"{\"type\":\"content_block_start\",\"content_block\":{\"type\":\"text\"}}",
            "no valid index"},
        {"{\"type\":\"content_block_start\",\"index\":1}", "no typed content_block"},
        {"{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
            + "{\"type\":\"tool_use\",\"name\":\"f\",\"input\":{}}}", "no id or name"},
        {"{\"type\":\"content_block_delta\",\"index\":0}", "no typed delta"},
        {"{\"type\":\"content_block_delta\",\"index\":5,\"delta\":{\"type\":\"text_delta\","
            + "\"text\":\"x\"}}", "never started"},
        {"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\"}}",
            "has no text"},
        {"{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
            + "{\"type\":\"input_json_delta\"}}", "no partial_json"},
        {"{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":1}}", "no delta"}};
    for (String[] c : cases) {
      TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START, "data: " + c[0], STOP));
      assertThat(sub.isCompleted()).as(c[0]).isFalse();
      assertThat(sub.error()).as(c[0]).isInstanceOf(MalformedResponseException.class)
          .hasMessageContaining(c[1]);
    }
  }

  /** A text_delta event for block 0 with the text "lost", as JSON. */
  private static final String LOST =
      "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\"lost\"}}";

  private void assertFailsAfterTheFirstDeltaAlone(String data) {
    TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START, textDelta(0, "kept"),
        "data: " + data, textDelta(0, "never"), STOP));
    assertThat(sub.isCompleted()).as(data).isFalse();
    assertThat(sub.error()).as(data).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("a stream event is not valid JSON");
    assertThat(sub.items()).as(data).extracting(ChatChunk::textDelta).containsExactly("kept");
  }

  @Test
  void anEventWhoseJsonIsCutShortFailsTheStreamAndEmitsNothingForIt() {
    for (int cut = 1; cut < LOST.length(); cut++) {
      assertFailsAfterTheFirstDeltaAlone(LOST.substring(0, cut));
    }
  }

  @Test
  void anEventFollowedByASecondValueFailsTheStreamAndEmitsNothingForIt() {
    for (String second : List.of("{\"type\":\"ping\"}", " {}", "[1]", " \"x\"", " {\"a")) {
      assertFailsAfterTheFirstDeltaAlone(LOST + second);
    }
    // values that the parser cannot know to be over when the event's bytes end
    for (String second : List.of(" 5", " -1.5e3", " true", " nul", " \"left open")) {
      assertFailsAfterTheFirstDeltaAlone(LOST + second);
    }
  }

  @Test
  void anEventsFieldsAreReadWhateverTheirOrder() {
    TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START,
        event("content_block_delta", "{\"delta\":{\"text\":\"late type\",\"type\":"
            + "\"text_delta\"},\"index\":0,\"type\":\"content_block_delta\"}"),
        event("message_delta", "{\"usage\":{\"output_tokens\":3},\"delta\":"
            + "{\"stop_reason\":\"end_turn\"},\"type\":\"message_delta\"}"),
        STOP));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    ChatResponse r = fold(sub);
    assertThat(r.text()).isEqualTo("late type");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(new Usage(150, 3, 153, 30, 0));
  }

  @Test
  void textDeltasWithEscapesAndNonAsciiTextArriveDecoded() {
    TestSubscriber<ChatChunk> sub = stream(events(START, TEXT_START,
        textDelta(0, "caf\\u00e9 \\\"q\\\" "), textDelta(0, "日本 😀\\n"), STOP));
    assertThat(sub.items()).extracting(ChatChunk::textDelta)
        .containsExactly("café \"q\" ", "日本 😀\n", "");
  }
}
