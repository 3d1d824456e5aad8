package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiFixtures;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.SocketFactory;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A request's {@link CallOptions#CONNECT_TIMEOUT} is the timeout its connection is made with. */
class ConnectTimeoutTest {
  private final MockWebServer server = new MockWebServer();
  private final List<Integer> connectTimeouts = new CopyOnWriteArrayList<>();
  private OpenAiProvider provider;

  @BeforeEach
  void start() throws Exception {
    server.start();
    SocketFactory recording = new SocketFactory() {
      @Override
      public Socket createSocket() {
        return new Socket() {
          @Override
          public void connect(SocketAddress endpoint, int timeout) throws IOException {
            connectTimeouts.add(timeout);
            super.connect(endpoint, timeout);
          }
        };
      }

      @Override
      public Socket createSocket(String host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(String host, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress host, int port) {
        throw new UnsupportedOperationException();
      }

      @Override
      public Socket createSocket(InetAddress a, int port, InetAddress local, int localPort) {
        throw new UnsupportedOperationException();
      }
    };
    // No pooling: every call makes a new connection, so each one's timeout is seen.
    OkHttpClient client = new OkHttpClient.Builder().socketFactory(recording)
        .connectionPool(new ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS)).build();
    provider = OpenAiProvider.builder().baseUrl(server.url("/v1").toString())
        .apiKey(Secret.of("sk-test-000000000000")).httpClient(client)
        .connectTimeout(Duration.ofSeconds(7)).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theRequestsConnectTimeoutWinsOverTheProviders(boolean stream) {
    call(ChatRequest.of("gpt-4o", "hi"), stream);
    call(ChatRequest.builder().model("gpt-4o").user("hi")
        .attribute(CallOptions.CONNECT_TIMEOUT, Duration.ofMillis(1234)).build(), stream);
    assertThat(connectTimeouts).containsExactly(7000, 1234);
  }

  private void call(ChatRequest request, boolean stream) {
    if (!stream) {
      server.enqueue(Wire.json(200, OpenAiFixtures.TEXT_RESPONSE));
      provider.chat(request);
      return;
    }
    server.enqueue(Wire.sse(Wire.dataEvents(OpenAiFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(request).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
  }
}
