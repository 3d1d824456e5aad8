package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An attempt's connect and idle timeouts are the ones its connection is made and read with, and
 * what it leaves unset is the client's; seen on the sockets themselves.
 */
class AttemptTimeoutsTest {
  private final MockWebServer server = new MockWebServer();
  private final List<Integer> connectTimeouts = new CopyOnWriteArrayList<>();
  private final List<Integer> readTimeouts = new CopyOnWriteArrayList<>();
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

          @Override
          public synchronized void setSoTimeout(int timeout) throws java.net.SocketException {
            readTimeouts.add(timeout);
            super.setSoTimeout(timeout);
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
    // No pooling: every call makes a new connection, so each one's timeouts are seen. The
    // application's client's own timeouts are the defaults.
    OkHttpClient client = new OkHttpClient.Builder().socketFactory(recording)
        .connectionPool(new ConnectionPool(0, 1, java.util.concurrent.TimeUnit.SECONDS))
        .connectTimeout(Duration.ofSeconds(7)).readTimeout(Duration.ofSeconds(8)).build();
    provider = OpenAiProvider.builder().baseUrl(server.url("/v1").toString())
        .apiKey(Secret.of("sk-test-000000000000")).httpClient(client).build();
  }

  @AfterEach
  void stop() {
    provider.close();
    server.close();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theAttemptsConnectTimeoutWinsOverTheClients(boolean stream) {
    call(AttemptContext.none(), stream);
    call(AttemptContext.of(null, null, Duration.ofMillis(1234), null, 1), stream);
    assertThat(connectTimeouts).containsExactly(7000, 1234);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theAttemptsIdleTimeoutIsTheReadTimeout(boolean stream) {
    call(AttemptContext.none(), stream);
    call(AttemptContext.of(null, null, null, Duration.ofMillis(2345), 1), stream);
    call(AttemptContext.of(null, null, Duration.ofMillis(1234), Duration.ofMillis(2345), 1),
        stream);
    assertThat(readTimeouts).as("set when each connection was made")
        .startsWith(8000).contains(2345).doesNotContain(0);
    assertThat(readTimeouts.stream().filter(t -> t == 2345).count()).isGreaterThanOrEqualTo(2);
    assertThat(connectTimeouts).containsExactly(7000, 7000, 1234);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void aSubMillisecondTimeoutIsNotOkHttpsZeroWhichMeansNone(boolean stream) {
    call(AttemptContext.of(null, null, Duration.ofNanos(1_500_000), Duration.ofSeconds(3), 1),
        stream);
    assertThat(connectTimeouts).containsExactly(2);
  }

  private static HttpTransport transport(HttpProviderBuilder settings) {
    return settings.settings().transport(body -> null);
  }

  @Test
  void withoutAnAttemptTheSharedClientsTimeoutsAreTheDocumentedDefaults() {
    HttpTransport t = transport(new HttpProviderBuilder("t", "http://127.0.0.1:9/"));
    OkHttpClient chat = t.clientFor(false, AttemptContext.none());
    OkHttpClient stream = t.clientFor(true, AttemptContext.none());
    assertThat(chat.connectTimeoutMillis()).isEqualTo(10_000);
    assertThat(chat.readTimeoutMillis()).as("chat idle: 10 min").isEqualTo(600_000);
    assertThat(stream.connectTimeoutMillis()).isEqualTo(10_000);
    assertThat(stream.readTimeoutMillis()).as("stream idle: 5 min").isEqualTo(300_000);
    assertThat(chat.connectionPool()).as("one pool for every provider")
        .isSameAs(HttpClients.shared().connectionPool()).isSameAs(stream.connectionPool());
    assertThat(chat.followRedirects()).isFalse();
    assertThat(chat.retryOnConnectionFailure()).isFalse();
    assertThat(t.derivedClients()).isZero();
  }

  @Test
  void aClientIsDerivedOncePerDistinctPairOfTimeoutsAndSharesThePool() {
    OkHttpClient own = new OkHttpClient.Builder().connectTimeout(Duration.ofSeconds(7))
        .readTimeout(Duration.ofSeconds(8)).build();
    HttpProviderBuilder settings = new HttpProviderBuilder("t", "http://127.0.0.1:9/");
    settings.httpClient(own);
    HttpTransport t = transport(settings);
    AttemptContext a = AttemptContext.of(null, Duration.ofSeconds(30), Duration.ofMillis(1234),
        Duration.ofMillis(2345), 1);
    AttemptContext sameTimeoutsOtherDeadline = AttemptContext.of(null, Duration.ofSeconds(3),
        Duration.ofMillis(1234), Duration.ofMillis(2345), 2);
    OkHttpClient derived = t.clientFor(false, a);
    assertThat(derived.connectTimeoutMillis()).isEqualTo(1234);
    assertThat(derived.readTimeoutMillis()).isEqualTo(2345);
    for (int i = 0; i < 3; i++) {
      assertThat(t.clientFor(false, a)).isSameAs(derived);
      assertThat(t.clientFor(true, a)).isSameAs(derived);
      assertThat(t.clientFor(false, sameTimeoutsOtherDeadline)).isSameAs(derived);
    }
    assertThat(t.derivedClients()).isOne();
    assertThat(t.clientFor(false, AttemptContext.of(null, null, Duration.ofSeconds(7),
        Duration.ofSeconds(8), 1)).connectionPool())
        .as("the client's own timeouts ask for no new client").isSameAs(own.connectionPool());
    assertThat(t.derivedClients()).isOne();
    assertThat(t.clientFor(true, AttemptContext.of(null, null, null, Duration.ofSeconds(1), 1))
        .readTimeoutMillis()).isEqualTo(1000);
    assertThat(t.derivedClients()).isEqualTo(2);
    assertThat(derived.connectionPool()).as("the application's pool is kept")
        .isSameAs(own.connectionPool());
    assertThat(derived.dispatcher()).isSameAs(own.dispatcher());
    OkHttpClient plain = t.clientFor(false, AttemptContext.none());
    assertThat(plain.connectTimeoutMillis()).as("the client's own are the defaults")
        .isEqualTo(7000);
    assertThat(plain.readTimeoutMillis()).isEqualTo(8000);
    assertThat(t.clientFor(true, AttemptContext.none()).readTimeoutMillis()).isEqualTo(8000);
  }

  private void call(AttemptContext attempt, boolean stream) {
    ChatRequest request = ChatRequest.of("gpt-4o", "hi");
    if (!stream) {
      server.enqueue(Wire.json(200, OpenAiFixtures.TEXT_RESPONSE));
      provider.chat(request, attempt);
      return;
    }
    server.enqueue(Wire.sse(Wire.dataEvents(OpenAiFixtures.TEXT_STREAM)));
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    provider.stream(request, attempt).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.isCompleted()).as("error: %s", sub.error()).isTrue();
  }
}
