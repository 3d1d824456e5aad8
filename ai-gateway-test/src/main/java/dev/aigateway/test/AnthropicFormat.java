package dev.aigateway.test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's Messages API: a {@code message} with {@code text} and {@code tool_use} blocks, or
 * the named events {@code message_start}, {@code ping}, {@code content_block_start},
 * {@code content_block_delta} ({@code text_delta}, {@code input_json_delta}),
 * {@code content_block_stop}, {@code message_delta} and {@code message_stop}.
 */
final class AnthropicFormat extends Format {

  @Override
  String answer(Answer a) {
    ObjectNode body = message(a);
    ArrayNode content = body.putArray("content");
    if (!a.reasoning().isEmpty()) {
      content.addObject().put("type", "thinking").put("thinking", a.reasoning())
          .put("signature", a.signature());
    }
    if (!a.text().isEmpty() || a.toolCalls().isEmpty()) {
      content.addObject().put("type", "text").put("text", a.text());
    }
    for (Answer.Call c : a.toolCalls()) {
      ObjectNode block = content.addObject().put("type", "tool_use").put("id", c.id())
          .put("name", c.name());
      block.set("input", parse(c.arguments()));
    }
    body.put("stop_reason", stopReason(a.finishReason()));
    body.putNull("stop_sequence");
    body.set("usage", usage(a.usage(), a.usage().outputTokens()));
    return write(body);
  }

  @Override
  StreamPlan stream(Answer a, boolean complete) {
    ObjectNode message = message(a);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.set("usage", usage(a.usage(), 1));
    ObjectNode start = JSON.createObjectNode().put("type", "message_start");
    start.set("message", message);
    List<SseEvent> prelude = List.of(
        new SseEvent("message_start", write(start)),
        new SseEvent("ping", "{\"type\":\"ping\"}"));

    List<List<SseEvent>> chunks = new ArrayList<>();
    // A thinking block comes first, whole in one chunk; the other blocks' indexes follow it.
    int first = a.reasoning().isEmpty() ? 0 : 1;
    if (first == 1) {
      List<SseEvent> events = new ArrayList<>(4);
      events.add(new SseEvent("content_block_start", "{\"type\":\"content_block_start\","
          + "\"index\":0,\"content_block\":{\"type\":\"thinking\",\"thinking\":\"\","
          + "\"signature\":\"\"}}"));
      ObjectNode thinking = JSON.createObjectNode().put("type", "content_block_delta")
          .put("index", 0);
      thinking.putObject("delta").put("type", "thinking_delta").put("thinking", a.reasoning());
      events.add(new SseEvent("content_block_delta", write(thinking)));
      ObjectNode signature = JSON.createObjectNode().put("type", "content_block_delta")
          .put("index", 0);
      signature.putObject("delta").put("type", "signature_delta")
          .put("signature", a.signature());
      events.add(new SseEvent("content_block_delta", write(signature)));
      events.add(stop(0));
      chunks.add(events);
    }
    int block = first - 1;
    for (int j = 0; j < a.pieces().size(); j++) {
      List<SseEvent> events = new ArrayList<>(2);
      if (j == 0) {
        block = first;
        events.add(new SseEvent("content_block_start", "{\"type\":\"content_block_start\","
            + "\"index\":" + first + ",\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
      }
      ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta")
          .put("index", first);
      delta.putObject("delta").put("type", "text_delta").put("text", a.pieces().get(j));
      events.add(new SseEvent("content_block_delta", write(delta)));
      chunks.add(events);
    }
    for (Answer.Call c : a.toolCalls()) {
      for (int j = 0; j < c.argumentPieces().size(); j++) {
        List<SseEvent> events = new ArrayList<>(3);
        if (j == 0) {
          if (block >= first) {
            events.add(stop(block));
          }
          block++;
          ObjectNode startBlock = JSON.createObjectNode().put("type", "content_block_start")
              .put("index", block);
          startBlock.putObject("content_block").put("type", "tool_use").put("id", c.id())
              .put("name", c.name()).putObject("input");
          events.add(new SseEvent("content_block_start", write(startBlock)));
        }
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta")
            .put("index", block);
        delta.putObject("delta").put("type", "input_json_delta")
            .put("partial_json", c.argumentPieces().get(j));
        events.add(new SseEvent("content_block_delta", write(delta)));
        chunks.add(events);
      }
    }

    List<SseEvent> ending = new ArrayList<>();
    if (block >= first) {
      ending.add(stop(block));
    }
    ObjectNode delta = JSON.createObjectNode().put("type", "message_delta");
    delta.putObject("delta").put("stop_reason", stopReason(a.finishReason()))
        .putNull("stop_sequence");
    delta.putObject("usage").put("output_tokens", a.usage().outputTokens());
    ending.add(new SseEvent("message_delta", write(delta)));
    ending.add(new SseEvent("message_stop", "{\"type\":\"message_stop\"}"));
    return new StreamPlan(prelude, chunks, ending);
  }

  @Override
  int overloadedStatus() {
    return 529;
  }

  @Override
  String errorBody(int status, @Nullable String code, @Nullable String message,
      @Nullable Duration retryAfter) {
    String type = code != null ? code : switch (status) {
      case 400 -> "invalid_request_error";
      case 401 -> "authentication_error";
      case 403 -> "permission_error";
      case 404 -> "not_found_error";
      case 413 -> "request_too_large";
      case 429 -> "rate_limit_error";
      case 504 -> "timeout_error";
      case 529 -> "overloaded_error";
      default -> status >= 500 ? "api_error" : "invalid_request_error";
    };
    String usual = switch (type) {
      case "overloaded_error" -> "Overloaded";
      case "rate_limit_error" -> "Number of request tokens has exceeded your per-minute rate"
          + " limit. Please try again later.";
      case "authentication_error" -> "invalid x-api-key";
      case "permission_error" -> "Your API key does not have permission to use the specified"
          + " resource.";
      case "not_found_error" -> "The requested resource could not be found.";
      case "request_too_large" -> "Request exceeds the maximum allowed number of bytes.";
      case "api_error" -> "Internal server error";
      case "timeout_error" -> "Request timed out.";
      default -> "The request was rejected (FakeVendor, HTTP " + status + ").";
    };
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message != null ? message : usual);
    body.put("request_id", "req_fake");
    return write(body);
  }

  @Override
  void retryAfterHeaders(Duration delay, Map<String, String> headers) {
    headers.put("retry-after", seconds(delay));
  }

  @Override
  SseEvent errorEvent() {
    return new SseEvent("error", "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\","
        + "\"message\":\"Overloaded\"}}");
  }

  @Override
  SseEvent malformedEvent() {
    return new SseEvent("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":");
  }

  private static SseEvent stop(int index) {
    return new SseEvent("content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static String stopReason(FinishReason reason) {
    return switch (reason) {
      case STOP -> "end_turn";
      case LENGTH -> "max_tokens";
      case TOOL_CALLS -> "tool_use";
      case CONTENT_FILTER -> "refusal";
      case OTHER -> "pause_turn";
    };
  }

  private static ObjectNode message(Answer a) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "msg_fake_" + a.number()).put("type", "message").put("role", "assistant")
        .put("model", a.model());
    return body;
  }

  /**
   * Usage in Anthropic's terms: {@code input_tokens} excludes the cache reads, which go in
   * {@code cache_read_input_tokens}, so that the adapter's sum gives the unified input back.
   */
  private static ObjectNode usage(Usage u, int output) {
    int cached = Math.min(u.cachedInputTokens(), u.inputTokens());
    return JSON.createObjectNode().put("input_tokens", u.inputTokens() - cached)
        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", cached)
        .put("output_tokens", output);
  }
}
