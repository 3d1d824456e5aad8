package dev.aigateway.examples.stub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small OpenAI-compatible vendor served on loopback, so the examples (and the benchmarks) run
 * offline. It answers {@code POST /v1/chat/completions} in OpenAI's wire format, plain or as an
 * SSE stream of one chunk per word with usage at the end, exactly as the real API does.
 *
 * <p>The answer is decided by a function of the last user message. It counts the requests it
 * served. Thread safe; close it when done.
 */
public final class StubVendor implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

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

  private StubVendor(Function<String, String> answer, Duration pace) throws IOException {
    this.answer = answer;
    this.pace = pace;
    this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    this.executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "stub-vendor");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/v1/chat/completions", this::handle);
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
    try {
      return new StubVendor(answer, pace);
    } catch (IOException e) {
      throw new IllegalStateException("cannot start the stub vendor on loopback", e);
    }
  }

  /** The base URL to give an OpenAI adapter, such as {@code http://127.0.0.1:40123/v1}. */
  public String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
  }

  /** How many chat requests it has served. */
  public int requestCount() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      if (!"POST".equals(exchange.getRequestMethod())) {
        send(exchange, 405, "{\"error\":{\"message\":\"use POST\",\"type\":\"invalid_request_error\"}}");
        return;
      }
      JsonNode request;
      try (InputStream in = exchange.getRequestBody()) {
        request = JSON.readTree(in);
      }
      requests.incrementAndGet();
      String model = request.path("model").asText("stub-model");
      String question = lastUserText(request.path("messages"));
      String text = answer.apply(question);
      int inputTokens = words(question) + 8;
      List<String> pieces = splitWords(text);
      if (request.path("stream").asBoolean(false)) {
        stream(exchange, model, pieces, inputTokens);
      } else {
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-stub-" + requests.get());
        body.put("object", "chat.completion");
        body.put("created", System.currentTimeMillis() / 1000);
        body.put("model", model);
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        choice.putObject("message").put("role", "assistant").put("content", text);
        choice.put("finish_reason", "stop");
        body.set("usage", usage(inputTokens, pieces.size()));
        send(exchange, 200, JSON.writeValueAsString(body));
      }
    }
  }

  private void stream(HttpExchange exchange, String model, List<String> pieces, int inputTokens)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", "text/event-stream");
    exchange.sendResponseHeaders(200, 0);
    String id = "chatcmpl-stub-" + requests.get();
    try (OutputStream out = exchange.getResponseBody()) {
      event(out, chunk(id, model, JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
      for (String piece : pieces) {
        pause();
        event(out, chunk(id, model, JSON.createObjectNode().put("content", piece), null));
      }
      event(out, chunk(id, model, JSON.createObjectNode(), "stop"));
      ObjectNode last = JSON.createObjectNode();
      last.put("id", id).put("object", "chat.completion.chunk").put("model", model);
      last.putArray("choices");
      last.set("usage", usage(inputTokens, pieces.size()));
      event(out, JSON.writeValueAsString(last));
      event(out, "[DONE]");
    }
  }

  private void pause() throws IOException {
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

  private static String chunk(String id, String model, ObjectNode delta, String finish)
      throws IOException {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", id).put("object", "chat.completion.chunk").put("model", model);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    c.putNull("usage");
    return JSON.writeValueAsString(c);
  }

  private static void event(OutputStream out, String data) throws IOException {
    out.write(("data: " + data + "\n\n").getBytes(StandardCharsets.UTF_8));
    out.flush();
  }

  private static ObjectNode usage(int input, int output) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", input);
    u.put("completion_tokens", output);
    u.put("total_tokens", input + output);
    return u;
  }

  private static String lastUserText(JsonNode messages) {
    String text = "";
    if (messages instanceof ArrayNode array) {
      for (JsonNode m : array) {
        if ("user".equals(m.path("role").asText())) {
          JsonNode content = m.path("content");
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
