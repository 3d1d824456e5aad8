package dev.aigateway.examples.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small vendor served on loopback, so the examples (and the benchmarks) run offline. It speaks
 * four wire formats, each plain or as an SSE stream of one event per word with usage at the end,
 * as the real APIs do:
 * <ul>
 *   <li>OpenAI: {@code POST /v1/chat/completions};
 *   <li>Azure OpenAI: {@code POST /openai/deployments/{deployment}/chat/completions} (OpenAI's
 *       format; the deployment is reported as the model);
 *   <li>Anthropic: {@code POST /v1/messages};
 *   <li>Gemini: {@code POST /v1beta/models/{model}:generateContent} and
 *       {@code :streamGenerateContent?alt=sse}.
 * </ul>
 * It checks no credentials; it is a stand-in for a vendor, not a test of one.
 *
 * <p>The answer is decided by a function of the last user message. It counts the requests it
 * served. Thread safe; close it when done.
 *
 * <p><b>Failures on purpose.</b> A stub can answer some requests with an HTTP error in the wire
 * format of the path that was called, chosen deterministically by request number (see
 * {@link Failures}): {@code StubVendor.start(answer, Failures.everyNth(3))} fails requests 3, 6,
 * 9… with the vendor's "overloaded" error (OpenAI 503, Anthropic 529 {@code overloaded_error},
 * Gemini 503 {@code UNAVAILABLE}), and {@link #failures(Failures)} changes that while it runs,
 * for an outage and a recovery. Each stub has its own port, count and failures, so an example
 * can start two, one playing OpenAI and failing, one playing Anthropic and healthy.
 */
public final class StubVendor implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  static {
    // The JDK server writes headers and body separately; without TCP_NODELAY, Nagle's
    // algorithm and the client's delayed ACK add ~40 ms to every exchange. It is read once,
    // when the first HttpServer is created.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Function<String, String> answer;
  private final Duration pace;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private volatile Failures failures;
  private volatile int cutStreamsAfter = -1;

  private StubVendor(Function<String, String> answer, Duration pace, Failures failures)
      throws IOException {
    this.answer = Objects.requireNonNull(answer, "answer");
    this.pace = Objects.requireNonNull(pace, "pace");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "stub-vendor");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", exchange -> handle(exchange, Wire.OPENAI));
    server.createContext("/openai/deployments/", exchange -> handle(exchange, Wire.OPENAI));
    server.createContext("/v1/messages", exchange -> handle(exchange, Wire.ANTHROPIC));
    server.createContext("/v1beta/models/", exchange -> handle(exchange, Wire.GEMINI));
    server.start();
  }

  /** Starts a stub that answers with {@code answer} applied to the last user message. */
  public static StubVendor start(Function<String, String> answer) {
    return start(answer, Duration.ZERO);
  }

  /**
   * Starts a stub that answers with {@code answer} applied to the last user message, and waits
   * {@code pace} between the words of a stream, so that a person can watch it arrive.
   */
  public static StubVendor start(Function<String, String> answer, Duration pace) {
    return start(answer, pace, Failures.none());
  }

  /**
   * Starts a stub that answers with {@code answer} applied to the last user message, except the
   * requests {@code failures} picks, which get an HTTP error in the vendor's format.
   */
  public static StubVendor start(Function<String, String> answer, Failures failures) {
    return start(answer, Duration.ZERO, failures);
  }

  /** Starts a stub with an answer, a pace between streamed words, and failures. */
  public static StubVendor start(
      Function<String, String> answer, Duration pace, Failures failures) {
    try {
      return new StubVendor(answer, pace, failures);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the stub vendor on loopback", e);
    }
  }

  /** The base URL to give an OpenAI adapter, such as {@code http://127.0.0.1:40123/v1}. */
  public String baseUrl() {
    return rootUrl() + "/v1";
  }

  /**
   * The server's root, such as {@code http://127.0.0.1:40123}: the base URL to give the Azure,
   * Anthropic and Gemini adapters, which add their own paths.
   */
  public String rootUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many chat requests it has served, those it failed on purpose included. */
  public int requestCount() {
    return requests.get();
  }

  /** How many chat requests it failed on purpose. */
  public int failedCount() {
    return failed.get();
  }

  /** The failures it injects now. */
  public Failures failures() {
    return failures;
  }

  /**
   * Changes which requests fail, from the next request on; request numbers keep counting from
   * the stub's start.
   */
  public void failures(Failures failures) {
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  /**
   * Makes streams stop after {@code words} words, the body ending before the finish reason as a
   * vendor's dropped connection does; -1 (the default) for whole streams.
   */
  public void cutStreamsAfter(int words) {
    this.cutStreamsAfter = words;
  }

  /** The vendor formats the stub speaks. */
  enum Wire { OPENAI, ANTHROPIC, GEMINI }

  private void handle(HttpExchange exchange, Wire wire) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "{\"error\":{\"message\":\"use POST\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = JSON.readTree(in);
      }
      int n = requests.incrementAndGet();
      String path = exchange.getRequestURI().getPath();
      Failures plan = failures;
      if (plan.fails(n)) {
        failed.incrementAndGet();
        fail(exchange, wire, plan);
        return;
      }
      String question = switch (wire) {
        case OPENAI -> lastUserText(request.path("messages"), "content");
        case ANTHROPIC -> lastUserText(request.path("messages"), "content");
        case GEMINI -> lastUserText(request.path("contents"), "parts");
      };
      String text = answer.apply(question);
      String prefill = wire == Wire.ANTHROPIC ? lastAssistantText(request.path("messages")) : null;
      if (prefill != null && text.startsWith(prefill)) {
        text = text.substring(prefill.length()); // continue the answer, as Claude does
      }
      List<String> pieces = splitWords(text);
      int cut = cutStreamsAfter;
      boolean truncated = cut >= 0 && cut < pieces.size();
      Reply reply = new Reply(n, model(wire, path, request),
          truncated ? pieces.subList(0, cut) : pieces, words(question) + 8, truncated);
      switch (wire) {
        case OPENAI -> {
          if (request.path("stream").asBoolean(false)) {
            OpenAiWire.stream(this, open(exchange), reply);
          } else {
            send(exchange, 200, OpenAiWire.message(reply));
          }
        }
        case ANTHROPIC -> {
          if (request.path("stream").asBoolean(false)) {
            AnthropicWire.stream(this, open(exchange), reply);
          } else {
            send(exchange, 200, AnthropicWire.message(reply));
          }
        }
        case GEMINI -> {
          if (path.endsWith(":streamGenerateContent")) {
            GeminiWire.stream(this, open(exchange), reply);
          } else {
            send(exchange, 200, GeminiWire.message(reply));
          }
        }
        default -> throw new AssertionError(wire);
      }
    }
  }

  /** Sends the error {@code plan} asks for, in {@code wire}'s format. */
  private static void fail(HttpExchange exchange, Wire wire, Failures plan) throws IOException {
    int status = plan.status() != 0 ? plan.status() : switch (wire) {
      case OPENAI, GEMINI -> 503;
      case ANTHROPIC -> 529;
    };
    Duration retryAfter = plan.retryAfter();
    if (retryAfter != null) {
      long ms = retryAfter.toMillis();
      exchange.getResponseHeaders().set("Retry-After", Long.toString((ms + 999) / 1000));
      if (wire == Wire.OPENAI) {
        exchange.getResponseHeaders().set("retry-after-ms", Long.toString(ms));
      }
    }
    send(exchange, status, switch (wire) {
      case OPENAI -> OpenAiWire.error(status);
      case ANTHROPIC -> AnthropicWire.error(status);
      case GEMINI -> GeminiWire.error(status);
    });
  }

  /**
   * What to answer: the request's number, the model, the answer's words, the input count, and
   * whether a stream stops after those words without its finish reason.
   */
  record Reply(int number, String model, List<String> pieces, int inputTokens, boolean cut) {}

  private static String model(Wire wire, String path, JsonNode request) {
    if (path.startsWith("/openai/deployments/")) {
      return path.substring("/openai/deployments/".length(), path.indexOf('/', 21));
    }
    if (wire == Wire.GEMINI) {
      String rest = path.substring("/v1beta/models/".length());
      int colon = rest.indexOf(':');
      return colon < 0 ? rest : rest.substring(0, colon);
    }
    return request.path("model").asText("stub-model");
  }

  private static OutputStream open(HttpExchange exchange) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    return exchange.getResponseBody();
  }

  /** Waits the stub's pace, between two words of a stream. */
  void pause() throws IOException {
    if (pace.isZero()) {
      return;
    }
    try {
      Thread.sleep(pace.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Writes one SSE event and flushes it. */
  static void event(OutputStream out, String name, String data) throws IOException {
    String event = (name == null ? "" : "event: " + name + "\n") + "data: " + data + "\n\n";
    out.write(event.getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  /** The text of the last user turn, whether its content is a string or a list of parts. */
  private static String lastUserText(JsonNode turns, String contentField) {
    String text = "";
    if (turns instanceof ArrayNode array) {
      for (JsonNode m : array) {
        if ("user".equals(m.path("role").asText())) {
          JsonNode content = m.path(contentField);
          if (content.isTextual()) {
            text = content.asText();
          } else if (content.isArray()) {
            StringBuilder sb = new StringBuilder();
            content.forEach(p -> sb.append(p.path("text").asText("")));
            text = sb.toString();
          }
        }
      }
    }
    return text;
  }

  /** The text of the conversation's last turn when it is the assistant's (a prefill), or null. */
  private static String lastAssistantText(JsonNode turns) {
    if (!(turns instanceof ArrayNode array) || array.isEmpty()) {
      return null;
    }
    JsonNode last = array.get(array.size() - 1);
    if (!"assistant".equals(last.path("role").asText())) {
      return null;
    }
    JsonNode content = last.path("content");
    if (content.isTextual()) {
      return content.asText();
    }
    StringBuilder sb = new StringBuilder();
    content.forEach(p -> sb.append(p.path("text").asText("")));
    return sb.toString();
  }

  /** Words with their trailing space, so that joining the pieces gives back the text. */
  private static List<String> splitWords(String text) {
    List<String> pieces = new ArrayList<>();
    int start = 0;
    for (int i = 1; i <= text.length(); i++) {
      if (i == text.length() || text.charAt(i - 1) == ' ') {
        if (i > start) {
          pieces.add(text.substring(start, i));
        }
        start = i;
      }
    }
    return pieces;
  }

  private static int words(String text) {
    return text.isBlank() ? 0 : text.strip().split("\\s+").length;
  }

  private static void send(HttpExchange exchange, int status, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
