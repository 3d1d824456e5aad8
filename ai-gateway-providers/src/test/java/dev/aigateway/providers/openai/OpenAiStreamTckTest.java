package dev.aigateway.providers.openai;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okio.Buffer;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;
import org.testng.annotations.AfterClass;
import org.testng.annotations.BeforeClass;

/**
 * The Reactive Streams TCK against the OpenAI adapter's stream publisher, reading real SSE over
 * loopback. A stream of n elements is n-1 content events plus the closing chunk that carries the
 * finish reason and usage; a stream of 0 is a bare {@code [DONE]}. The failed publisher is a
 * stream subscribed after its provider was closed.
 */
public class OpenAiStreamTckTest extends FlowPublisherVerification<ChatChunk> {
  private MockWebServer server;

  public OpenAiStreamTckTest() {
    super(new TestEnvironment(3_000, 300));
  }

  @BeforeClass
  public void startServer() throws IOException {
    server = new MockWebServer();
    server.setDispatcher(new mockwebserver3.Dispatcher() {
      @Override
      public MockResponse dispatch(mockwebserver3.RecordedRequest request) {
        String body = request.getBody().utf8();
        int n = Integer.parseInt(body.replaceAll("(?s).*\"content\":\"n=(\\d+)\".*", "$1"));
        return new MockResponse.Builder().setHeader("Content-Type", "text/event-stream")
            .chunkedBody(new Buffer().writeUtf8(transcript(n)), 512).build();
      }
    });
    server.start();
  }

  @AfterClass
  public void stopServer() {
    server.close();
  }

  static String transcript(long n) {
    List<String> events = new ArrayList<>();
    if (n > 0) {
      for (long i = 0; i < n - 1; i++) {
        events.add("{\"id\":\"t\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":"
            + "{\"content\":\"w" + i + " \"},\"finish_reason\":null}]}");
      }
      events.add("{\"id\":\"t\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},"
          + "\"finish_reason\":\"stop\"}]}");
    }
    events.add("[DONE]");
    return OpenAiFixtures.events(events.toArray(new String[0]));
  }

  private OpenAiProvider provider() {
    return OpenAiProvider.builder().baseUrl(server.url("/v1").toString())
        .apiKey(Secret.of("sk-tck-0000000000")).build();
  }

  @Override
  public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
    return provider().stream(ChatRequest.of("m", "n=" + elements));
  }

  @Override
  public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
    OpenAiProvider provider = provider();
    Flow.Publisher<ChatChunk> stream = provider.stream(ChatRequest.of("m", "n=1"));
    provider.close();
    return stream;
  }

  @Override
  public long maxElementsFromPublisher() {
    return 1024;
  }
}
