package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A stream's decoder is closed exactly once, however the stream ends. */
class DecoderCloseTest {
  private final MockWebServer server = new MockWebServer();
  private final AtomicInteger closed = new AtomicInteger();
  private final AtomicInteger events = new AtomicInteger();
  private HttpChatProvider provider;

  /** Emits each event's text; "end" is the terminal event, "bad" an event it cannot read. */
  private final class Decoder implements StreamDecoder {
    private boolean complete;

    @Override
    public void onEvent(@Nullable String type, EventData data, Sink sink) {
      events.incrementAndGet();
      if (data.is("end")) {
        complete = true;
      } else if (data.is("bad")) {
        throw new MalformedResponseException("vendor", 200, "vendor: bad", null);
      } else {
        sink.emit(ChatChunk.text("vendor", "m", data.text()));
      }
    }

    @Override
    public boolean isComplete() {
      return complete;
    }

    @Override
    public boolean onEndOfBody(Sink sink) {
      return false;
    }

    @Override
    public String terminalEvent() {
      return "end";
    }

    @Override
    public void close() {
      closed.incrementAndGet();
    }
  }

  @BeforeEach
  void start() throws Exception {
    server.start();
    HttpProviderBuilder b = new HttpProviderBuilder("vendor", server.url("/").toString());
    b.apiKey(Secret.of("k-0123456789"));
    HttpUrl url = server.url("/stream");
    provider = new HttpChatProvider(b.settings(), body -> null, new HttpChatProvider.Vendor() {
      @Override
      public HttpUrl url(ChatRequest request, boolean stream) {
        return url;
      }

      @Override
      public byte[] body(ChatRequest request, boolean stream) {
        return "{}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
      }

      @Override
      public void addHeaders(Request.Builder request) {}

      @Override
      public ChatResponse readResponse(JsonParser body, ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public StreamDecoder streamDecoder(ChatRequest request) {
        return new Decoder();
      }
    });
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  private static MockResponse sse(String body) {
    return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream").body(body)
        .build();
  }

  private TestSubscriber<ChatChunk> run(MockResponse reply, long demand) {
    server.enqueue(reply);
    TestSubscriber<ChatChunk> sub = demand == Long.MAX_VALUE
        ? TestSubscriber.unbounded() : TestSubscriber.requesting(demand);
    provider.stream(ChatRequest.of("m", "hi")).subscribe(sub);
    return sub;
  }

  @Test
  void aCompletedStreamClosesItsDecoderOnce() {
    TestSubscriber<ChatChunk> sub = run(sse("data: a\n\ndata: b\n\ndata: end\n\n"), Long.MAX_VALUE);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.error()).isNull();
    assertThat(sub.items()).hasSize(2);
    assertThat(closed).hasValue(1);
  }

  @Test
  void aFailedEventATruncatedBodyAndACancelEachCloseItOnce() throws Exception {
    TestSubscriber<ChatChunk> failed = run(sse("data: a\n\ndata: bad\n\n"), Long.MAX_VALUE);
    failed.awaitTerminal(Duration.ofSeconds(5));
    assertThat(failed.error()).isInstanceOf(MalformedResponseException.class);
    assertThat(closed).hasValue(1);

    TestSubscriber<ChatChunk> cut = run(sse("data: a\n\n"), Long.MAX_VALUE);
    cut.awaitTerminal(Duration.ofSeconds(5));
    assertThat(cut.error()).isNotNull();
    assertThat(closed).hasValue(2);

    TestSubscriber<ChatChunk> cancelled = run(sse("data: a\n\ndata: b\n\ndata: end\n\n"), 1);
    cancelled.awaitItems(1, Duration.ofSeconds(5));
    cancelled.cancel();
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (closed.get() < 3 && System.nanoTime() < deadline) {
      Thread.onSpinWait(); // the pump releases on its own thread after the cancel
    }
    assertThat(closed).hasValue(3);
  }
}
