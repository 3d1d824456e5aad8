package dev.aigateway.providers.openai;

import static dev.aigateway.providers.openai.OpenAiFixtures.KEY;
import static dev.aigateway.providers.openai.OpenAiFixtures.TEXT_STREAM;
import static dev.aigateway.providers.openai.OpenAiFixtures.events;
import static dev.aigateway.providers.openai.OpenAiFixtures.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.providers.conformance.Wire;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The vendor key never shows up in an exception (message, cause chain, stack trace), a
 * toString(), or a log line, even when the vendor echoes it back in its error: from the provider
 * called directly, and through the gateway.
 */
class SecretLeakTest {
  private static final String HEADER_SECRET = "hdr-secret-9876543210zyxwvu";

  private final MockWebServer server = new MockWebServer();
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  // Appended by OkHttp's threads while a test reads it.
  private final List<String> julLogs = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Handler julHandler = new Handler() {
    @Override
    public void publish(LogRecord record) {
      julLogs.add(record.getMessage() + " " + record.getThrown());
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };
  private ch.qos.logback.classic.Logger root;
  private Level previousLevel;
  private AiGateway gateway;

  @BeforeEach
  void start() throws Exception {
    server.start();
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    previousLevel = root.getLevel();
    root.setLevel(Level.TRACE);
    logs.start();
    root.addAppender(logs);
    java.util.logging.Logger.getLogger("").addHandler(julHandler);
    java.util.logging.Logger.getLogger("okhttp3").setLevel(java.util.logging.Level.ALL);
    gateway = AiGateway.builder()
        .provider(OpenAiFixtures.provider(server).header("X-Tenant-Token", Secret.of(HEADER_SECRET))
            .build())
        .build();
  }

  @AfterEach
  void stop() {
    root.detachAppender(logs);
    root.setLevel(previousLevel);
    java.util.logging.Logger.getLogger("").removeHandler(julHandler);
    gateway.close();
    server.close();
  }

  /** Every 10-character piece of the secrets, so that a partly masked echo is caught too. */
  private static void assertNoSecretIn(String text, String where) {
    for (String secret : List.of(KEY, HEADER_SECRET)) {
      for (int i = 0; i + 10 <= secret.length(); i++) {
        String piece = secret.substring(i, i + 10);
        assertThat(text).as("%s leaks '%s'", where, piece).doesNotContain(piece);
      }
    }
  }

  private static String everything(Throwable t) {
    StringWriter out = new StringWriter();
    t.printStackTrace(new PrintWriter(out));
    return out + "\n" + t;
  }

  /** What is called: the provider itself, or the gateway over it. */
  private interface Caller {
    ChatResponse chat(ChatRequest request);

    Flow.Publisher<ChatChunk> stream(ChatRequest request);

    static Caller of(ChatProvider provider) {
      return new Caller() {
        @Override
        public ChatResponse chat(ChatRequest request) {
          return provider.chat(request, Wire.FAIL_FAST);
        }

        @Override
        public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
          return provider.stream(request, Wire.FAIL_FAST);
        }
      };
    }

    /** A new gateway from {@code gateways} for every call, closed after it. */
    static Caller of(java.util.function.Supplier<AiGateway> gateways) {
      return new Caller() {
        @Override
        public ChatResponse chat(ChatRequest request) {
          try (AiGateway g = gateways.get()) {
            return g.chat(request);
          }
        }

        @Override
        public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
          AiGateway g = gateways.get();
          return subscriber -> g.stream(request).subscribe(subscriber);
        }
      };
    }

    static Caller of(ChatClient client) {
      return new Caller() {
        @Override
        public ChatResponse chat(ChatRequest request) {
          return client.chat(request);
        }

        @Override
        public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
          return client.stream(request);
        }
      };
    }
  }

  /**
   * The failure of a call through {@code caller}, answered by {@code response} if not null; it
   * must have reached the adapter: one more request on the wire, and the vendor's own typed error.
   */
  private Throwable chatFailure(Caller caller, MockResponse response) {
    int before = server.getRequestCount();
    if (response != null) {
      server.enqueue(response);
    }
    try {
      caller.chat(ChatRequest.of("gpt-4o", "hi"));
    } catch (RuntimeException e) {
      reachedTheAdapter(e, response == null ? 0 : 1, before);
      return e;
    }
    throw new AssertionError("expected a failure");
  }

  private Throwable streamFailure(Caller caller, MockResponse response) {
    int before = server.getRequestCount();
    server.enqueue(response);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    caller.stream(ChatRequest.of("gpt-4o", "hi")).subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(10));
    assertThat(sub.error()).isNotNull();
    reachedTheAdapter(sub.error(), 1, before);
    return sub.error();
  }

  private void reachedTheAdapter(Throwable e, int requests, int before) {
    assertThat(server.getRequestCount() - before).as("requests on the wire for %s", e)
        .isEqualTo(requests);
    assertThat(e).as("the adapter's own typed error, not a skip")
        .isInstanceOf(dev.aigateway.api.ProviderException.class);
    assertThat(((dev.aigateway.api.ProviderException) e).errorCode())
        .isNotIn("circuit_open", "bulkhead_full");
  }

  @Test
  void noErrorPathOfTheProviderLeaksTheKeys() throws Exception {
    try (OpenAiProvider provider = OpenAiFixtures.provider(server)
        .header("X-Tenant-Token", Secret.of(HEADER_SECRET)).build()) {
      List<Throwable> failures = failures(Caller.of(provider), dead -> {
        try (OpenAiProvider p = dead.build()) {
          return chatFailure(Caller.of(p), null);
        }
      });
      assertNoSecretInAny(failures);
    }
  }

  @Test
  void noErrorPathThroughTheGatewayLeaksTheKeys() throws Exception {
    // A gateway of its own for every path, without retries: each path is one request that
    // reaches the adapter (never a skip by an open circuit, never a wait for a read timeout).
    Caller freshGateway = Caller.of(() -> AiGateway.builder()
        .provider(OpenAiFixtures.provider(server)
            .header("X-Tenant-Token", Secret.of(HEADER_SECRET)).build())
        .resilience(Resilience.builder().maxRetries(0).build()).build());
    List<Throwable> failures = failures(freshGateway, dead -> {
      try (AiGateway g = AiGateway.builder().provider(dead.build())
          .resilience(Resilience.builder().maxRetries(0).build()).build()) {
        return chatFailure(Caller.of(g), null);
      }
    });
    assertNoSecretInAny(failures);
    assertThat(logLines()).as("the gateway logged the failures, so this check is not vacuous")
        .isNotEmpty();
    for (ILoggingEvent e : logLines()) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertNoSecretIn(line, "log line '" + e.getFormattedMessage() + "'");
    }
  }

  @Test
  void noErrorPathLeaksTheKeysIntoAMeterATagASpanOrALogLine() throws Exception {
    // Observed with everything opted in: content capture, every client id as a tag, prices.
    io.micrometer.core.instrument.simple.SimpleMeterRegistry meters =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    io.micrometer.observation.ObservationRegistry observations =
        io.micrometer.observation.ObservationRegistry.create();
    List<io.micrometer.observation.Observation.Context> seen =
        new java.util.concurrent.CopyOnWriteArrayList<>();
    observations.observationConfig().observationHandler(
        new io.micrometer.observation.ObservationHandler<>() {
          @Override
          public void onStop(io.micrometer.observation.Observation.Context context) {
            seen.add(context);
          }

          @Override
          public boolean supportsContext(io.micrometer.observation.Observation.Context c) {
            return true;
          }
        });
    dev.aigateway.core.observation.Observability everything =
        dev.aigateway.core.observation.Observability.builder().captureContent(true)
            .clientTags(dev.aigateway.core.observation.ClientTags.all())
            .prices(dev.aigateway.core.observation.PriceTable.example()).build();
    java.util.function.UnaryOperator<AiGateway.Builder> observed = b -> b
        .observationRegistry(observations).meterRegistry(meters).observability(everything)
        .resilience(Resilience.builder().maxRetries(0).build());
    Caller freshGateway = Caller.of(() -> observed.apply(AiGateway.builder()
        .provider(OpenAiFixtures.provider(server)
            .header("X-Tenant-Token", Secret.of(HEADER_SECRET)).build())).build());
    List<Throwable> failures = failures(freshGateway, dead -> {
      try (AiGateway g = observed.apply(AiGateway.builder().provider(dead.build())).build()) {
        return chatFailure(Caller.of(g), null);
      }
    });
    assertNoSecretInAny(failures);

    assertThat(seen).as("every path was observed").hasSizeGreaterThanOrEqualTo(20);
    for (io.micrometer.observation.Observation.Context c : seen) {
      StringBuilder all = new StringBuilder(c.getName() + " " + c.getContextualName());
      c.getAllKeyValues().forEach(kv -> all.append(' ').append(kv.getKey()).append('=')
          .append(kv.getValue()));
      if (c.getError() != null) {
        all.append(' ').append(everything(c.getError()));
      }
      assertNoSecretIn(all.toString(), "observation " + c.getContextualName());
    }
    assertThat(seen).as("the error type is recorded, not the message")
        .anyMatch(c -> c.getLowCardinalityKeyValue("error.type") != null
            && c.getLowCardinalityKeyValue("error.type").getValue().equals("authentication"));
    assertThat(meters.getMeters()).isNotEmpty();
    for (io.micrometer.core.instrument.Meter m : meters.getMeters()) {
      assertNoSecretIn(m.getId().toString(), "meter " + m.getId().getName());
    }
    for (ILoggingEvent e : logLines()) {
      String line = e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
          : ThrowableProxyUtil.asString(e.getThrowableProxy()));
      assertNoSecretIn(line, "log line '" + e.getFormattedMessage() + "'");
    }
  }

  /** What was logged so far: a copy taken under the appender's lock (appends come from OkHttp's
   * and the gateway's threads too). */
  private List<ILoggingEvent> logLines() {
    synchronized (logs) {
      return new ArrayList<>(logs.list);
    }
  }

  private void assertNoSecretInAny(List<Throwable> failures) {
    assertThat(failures).hasSize(10);
    assertThat(failures).extracting(t -> t.getClass().getSimpleName()).containsExactly(
        "AuthenticationException", "AuthenticationException", "InvalidRequestException",
        "ProviderUnavailableException", "MalformedResponseException",
        "AuthenticationException", "ProviderUnavailableException", "MalformedResponseException",
        "MalformedResponseException", "ProviderUnavailableException");
    for (Throwable t : failures) {
      assertNoSecretIn(everything(t), t.getClass().getSimpleName() + ": " + t.getMessage());
    }
    // the vendor's message is kept, only the key is masked
    assertThat(failures.get(0).getMessage()).contains("Incorrect API key provided: [redacted]");
    for (String line : julLogs) {
      assertNoSecretIn(line, "OkHttp log line");
    }
  }

  /**
   * Every error path through {@code caller}, and through a provider (built by {@code dead}) whose
   * vendor refuses connections.
   */
  private List<Throwable> failures(Caller caller,
      Function<OpenAiProvider.Builder, Throwable> dead) throws Exception {
    String echoed = "{\"error\":{\"message\":\"Incorrect API key provided: " + KEY
        + ". Header was " + HEADER_SECRET + "\",\"type\":\"invalid_request_error\","
        + "\"code\":\"invalid_api_key\"}}";
    String masked = "{\"error\":{\"message\":\"Incorrect API key provided: sk-proj-********"
        + KEY.substring(KEY.length() - 12) + ". You can find your API key at"
        + " https://platform.openai.com.\",\"type\":\"invalid_request_error\"}}";
    List<Throwable> failures = new ArrayList<>();
    failures.add(chatFailure(caller, json(401, echoed)));
    failures.add(chatFailure(caller, json(401, masked)));
    failures.add(chatFailure(caller,
        json(400, "{\"error\":{\"message\":\"bad header " + KEY + "\"}}")));
    failures.add(chatFailure(caller, new MockResponse.Builder().code(502)
        .setHeader("Content-Type", "text/html")
        .body("<html><title>proxy saw Bearer " + KEY + "</title></html>").build()));
    failures.add(chatFailure(caller, json(200, "not json " + KEY)));
    failures.add(streamFailure(caller, json(401, echoed)));
    failures.add(streamFailure(caller, new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .body(events(TEXT_STREAM[1], "{\"error\":{\"message\":\"key " + KEY + " revoked\","
            + "\"type\":\"server_error\"}}")).build()));
    failures.add(streamFailure(caller, new MockResponse.Builder()
        .setHeader("Content-Type", "text/event-stream")
        .body(events(TEXT_STREAM[1], "{broken " + KEY)).build()));
    failures.add(streamFailure(caller, json(200, "{\"unexpected\":\"" + KEY + "\"}")));

    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    failures.add(dead.apply(OpenAiProvider.builder()
        .baseUrl("http://127.0.0.1:" + port + "/v1").apiKey(Secret.of(KEY))));
    return failures;
  }

  @Test
  void noToStringShowsTheKeys() {
    OpenAiProvider provider = OpenAiFixtures.provider(server)
        .header("X-Tenant-Token", Secret.of(HEADER_SECRET)).build();
    ChatRequest request = ChatRequest.builder().model("m").user("hi").extra("api_key", "x").build();
    for (Object o : List.of(provider, gateway, request, Secret.of(KEY), Secret.env("OPENAI_API_KEY"))) {
      assertNoSecretIn(String.valueOf(o), o.getClass().getSimpleName() + ".toString()");
    }
    assertThat(provider.toString()).contains("Secret[literal]");
  }
}
