package dev.aigateway.moduletest;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A vendor on loopback, on the JDK's own HTTP server (so that the check needs no library the
 * gateway does not bring): OpenAI's chat completions, Anthropic's messages and Gemini's
 * generateContent, each as a reply and as a stream of three chunks. It answers
 * {@code "<vendor> says hello"}, and counts the requests each path received.
 */
final class LoopbackVendor implements AutoCloseable {
  static final List<String> CHUNKS = List.of("streamed ", "word by ", "word");

  private final HttpServer server;
  private final ExecutorService executor = Executors.newFixedThreadPool(2);
  private final Map<String, AtomicInteger> counts = new ConcurrentHashMap<>();

  LoopbackVendor() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
  }

  String baseUrl() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** How many requests reached a path ending with {@code suffix}. */
  int count(String suffix) {
    return counts.entrySet().stream().filter(e -> e.getKey().endsWith(suffix))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      counts.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      boolean stream = body.contains("\"stream\":true")
          || path.endsWith(":streamGenerateContent");
      if (path.endsWith("/chat/completions")) {
        if (body.contains("\"response_format\"")) {
          json(exchange, openAiReply("{\\\"city\\\":\\\"Paris\\\",\\\"population\\\":2102650}"));
        } else if (stream) {
          sse(exchange, openAiStream());
        } else {
          json(exchange, openAiReply("openai says hello"));
        }
      } else if (path.endsWith("/v1/messages")) {
        if (stream) {
          sse(exchange, anthropicStream());
        } else {
          json(exchange, "{\"id\":\"msg_1\",\"type\":\"message\",\"role\":\"assistant\","
              + "\"model\":\"claude-sonnet-4-5\",\"content\":[{\"type\":\"text\","
              + "\"text\":\"anthropic says hello\"}],\"stop_reason\":\"end_turn\","
              + "\"usage\":{\"input_tokens\":9,\"output_tokens\":3}}");
        }
      } else if (path.endsWith(":generateContent") || path.endsWith(":streamGenerateContent")) {
        if (stream) {
          sse(exchange, geminiStream());
        } else {
          json(exchange, gemini("gemini says hello", true));
        }
      } else {
        byte[] bytes = "{\"error\":{\"message\":\"no such path\"}}".getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(404, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    }
  }

  private static String openAiReply(String content) {
    return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1,"
        + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\","
        + "\"content\":\"" + content + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}";
  }

  private static String openAiStream() {
    StringBuilder sb = new StringBuilder();
    for (String chunk : CHUNKS) {
      sb.append("data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",")
          .append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
          .append(chunk).append("\"},\"finish_reason\":null}]}\n\n");
    }
    sb.append("data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",")
        .append("\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},")
        .append("\"finish_reason\":\"stop\"}]}\n\n");
    sb.append("data: {\"id\":\"chatcmpl-2\",\"object\":\"chat.completion.chunk\",")
        .append("\"model\":\"gpt-4o-mini\",\"choices\":[],")
        .append("\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n");
    return sb.append("data: [DONE]\n\n").toString();
  }

  private static String anthropicStream() {
    StringBuilder sb = new StringBuilder();
    event(sb, "message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_2\","
        + "\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5\","
        + "\"content\":[],\"stop_reason\":null,\"usage\":{\"input_tokens\":9,\"output_tokens\":1}}}");
    event(sb, "content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
    for (String chunk : CHUNKS) {
      event(sb, "content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":\"" + chunk + "\"}}");
    }
    event(sb, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
    event(sb, "message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":"
        + "\"end_turn\"},\"usage\":{\"output_tokens\":3}}");
    event(sb, "message_stop", "{\"type\":\"message_stop\"}");
    return sb.toString();
  }

  private static void event(StringBuilder sb, String type, String data) {
    sb.append("event: ").append(type).append('\n').append("data: ").append(data).append("\n\n");
  }

  private static String geminiStream() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < CHUNKS.size(); i++) {
      sb.append("data: ").append(gemini(CHUNKS.get(i), i == CHUNKS.size() - 1)).append("\r\n\r\n");
    }
    return sb.toString();
  }

  private static String gemini(String text, boolean last) {
    return "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"" + text
        + "\"}]}" + (last ? ",\"finishReason\":\"STOP\"" : "") + "}],"
        + "\"usageMetadata\":{\"promptTokenCount\":9,\"candidatesTokenCount\":3,"
        + "\"totalTokenCount\":12},\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r1\"}";
  }

  private static void json(HttpExchange exchange, String body) throws IOException {
    send(exchange, "application/json", body);
  }

  private static void sse(HttpExchange exchange, String body) throws IOException {
    send(exchange, "text/event-stream", body);
  }

  private static void send(HttpExchange exchange, String type, String body) throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.sendResponseHeaders(200, bytes.length);
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
