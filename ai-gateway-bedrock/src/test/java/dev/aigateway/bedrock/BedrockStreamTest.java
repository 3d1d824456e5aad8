package dev.aigateway.bedrock;

import static dev.aigateway.bedrock.BedrockProviderTest.MODEL;
import static dev.aigateway.bedrock.EventStreams.concat;
import static dev.aigateway.bedrock.EventStreams.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okio.Buffer;
import okio.BufferedSource;
import okio.Okio;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BedrockStreamTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final AttemptContext ATTEMPT =
      AttemptContext.of(null, null, null, Duration.ofSeconds(5), 1);
  private final MockWebServer server = new MockWebServer();
  private BedrockProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    provider = BedrockProviderTest.builder(server, BedrockProviderTest.basic()).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  static MockResponse eventStream(byte[] body) {
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/vnd.amazon.eventstream")
        .body(new Buffer().write(body)).build();
  }

  private TestSubscriber<ChatChunk> stream(ChatRequest request) {
    return stream(request, ATTEMPT);
  }

  private TestSubscriber<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(request, attempt).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  private static ChatResponse fold(List<ChatChunk> chunks) {
    StreamAccumulator acc = new StreamAccumulator();
    chunks.forEach(acc::accept);
    return acc.toResponse();
  }

  /** Each chunk as one line: text, tool deltas, finish reason, usage. */
  private static String describe(List<ChatChunk> chunks) {
    StringBuilder sb = new StringBuilder();
    for (ChatChunk c : chunks) {
      sb.append('[').append(c.textDelta()).append('|').append(c.toolCallDeltas()).append('|')
          .append(c.finishReason()).append('|').append(c.usage()).append("]\n");
    }
    return sb.toString();
  }

  @Test
  void aTextStreamPostsConverseStreamSignedAndYieldsDeltasThenFinishAndUsage() throws Exception {
    server.enqueue(eventStream(EventStreams.textStream()));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    List<ChatChunk> chunks = sub.items();
    assertThat(chunks).extracting(ChatChunk::textDelta).containsExactly("Hello", " world", "");
    assertThat(chunks.get(0).finishReason()).isNull();
    assertThat(chunks.get(0).provider()).isEqualTo("bedrock");
    assertThat(chunks.get(0).model()).isEqualTo(MODEL);
    ChatChunk last = chunks.get(2);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(new Usage(40, 5, 45, 20, 0));

    RecordedRequest sent = server.takeRequest();
    assertThat(sent.getTarget())
        .isEqualTo("/model/us.anthropic.claude-sonnet-4-20250514-v1%3A0/converse-stream");
    assertThat(sent.getHeaders().get("Accept")).isEqualTo("application/vnd.amazon.eventstream");
    assertThat(sent.getHeaders().get("Authorization"))
        .startsWith("AWS4-HMAC-SHA256 Credential=" + BedrockProviderTest.AKID
            + "/20261125/us-west-2/bedrock/aws4_request");
    assertThat(sent.getBody().utf8())
        .isEqualTo("{\"messages\":[{\"role\":\"user\",\"content\":[{\"text\":\"Hi\"}]}]}");
  }

  @Test
  void aStreamedToolCallArrivesInPiecesAndFoldsIntoOneCall() {
    server.enqueue(eventStream(EventStreams.toolStream()));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Weather?"));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    assertThat(sub.items().get(1).toolCallDeltas()).singleElement().satisfies(d -> {
      assertThat(d.index()).isZero();
      assertThat(d.id()).isEqualTo("tooluse_1");
      assertThat(d.name()).isEqualTo("get_weather");
    });
    ChatResponse answer = fold(sub.items());
    assertThat(answer.text()).isEqualTo("Let me look.");
    assertThat(answer.toolCalls()).containsExactly(
        ToolCall.of("tooluse_1", "get_weather", "{\"location\":\"Paris\"}"));
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.usage()).isEqualTo(new Usage(30, 12, 42, 0, 0));
  }

  @Test
  void parallelStreamedToolCallsKeepTheirOrderAndTheirOwnInput() {
    server.enqueue(eventStream(concat(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockStart", "{\"contentBlockIndex\":0,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_a\",\"name\":\"get_weather\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":{\"input\":\"{\\\"location\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":0,\"delta\":{\"toolUse\":"
                + "{\"input\":\"\\\":\\\"Paris\\\"}\"}}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_b\",\"name\":\"get_time\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":"
                + "{\"input\":\"{\\\"tz\\\":\\\"CET\\\"}\"}}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        event("metadata", "{\"usage\":{\"inputTokens\":1,\"outputTokens\":2,"
            + "\"totalTokens\":3}}"))));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Weather and time?"));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
    ChatResponse answer = fold(sub.items());
    assertThat(answer.toolCalls()).containsExactly(
        ToolCall.of("tooluse_a", "get_weather", "{\"location\":\"Paris\"}"),
        ToolCall.of("tooluse_b", "get_time", "{\"tz\":\"CET\"}"));
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void demandDrivesTheReadsOneChunkPerRequest() {
    server.enqueue(eventStream(EventStreams.textStream()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    provider.stream(ChatRequest.of(MODEL, "Hi"), ATTEMPT).subscribe(sub);
    sub.awaitItems(1, WAIT);
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello");
    assertThat(sub.isCompleted()).isFalse();
    sub.request(1);
    sub.awaitItems(2, WAIT);
    assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world");
    sub.request(5);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
  }

  // ---------------------------------------------------------------- byte boundaries

  /** Serves each stream's body from a source, without a network. */
  private static final class Bodies implements AutoCloseable {
    private final AtomicReference<Supplier<BufferedSource>> next = new AtomicReference<>();
    private final BedrockProvider adapter = BedrockProvider.builder().region("us-west-2")
        .endpointOverride("http://vendor.invalid/")
        .credentialsProvider(BedrockProviderTest.basic()).clock(BedrockProviderTest.CLOCK)
        .httpClient(new OkHttpClient.Builder().addInterceptor(chain -> new Response.Builder()
            .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(next.get().get(),
                MediaType.get("application/vnd.amazon.eventstream"), -1))
            .build()).build())
        .build();

    TestSubscriber<ChatChunk> run(Supplier<BufferedSource> body) {
      next.set(body);
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      adapter.stream(ChatRequest.of(MODEL, "hi"), ATTEMPT).subscribe(sub);
      sub.awaitTerminal(WAIT);
      assertThat(sub.violations()).isEmpty();
      return sub;
    }

    @Override
    public void close() {
      adapter.close();
    }
  }

  @Test
  void aBodySplitAtEveryByteYieldsTheSameChunks() {
    try (Bodies bodies = new Bodies()) {
      for (byte[] body : List.of(EventStreams.textStream(), EventStreams.toolStream())) {
        TestSubscriber<ChatChunk> whole = bodies.run(() -> new Buffer().write(body));
        assertThat(whole.isCompleted()).as("whole: %s", whole.error()).isTrue();
        String expected = describe(whole.items());
        for (int cut = 1; cut < body.length; cut++) {
          int at = cut;
          TestSubscriber<ChatChunk> split = bodies.run(
              () -> Okio.buffer(new EventStreamFramingTest.Reads(body, at)));
          assertThat(split.isCompleted()).as("cut at %d of %d: %s", at, body.length,
              split.error()).isTrue();
          assertThat(describe(split.items())).as("cut at %d", at).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void aBodyEndingAtAnyByteBeforeItsEndFailsAsTruncatedAndRetryableNeverASuccess() {
    try (Bodies bodies = new Bodies()) {
      for (byte[] body : List.of(EventStreams.textStream(), EventStreams.toolStream())) {
        String full = describe(bodies.run(() -> new Buffer().write(body)).items());
        for (int cut = 0; cut < body.length; cut++) {
          int at = cut;
          TestSubscriber<ChatChunk> sub = bodies.run(() -> new Buffer().write(body, 0, at));
          assertThat(sub.isCompleted()).as("ended at %d of %d", at, body.length).isFalse();
          assertThat(sub.error()).as("at %d", at)
              .isInstanceOf(ProviderUnavailableException.class);
          assertThat(((ProviderUnavailableException) sub.error()).errorCode()).as("at %d", at)
              .isEqualTo("stream_truncated");
          assertThat(((ProviderUnavailableException) sub.error()).retryable()).isTrue();
          assertThat(full).as("what came before the end at %d is a prefix", at)
              .startsWith(describe(sub.items()));
        }
      }
    }
  }

  // ---------------------------------------------------------------- corruption

  @Test
  void aCorruptedCrcIsMalformed() {
    byte[] body = EventStreams.textStream();
    byte[] payloadFlipped = body.clone();
    payloadFlipped[body.length - 10] ^= 0x20; // inside the last message's payload
    byte[] crcFlipped = body.clone();
    crcFlipped[body.length - 1] ^= 0x01; // the last message's CRC
    for (byte[] bad : List.of(payloadFlipped, crcFlipped)) {
      server.enqueue(eventStream(bad));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
      assertThat(sub.error()).isInstanceOf(MalformedResponseException.class);
      assertThat(((MalformedResponseException) sub.error()).errorCode())
          .isEqualTo("malformed_response");
      assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hello", " world");
    }
  }

  @Test
  void anEventThatIsNotJsonOrWithoutItsFieldsIsMalformed() {
    for (byte[] bad : List.of(event("contentBlockDelta", "not json"),
        event("contentBlockDelta", "{\"delta\":{\"text\":\"x\"}}"),
        event("metadata", "{\"usage\":{}}"))) {
      server.enqueue(eventStream(concat(event("messageStart", "{\"role\":\"assistant\"}"), bad)));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
      assertThat(sub.error()).isInstanceOf(MalformedResponseException.class);
    }
  }

  @Test
  void aMessageOverTheSizeLimitFails() {
    try (BedrockProvider small = BedrockProviderTest.builder(server, BedrockProviderTest.basic())
        .maxResponseSize(100).build()) {
      server.enqueue(eventStream(EventStreams.textStream()));
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      small.stream(ChatRequest.of(MODEL, "Hi"), ATTEMPT).subscribe(sub);
      sub.awaitTerminal(WAIT);
      assertThat(sub.error()).isInstanceOf(ProviderException.class);
      assertThat(((ProviderException) sub.error()).errorCode()).isEqualTo("response_too_large");
    }
  }

  // ---------------------------------------------------------------- errors

  record StreamError(String type, String message, Class<?> expected, boolean retryable) {}

  @Test
  void midStreamExceptionsEndTheStreamWithTheirExceptionAfterWhatCameBefore() {
    List<StreamError> cases = List.of(
        new StreamError("throttlingException", "Too many tokens", ProviderRateLimitException.class,
            true),
        new StreamError("modelStreamErrorException", "The model failed mid-stream",
            ProviderUnavailableException.class, true),
        new StreamError("validationException", "Bad input", InvalidRequestException.class, false),
        new StreamError("validationException", "Too many input tokens",
            ContextLengthExceededException.class, false),
        new StreamError("serviceUnavailableException", "Unavailable",
            ProviderUnavailableException.class, true),
        new StreamError("internalServerException", "Oops", ProviderUnavailableException.class,
            true),
        new StreamError("accessDeniedException", "No", AuthenticationException.class, false),
        new StreamError("somethingNewException", "Hm", ProviderException.class, false));
    for (StreamError c : cases) {
      server.enqueue(eventStream(concat(
          event("messageStart", "{\"role\":\"assistant\"}"),
          event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hel\"}}"),
          EventStreams.exception(c.type(), c.message()))));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
      assertThat(sub.items()).extracting(ChatChunk::textDelta).containsExactly("Hel");
      assertThat(sub.error()).as(c.type()).isExactlyInstanceOf(c.expected())
          .hasMessageContaining(c.message());
      ProviderException p = (ProviderException) sub.error();
      assertThat(p.retryable()).as(c.type()).isEqualTo(c.retryable());
      assertThat(p.provider()).isEqualTo("bedrock");
    }
  }

  @Test
  void anErrorMessageInTheStreamIsNotRetriedAsIfUnderstood() {
    server.enqueue(eventStream(EventStreams.error("InternalFailure", "it broke")));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
    assertThat(sub.error()).isExactlyInstanceOf(ProviderException.class)
        .hasMessageContaining("it broke");
    assertThat(((ProviderException) sub.error()).errorCode()).isEqualTo("InternalFailure");
  }

  @Test
  void everyHttpErrorBeforeTheStreamMapsAsForAChat() {
    for (BedrockProviderTest.ErrorCase c : BedrockProviderTest.errors()) {
      server.enqueue(BedrockProviderTest.error(c.status(), c.type(), c.message()));
      TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
      assertThat(sub.items()).isEmpty();
      assertThat(sub.error()).as(c.type()).isExactlyInstanceOf(c.expected());
      assertThat(((ProviderException) sub.error()).retryable()).as(c.type())
          .isEqualTo(c.retryable());
      assertThat(((ProviderException) sub.error()).statusCode()).isEqualTo(c.status());
    }
  }

  @Test
  void anAttemptCancelledBeforehandSendsNothing() {
    Cancellation cancellation = new Cancellation();
    cancellation.cancel();
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"),
        AttemptContext.of(cancellation, null, null, Duration.ofSeconds(5), 1));
    assertThat(sub.error()).isInstanceOf(CancellationException.class);
    assertThat(server.getRequestCount()).isZero();
  }

  @Test
  void aReplyThatIsNotAnEventStreamFails() {
    server.enqueue(BedrockProviderTest.json(200, "{\"output\":{}}"));
    TestSubscriber<ChatChunk> sub = stream(ChatRequest.of(MODEL, "Hi"));
    assertThat(sub.error()).isInstanceOf(MalformedResponseException.class)
        .hasMessageContaining("expected an event stream");
  }

  // ---------------------------------------------------------------- cancellation

  @Test
  void cancellingTheAttemptEndsAHeldStreamWithCancellation() {
    server.enqueue(eventStream(EventStreams.textStream()));
    Cancellation cancellation = new Cancellation();
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    provider.stream(ChatRequest.of(MODEL, "Hi"),
        AttemptContext.of(cancellation, null, null, Duration.ofSeconds(5), 1)).subscribe(sub);
    sub.awaitItems(1, WAIT);
    cancellation.cancel();
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isInstanceOf(CancellationException.class);
    assertThat(sub.items()).hasSize(1);
    assertThat(sub.violations()).isEmpty();
  }

  @Test
  void aSubscriberThatCancelsGetsNothingMore() {
    server.enqueue(eventStream(EventStreams.textStream()));
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    provider.stream(ChatRequest.of(MODEL, "Hi"), ATTEMPT).subscribe(sub);
    sub.awaitItems(1, WAIT);
    sub.cancel();
    sub.request(10);
    assertThat(sub.items()).hasSize(1);
    assertThat(sub.isCompleted()).isFalse();
    assertThat(sub.error()).isNull();
    assertThat(sub.violations()).isEmpty();
  }
}
