package dev.aigateway.providers.rescue;

import static dev.aigateway.providers.rescue.Transcripts.CLAUDE;
import static dev.aigateway.providers.rescue.Transcripts.GPT;
import static dev.aigateway.providers.rescue.Transcripts.PROMPT;
import static dev.aigateway.providers.rescue.Transcripts.openAiTokens;
import static dev.aigateway.providers.rescue.Transcripts.token;
import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.routing.Route;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import mockwebserver3.MockWebServer;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Cancel closes the vendor's connection whatever the demand and whichever thread cancels, through
 * {@code AiGateway.stream()} against a raw loopback vendor that reads its socket and so sees the
 * close the moment it happens. Each case checks that the vendor saw the close, that the
 * subscriber heard nothing after its cancel, that no OkHttp connection is left in use, and that
 * a cancel is never rescued (the fallback is sent nothing); and a cancel that comes while a
 * rescue waits for the fallback closes the fallback's connection. The cases that involve two
 * threads run twenty times each.
 */
class StreamCancelOverTheWireTest {
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final ChatRequest ASK = ChatRequest.of("r", PROMPT);

  private final MockWebServer anthropic = new MockWebServer();
  private final ConnectionPool pool = new ConnectionPool(5, 1, TimeUnit.MINUTES);
  private final ManualTiming time = new ManualTiming();
  // The gateway's one worker and the adapters' one reader, so that a test can wait until
  // everything they were given has run.
  private final ExecutorService worker = Executors.newSingleThreadExecutor();
  private final ExecutorService io = Executors.newSingleThreadExecutor();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private RawVendor vendor;
  private AiGateway gateway;

  private final GatewayEventListener log = new GatewayEventListener() {
    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
        RescueKind kind) {
      events.add("rescue " + from + " -> " + to);
    }

    @Override
    public void streamCancelled(CallInfo call) {
      events.add("streamCancelled");
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, Throwable failure) {
      events.add("callEnd " + (failure == null ? "ok" : failure.getClass().getSimpleName()));
    }
  };

  @BeforeEach
  void start() throws IOException {
    anthropic.start();
  }

  @AfterEach
  void stop() throws Exception {
    if (gateway != null) {
      gateway.close();
    }
    if (vendor != null) {
      vendor.close();
    }
    anthropic.close();
    worker.shutdownNow();
    io.shutdownNow();
  }

  /** Starts the vendor with {@code script} and a gateway whose route "r" begins with it. */
  private void serve(RawVendor.Script script) throws IOException {
    vendor = RawVendor.start(script);
    gateway = AiGateway.builder()
        .provider(OpenAiProvider.builder().baseUrl(vendor.url("/v1"))
            .apiKey(Secret.of("sk-proj-TESTKEY0123456789abcdefghijklmnop"))
            .httpClient(new OkHttpClient.Builder().connectionPool(pool).build())
            .executor(io).build())
        .provider(AnthropicProvider.builder().baseUrl(anthropic.url("/").toString())
            .apiKey(Secret.of("sk-ant-api03-TESTKEY0123456789abcdefghijklmnop"))
            .httpClient(new OkHttpClient.Builder().connectionPool(pool).build())
            .executor(io).build())
        .route(Route.builder("r").target("openai", GPT).fallback("anthropic", CLAUDE)
            .streamRestarts(true).build())
        .timing(time.timing())
        .executor(worker)
        .eventListener(log)
        .build();
  }

  /** The vendor's script: headers, then {@code events}, then it waits for the client's close. */
  private static RawVendor.Script sendsThenWaits(List<String> events) {
    return exchange -> {
      exchange.sendHeaders("text/event-stream");
      if (!events.isEmpty()) {
        exchange.sendChunk(Wire.join(events));
      }
      exchange.awaitClientClose();
    };
  }

  @RepeatedTest(20)
  void cancelInsideOnNextWithUnboundedDemandClosesTheConnectionAtOnce() throws Exception {
    serve(sendsThenWaits(openAiTokens(0, 50))); // fifty events ready, and the connection open
    Recorder sub = new Recorder(s -> s.request(Long.MAX_VALUE), 2);
    gateway.stream(ASK).subscribe(sub);
    RawVendor.Exchange exchange = vendor.takeExchange(WAIT);
    assertThat(exchange).isNotNull();

    assertThat(exchange.closedWithin(WAIT))
        .as("the vendor sees the close, not the end of the fifty events").isTrue();
    settle();
    assertThat(sub.signals()).as("nothing after the cancel, made inside the second onNext")
        .containsExactly("onSubscribe", "onNext " + token(0), "onNext " + token(1), "cancel");
    assertCancelledCleanly(1);
  }

  @RepeatedTest(20)
  void cancelFromAnotherThreadBetweenRequestsOfOneClosesTheConnection() throws Exception {
    serve(sendsThenWaits(openAiTokens(0, 5)));
    Recorder sub = new Recorder(s -> s.request(1), 0);
    gateway.stream(ASK).subscribe(sub);
    sub.awaitChunks(1);
    settle();
    sub.request(1);
    sub.awaitChunks(2);
    settle(); // no demand, and nothing is reading: the stream is at rest
    RawVendor.Exchange exchange = vendor.takeExchange(WAIT);
    assertThat(exchange.isClosed()).isFalse();

    sub.cancel(); // on the test's thread, not the one that read
    assertThat(exchange.closedWithin(WAIT)).as("the vendor sees the close").isTrue();
    settle();
    assertThat(sub.signalsAfterCancel()).isEmpty();
    assertThat(sub.chunks()).isEqualTo(2);
    assertCancelledCleanly(1);
  }

  @RepeatedTest(20)
  void cancelFromAnotherThreadWhileTheStreamIsBlockedReadingClosesTheConnection()
      throws Exception {
    serve(sendsThenWaits(openAiTokens(0, 2))); // then silent, mid-body
    Recorder sub = new Recorder(s -> s.request(Long.MAX_VALUE), 0);
    gateway.stream(ASK).subscribe(sub);
    sub.awaitChunks(2); // demand outstanding: the worker goes on to read, and blocks there
    RawVendor.Exchange exchange = vendor.takeExchange(WAIT);

    sub.cancel();
    assertThat(exchange.closedWithin(WAIT)).as("the vendor sees the close").isTrue();
    settle();
    assertThat(sub.signalsAfterCancel()).isEmpty();
    assertThat(sub.chunks()).isEqualTo(2);
    assertCancelledCleanly(1);
  }

  @ParameterizedTest(name = "headers sent: {0}")
  @ValueSource(booleans = {true, false})
  void cancelWhileTheGatewayWaitsForTheFirstChunkClosesTheConnection(boolean headers)
      throws Exception {
    serve(exchange -> {
      if (headers) {
        exchange.sendHeaders("text/event-stream");
      }
      exchange.awaitClientClose();
    });
    Recorder sub = new Recorder(s -> s.request(Long.MAX_VALUE), 0);
    gateway.stream(ASK).subscribe(sub);
    RawVendor.Exchange exchange = vendor.takeExchange(WAIT);
    assertThat(exchange).isNotNull();
    if (headers) {
      assertThat(exchange.headersSentWithin(WAIT)).isTrue();
    }

    sub.cancel();
    assertThat(exchange.closedWithin(WAIT)).as("the vendor sees the close").isTrue();
    settle();
    assertThat(sub.signals()).containsExactly("onSubscribe", "cancel");
    assertCancelledCleanly(1);
  }

  @RepeatedTest(5)
  void cancelInsideOnSubscribeBeforeAnyRequestSendsNothing() throws Exception {
    serve(sendsThenWaits(openAiTokens(0, 5)));
    Recorder sub = new Recorder(s -> {
      s.cancel();
      s.request(1); // after a cancel, a request is a no-op
    }, 0);
    gateway.stream(ASK).subscribe(sub);
    settle();

    assertThat(sub.signals()).containsExactly("onSubscribe", "cancel");
    assertThat(vendor.connectionCount()).as("nothing was sent: no connection").isZero();
    assertThat(vendor.requestCount()).isZero();
    assertThat(pool.connectionCount()).isZero();
    assertCancelledCleanly(0);
  }

  @RepeatedTest(20)
  void cancelWhileARescueWaitsForTheFallbacksFirstChunkClosesTheFallbacksConnection()
      throws Exception {
    serve(exchange -> {
      exchange.sendHeaders("text/event-stream");
      exchange.sendChunk(Wire.join(openAiTokens(0, 2)));
      exchange.sendChunk(""); // the last chunk: the body ends before any finish reason
      exchange.awaitClientClose();
    });
    CountDownLatch headersSent = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    anthropic.enqueue(Wire.heldOpen("text/event-stream", "", headersSent, closed));
    Recorder sub = new Recorder(s -> s.request(Long.MAX_VALUE), 0);
    gateway.stream(ASK).subscribe(sub);
    sub.awaitChunks(2);
    assertThat(headersSent.await(5, TimeUnit.SECONDS))
        .as("the rescue asked the fallback, which answers nothing yet").isTrue();

    sub.cancel();
    assertThat(closed.await(5, TimeUnit.SECONDS)).as("the fallback sees the close").isTrue();
    settle();
    assertThat(sub.signalsAfterCancel()).isEmpty();
    assertThat(sub.chunks()).isEqualTo(2);
    assertThat(pool.connectionCount() - pool.idleConnectionCount())
        .as("no OkHttp connection is left in use").isZero();
    assertThat(vendor.requestCount()).isEqualTo(1);
    assertThat(anthropic.getRequestCount()).isEqualTo(1);
    assertThat(Wire.body(anthropic.takeRequest(5, TimeUnit.SECONDS)).get("messages").get(1)
        .get("content").asText()).as("a continuation").isEqualTo((token(0) + token(1)).strip());
    assertThat(events).containsExactly("rescue openai/" + GPT + " -> anthropic/" + CLAUDE,
        "streamCancelled", "callEnd CancellationException");
  }

  /**
   * The vendor had {@code connections} connections with one request each; no OkHttp connection
   * is in use; the call ended once, cancelled, and was neither failed over nor rescued.
   */
  private void assertCancelledCleanly(int connections) {
    assertThat(vendor.connectionCount()).isEqualTo(connections);
    assertThat(vendor.requestCount()).isEqualTo(connections);
    assertThat(pool.connectionCount() - pool.idleConnectionCount())
        .as("no OkHttp connection is left in use").isZero();
    assertThat(anthropic.getRequestCount()).as("a cancel is not rescued").isZero();
    assertThat(events).containsExactly("streamCancelled", "callEnd CancellationException");
  }

  /** Waits until the gateway's worker and the adapters' reader have run all they were given. */
  private void settle() throws Exception {
    worker.submit(() -> { }).get(5, TimeUnit.SECONDS);
    io.submit(() -> { }).get(5, TimeUnit.SECONDS);
    worker.submit(() -> { }).get(5, TimeUnit.SECONDS);
  }

  /** Records every signal in order, and the test's cancel among them. */
  private static final class Recorder implements Flow.Subscriber<ChatChunk> {
    private final List<String> signals = new CopyOnWriteArrayList<>();
    private final Consumer<Flow.Subscription> onSubscribe;
    private final int cancelAt;
    private volatile Flow.Subscription subscription;
    private int chunks; // guarded by this

    /**
     * @param onSubscribe what to do with the subscription in {@code onSubscribe}
     * @param cancelAt cancel inside the {@code onNext} of this chunk (1-based); 0 for never
     */
    Recorder(Consumer<Flow.Subscription> onSubscribe, int cancelAt) {
      this.onSubscribe = onSubscribe;
      this.cancelAt = cancelAt;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = new Flow.Subscription() {
        @Override
        public void request(long n) {
          s.request(n);
        }

        @Override
        public void cancel() {
          signals.add("cancel");
          s.cancel();
        }
      };
      signals.add("onSubscribe");
      onSubscribe.accept(subscription);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      int n;
      synchronized (this) {
        signals.add("onNext " + chunk.textDelta());
        n = ++chunks;
        notifyAll();
      }
      if (n == cancelAt) {
        subscription.cancel();
      }
    }

    @Override
    public void onError(Throwable t) {
      signals.add("onError " + t);
    }

    @Override
    public void onComplete() {
      signals.add("onComplete");
    }

    void request(long n) {
      subscription.request(n);
    }

    void cancel() {
      subscription.cancel();
    }

    synchronized int chunks() {
      return chunks;
    }

    /** Waits until {@code n} chunks arrived; fails after five seconds. */
    synchronized void awaitChunks(int n) throws InterruptedException {
      long end = System.nanoTime() + WAIT.toNanos();
      while (chunks < n) {
        long left = end - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("got " + chunks + " of " + n + " chunks: " + signals);
        }
        TimeUnit.NANOSECONDS.timedWait(this, left);
      }
    }

    List<String> signals() {
      return List.copyOf(signals);
    }

    List<String> signalsAfterCancel() {
      List<String> all = signals();
      int at = all.indexOf("cancel");
      assertThat(at).as("cancelled").isNotNegative();
      return all.subList(at + 1, all.size());
    }
  }
}
