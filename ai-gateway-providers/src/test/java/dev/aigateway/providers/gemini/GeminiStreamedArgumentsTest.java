package dev.aigateway.providers.gemini;

import static dev.aigateway.providers.gemini.GeminiFixtures.KEY;
import static dev.aigateway.providers.gemini.GeminiFixtures.provider;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.UnsupportedResponseException;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.FailureAction;
import dev.aigateway.core.resilience.FailureClassifier;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.providers.conformance.Wire;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mockwebserver3.MockWebServer;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vertex AI's streamed function-call arguments ({@code streamFunctionCallArguments}): a call
 * announced with its name and {@code willContinue}, then nameless parts whose {@code partialArgs}
 * give the arguments piece by piece, are assembled into ordinary tool calls with valid JSON; a
 * shape the adapter does not understand fails the stream with a non-retryable error that the
 * gateway does not retry.
 */
class GeminiStreamedArgumentsTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final String MODEL = "gemini-2.5-pro";
  private final MockWebServer server = new MockWebServer();
  private GeminiProvider provider;

  /** A ticket whose arguments Vertex streams: a string in two pieces, then the other values. */
  static final List<String> TICKET = List.of("""
      {"candidates":[{"content":{"role":"model","parts":[{"text":"Filing it."}]}}],\
      "usageMetadata":{"promptTokenCount":31,"totalTokenCount":31},\
      "modelVersion":"gemini-2.5-pro","responseId":"vx-resp-7"}""", """
      {"candidates":[{"content":{"role":"model","parts":[{"functionCall":\
      {"name":"create_ticket","willContinue":true}}]}}],"modelVersion":"gemini-2.5-pro",\
      "responseId":"vx-resp-7"}""", """
      {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"partialArgs":\
      [{"jsonPath":"$.title","stringValue":"Printer on fl","willContinue":true}],\
      "willContinue":true}}]}}],"modelVersion":"gemini-2.5-pro","responseId":"vx-resp-7"}""", """
      {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"partialArgs":\
      [{"jsonPath":"$.title","stringValue":"oor 3 \\"jams\\""}],"willContinue":true}}]}}],\
      "modelVersion":"gemini-2.5-pro","responseId":"vx-resp-7"}""", """
      {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{"partialArgs":[\
      {"jsonPath":"$.priority","numberValue":2},{"jsonPath":"$.urgent","boolValue":true},\
      {"jsonPath":"$.tags[0]","stringValue":"hardware"},\
      {"jsonPath":"$.tags[1]","stringValue":"office"},\
      {"jsonPath":"$['assignee']","nullValue":"NULL_VALUE"},\
      {"jsonPath":"$.location.floor","numberValue":3.5}],"willContinue":true}}]}}],\
      "modelVersion":"gemini-2.5-pro","responseId":"vx-resp-7"}""", """
      {"candidates":[{"content":{"role":"model","parts":[{"functionCall":{}}]},\
      "finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":31,\
      "candidatesTokenCount":40,"totalTokenCount":71},"modelVersion":"gemini-2.5-pro",\
      "responseId":"vx-resp-7"}""");

  static final String TICKET_ARGS = """
      {"title":"Printer on floor 3 \\"jams\\"","priority":2,"urgent":true,\
      "tags":["hardware","office"],"assignee":null,"location":{"floor":3.5}}""";

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

  private TestSubscriber<ChatChunk> stream(List<String> events) {
    server.enqueue(Wire.sse(Wire.dataEvents(events.toArray(String[]::new))));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of(MODEL, "file a ticket")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  private static ChatResponse fold(List<ChatChunk> chunks) {
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }

  private static String part(String functionCall) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
        + functionCall + "}]}}]}";
  }

  private static String finishing(String functionCall) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"functionCall\":"
        + functionCall + "}]},\"finishReason\":\"STOP\"}]}";
  }

  @Test
  void streamedArgumentsBecomeOneToolCallWithTheWholeJson() {
    TestSubscriber<ChatChunk> sub = stream(TICKET);
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    List<ToolCallDelta> deltas = sub.items().stream()
        .flatMap(c -> c.toolCallDeltas().stream()).toList();
    assertThat(deltas.get(0)).as("the call is announced as it starts")
        .isEqualTo(new ToolCallDelta(0, "call_0_create_ticket", "create_ticket", ""));
    assertThat(deltas).hasSize(2);
    assertThat(Wire.tree(deltas.get(1).argumentsDelta())).isEqualTo(Wire.tree(TICKET_ARGS));

    ChatResponse answer = fold(sub.items());
    assertThat(answer.id()).isEqualTo("vx-resp-7");
    assertThat(answer.text()).isEqualTo("Filing it.");
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.toolCalls()).hasSize(1);
    ToolCall call = answer.toolCalls().get(0);
    assertThat(call.id()).isEqualTo("call_0_create_ticket");
    assertThat(call.name()).isEqualTo("create_ticket");
    assertThat(Wire.tree(call.arguments())).isEqualTo(Wire.tree(TICKET_ARGS));
    assertThat(answer.usage().outputTokens()).isEqualTo(40);
  }

  @Test
  void streamedAndWholeCallsKeepTheirOrderAndGeminisIds() {
    TestSubscriber<ChatChunk> sub = stream(List.of(
        part("{\"id\":\"fc-1\",\"name\":\"lookup\",\"partialArgs\":[{\"jsonPath\":\"$.q\","
            + "\"stringValue\":\"wea\",\"willContinue\":true}],\"willContinue\":true}"),
        part("{\"partialArgs\":[{\"jsonPath\":\"$.q\",\"stringValue\":\"ther\"}]}"),
        part("{\"name\":\"get_time\",\"args\":{\"tz\":\"CET\"}}"),
        part("{\"name\":\"notify\",\"willContinue\":true}"),
        finishing("{\"partialArgs\":[{\"jsonPath\":\"$.to[0].email\","
            + "\"stringValue\":\"a@example.com\"}]}")));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    ChatResponse answer = fold(sub.items());
    assertThat(answer.toolCalls()).extracting(ToolCall::id, ToolCall::name)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("fc-1", "lookup"),
            org.assertj.core.groups.Tuple.tuple("call_1_get_time", "get_time"),
            org.assertj.core.groups.Tuple.tuple("call_2_notify", "notify"));
    assertThat(Wire.tree(answer.toolCalls().get(0).arguments()))
        .isEqualTo(Wire.tree("{\"q\":\"weather\"}"));
    assertThat(Wire.tree(answer.toolCalls().get(1).arguments()))
        .isEqualTo(Wire.tree("{\"tz\":\"CET\"}"));
    assertThat(Wire.tree(answer.toolCalls().get(2).arguments()))
        .as("a call still open at the finish reason is ended there")
        .isEqualTo(Wire.tree("{\"to\":[{\"email\":\"a@example.com\"}]}"));
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void aNamelessPartThatContinuesNoCallFailsNotRetryablyAndTheGatewayDoesNotRetryIt() {
    List<String> events = List.of(part("{\"partialArgs\":[{\"jsonPath\":\"$.q\","
        + "\"stringValue\":\"x\"}]}"), finishing("{}"));
    TestSubscriber<ChatChunk> sub = stream(events);
    assertThat(sub.error()).isInstanceOfSatisfying(UnsupportedResponseException.class, e -> {
      assertThat(e.retryable()).isFalse();
      assertThat(e.errorCode()).isEqualTo("unsupported_response");
      assertThat(e.statusCode()).isEqualTo(200);
    }).hasMessageContaining("no name").hasMessageContaining("continues no streamed call");
    assertThat(FailureClassifier.DEFAULT.classify(sub.error())).isNotEqualTo(FailureAction.RETRY);
    assertThat(FailureClassifier.DEFAULT.countsAgainstTarget(sub.error())).isFalse();

    int before = server.getRequestCount();
    List<Duration> sleeps = new CopyOnWriteArrayList<>();
    for (int i = 0; i < 3; i++) {
      server.enqueue(Wire.sse(Wire.dataEvents(events.toArray(String[]::new))));
    }
    try (AiGateway gateway = AiGateway.builder().provider(provider(server).build())
        .resilience(Resilience.builder().maxRetries(2).build())
        .timing(Timing.builder().sleeper(sleeps::add).build()).build()) {
      TestSubscriber<ChatChunk> viaGateway = TestSubscriber.unbounded();
      gateway.stream(ChatRequest.of(MODEL, "hi")).subscribe(viaGateway);
      viaGateway.awaitTerminal(WAIT);
      assertThat(viaGateway.error()).as("the caller gets the shape's own error")
          .isInstanceOf(UnsupportedResponseException.class)
          .hasMessageContaining("continues no streamed call");
    }
    assertThat(server.getRequestCount() - before).as("sent once, never retried").isEqualTo(1);
    assertThat(sleeps).as("no backoff was waited for").isEmpty();
  }

  @Test
  void aPathTheAdapterCannotFollowIsNamed() {
    TestSubscriber<ChatChunk> sub = stream(List.of(
        part("{\"name\":\"f\",\"willContinue\":true}"),
        finishing("{\"partialArgs\":[{\"jsonPath\":\"$.items[*].id\",\"numberValue\":1}]}")));
    assertThat(sub.error()).isInstanceOf(UnsupportedResponseException.class)
        .hasMessageContaining("$.items[*].id");

    sub = stream(List.of(
        part("{\"name\":\"f\",\"willContinue\":true,\"partialArgs\":[{\"jsonPath\":\"$.a\","
            + "\"stringValue\":\"text\"}]}"),
        finishing("{\"partialArgs\":[{\"jsonPath\":\"$.a.b\",\"numberValue\":1}]}")));
    assertThat(sub.error()).as("a value where an object is needed")
        .isInstanceOf(UnsupportedResponseException.class).hasMessageContaining("$.a.b");
  }

  @Test
  void jsonPathsOfOneValueAreRead() {
    assertThat(StreamedFunctionCalls.JsonPaths.steps("$.a['b c'][2][\"d\\\"e\"].f"))
        .containsExactly("a", "b c", 2, "d\"e", "f");
    assertThat(StreamedFunctionCalls.JsonPaths.steps("$")).isEmpty();
    for (String unsupported : new String[] {"a.b", "$..a", "$.a[*]", "$.a[1:2]", "$[?@.x]",
        "$.", "$['a'", "$.a[-1]"}) {
      assertThat(StreamedFunctionCalls.JsonPaths.steps(unsupported)).as(unsupported).isNull();
    }
  }

  // ---------------------------------------------------------------- byte boundaries

  @Test
  void theTranscriptSplitAtEveryByteYieldsTheSameChunks() {
    byte[] body = Wire.join(Wire.dataEvents(TICKET.toArray(String[]::new)))
        .getBytes(StandardCharsets.UTF_8);
    AtomicReference<Supplier<BufferedSource>> next = new AtomicReference<>();
    try (GeminiProvider fromMemory = GeminiProvider.builder().baseUrl("http://vendor.invalid/")
        .apiKey(Secret.of(KEY)).httpClient(new OkHttpClient.Builder()
            .addInterceptor(chain -> new Response.Builder().request(chain.request())
                .protocol(Protocol.HTTP_1_1).code(200).message("OK")
                .body(ResponseBody.create(next.get().get(), MediaType.get("text/event-stream"),
                    -1))
                .build())
            .build()).build()) {
      next.set(() -> new Buffer().write(body));
      List<ChatChunk> whole = run(fromMemory);
      String expected = describe(whole);
      assertThat(Wire.tree(fold(whole).toolCalls().get(0).arguments()))
          .isEqualTo(Wire.tree(TICKET_ARGS));
      for (int cut = 1; cut < body.length; cut++) {
        int at = cut;
        next.set(() -> Okio.buffer(new TwoReads(body, at)));
        assertThat(describe(run(fromMemory))).as("cut at %d of %d", at, body.length)
            .isEqualTo(expected);
      }
    }
  }

  private static List<ChatChunk> run(GeminiProvider p) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(ChatRequest.of(MODEL, "hi")).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    return sub.items();
  }

  private static String describe(List<ChatChunk> chunks) {
    StringBuilder b = new StringBuilder();
    for (ChatChunk c : chunks) {
      b.append(c.textDelta()).append('|').append(c.toolCallDeltas()).append('|')
          .append(c.finishReason()).append('|').append(c.usage()).append('\n');
    }
    return b.toString();
  }

  /** The first {@code cut} bytes in one read, the rest in another. */
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
}
