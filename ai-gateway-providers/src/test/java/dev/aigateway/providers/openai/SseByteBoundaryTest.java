package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.TOOL_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.events;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.testing.TestSubscriber;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stream body cut at every byte boundary, through the real adapter and SSE reader. Responses
 * come from an OkHttp interceptor, so no socket is involved and every cut runs in microseconds.
 */
class SseByteBoundaryTest {
  private static final MediaType SSE = MediaType.get("text/event-stream");
  private final AtomicReference<Supplier<BufferedSource>> nextBody = new AtomicReference<>();
  private final OpenAiProvider provider = OpenAiProvider.builder()
      .baseUrl("http://vendor.invalid/v1")
      .apiKey(Secret.of("sk-boundary-000000000000"))
      .httpClient(new OkHttpClient.Builder().addInterceptor(chain -> new Response.Builder()
          .request(chain.request()).protocol(Protocol.HTTP_1_1).code(200).message("OK")
          .body(ResponseBody.create(nextBody.get().get(), SSE, -1))
          .build()).build())
      .build();

  private static byte[] transcript(String[] events, boolean crlf) {
    String text = events(events);
    return (crlf ? text.replace("\n", "\r\n") : text).getBytes(StandardCharsets.UTF_8);
  }

  private TestSubscriber<ChatChunk> run(Supplier<BufferedSource> body) {
    nextBody.set(body);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(ChatRequest.of("gpt-4o", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.violations()).isEmpty();
    return sub;
  }

  /** What a chunk carries, in a comparable form. */
  private static String describe(List<ChatChunk> chunks) {
    List<String> parts = new ArrayList<>();
    for (ChatChunk c : chunks) {
      parts.add(c.textDelta() + "|" + c.toolCallDeltas() + "|" + c.finishReason() + "|"
          + c.usage() + "|" + c.model());
    }
    return String.join("\n", parts);
  }

  @ParameterizedTest(name = "tools={0}")
  @ValueSource(booleans = {false, true})
  void splittingTheBodyAtAnyByteYieldsTheSameChunks(boolean tools) {
    for (boolean crlf : new boolean[] {false, true}) {
      byte[] body = transcript(tools ? TOOL_STREAM : TEXT_STREAM, crlf);
      TestSubscriber<ChatChunk> whole = run(() -> new Buffer().write(body));
      assertThat(whole.isCompleted()).isTrue();
      String expected = describe(whole.items());
      for (int cut = 1; cut < body.length; cut++) {
        int at = cut;
        TestSubscriber<ChatChunk> split = run(() -> Okio.buffer(new TwoReads(body, at)));
        assertThat(split.isCompleted()).as("cut at %d of %d, crlf=%s", at, body.length, crlf)
            .isTrue();
        assertThat(describe(split.items())).as("cut at %d, crlf=%s", at, crlf)
            .isEqualTo(expected);
      }
    }
  }

  @ParameterizedTest(name = "tools={0}")
  @ValueSource(booleans = {false, true})
  void truncatingTheBodyAtAnyByteNeverCompletesUnlessDoneArrivedWhole(boolean tools) {
    byte[] body = transcript(tools ? TOOL_STREAM : TEXT_STREAM, false);
    String full = describe(run(() -> new Buffer().write(body)).items());
    int doneEnds = new String(body, StandardCharsets.UTF_8).lastIndexOf("data: [DONE]\n\n")
        + "data: [DONE]\n\n".length();
    for (int cut = 0; cut < body.length; cut++) {
      int at = cut;
      TestSubscriber<ChatChunk> sub = run(() -> new Buffer().write(body, 0, at));
      if (at >= doneEnds) {
        assertThat(sub.isCompleted()).as("cut at %d", at).isTrue();
        continue;
      }
      assertThat(sub.isCompleted()).as("cut at %d of %d must not complete", at, body.length)
          .isFalse();
      assertThat(sub.error()).as("cut at %d", at)
          .isInstanceOf(ProviderUnavailableException.class);
      assertThat(full).as("what arrived before the cut at %d is a prefix of the answer", at)
          .startsWith(describe(sub.items()));
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
}
