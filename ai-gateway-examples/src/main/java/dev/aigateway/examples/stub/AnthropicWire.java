package dev.aigateway.examples.stub;

import static dev.aigateway.examples.stub.StubVendor.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;

/** The stub's replies in Anthropic's Messages format. */
final class AnthropicWire {
  private AnthropicWire() {}

  static String message(StubVendor.Reply r) throws IOException {
    ObjectNode body = envelope(r);
    body.putArray("content").addObject().put("type", "text")
        .put("text", String.join("", r.pieces()));
    body.put("stop_reason", "end_turn");
    body.set("usage", usage(r.inputTokens(), r.pieces().size()));
    return JSON.writeValueAsString(body);
  }

  /**
   * {@code message_start}, one text block with a delta per word, {@code message_delta} with the
   * stop reason and the output count, {@code message_stop}; a {@code ping} after the start.
   */
  static void stream(StubVendor stub, OutputStream body, StubVendor.Reply r) throws IOException {
    try (OutputStream out = body) {
      ObjectNode message = envelope(r);
      message.putArray("content");
      message.putNull("stop_reason");
      message.set("usage", usage(r.inputTokens(), 1));
      ObjectNode start = JSON.createObjectNode().put("type", "message_start");
      start.set("message", message);
      StubVendor.event(out, "message_start", JSON.writeValueAsString(start));
      StubVendor.event(out, "content_block_start", "{\"type\":\"content_block_start\","
          + "\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}");
      StubVendor.event(out, "ping", "{\"type\":\"ping\"}");
      for (String piece : r.pieces()) {
        stub.pause();
        ObjectNode delta = JSON.createObjectNode().put("type", "content_block_delta")
            .put("index", 0);
        delta.putObject("delta").put("type", "text_delta").put("text", piece);
        StubVendor.event(out, "content_block_delta", JSON.writeValueAsString(delta));
      }
      if (r.cut()) {
        return; // the body ends here: no finish reason, no terminal event
      }
      StubVendor.event(out, "content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}");
      StubVendor.event(out, "message_delta", "{\"type\":\"message_delta\",\"delta\":"
          + "{\"stop_reason\":\"end_turn\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
          + r.pieces().size() + "}}");
      StubVendor.event(out, "message_stop", "{\"type\":\"message_stop\"}");
    }
  }

  /** Anthropic's error body for {@code status}: {@code {"type":"error","error":{type,message}}}. */
  static String error(int status) throws IOException {
    String type = switch (status) {
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
    String message = switch (type) {
      case "overloaded_error" -> "Overloaded";
      case "rate_limit_error" -> "Number of requests has exceeded your rate limit.";
      case "authentication_error" -> "invalid x-api-key";
      case "api_error" -> "Internal server error";
      default -> "The request was rejected (stub failure, HTTP " + status + ").";
    };
    ObjectNode body = JSON.createObjectNode().put("type", "error");
    body.putObject("error").put("type", type).put("message", message);
    return JSON.writeValueAsString(body);
  }

  private static ObjectNode envelope(StubVendor.Reply r) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "msg_stub_" + r.number());
    body.put("type", "message");
    body.put("role", "assistant");
    body.put("model", r.model());
    body.putNull("stop_sequence");
    return body;
  }

  private static ObjectNode usage(int input, int output) {
    return JSON.createObjectNode().put("input_tokens", input)
        .put("cache_creation_input_tokens", 0).put("cache_read_input_tokens", 0)
        .put("output_tokens", output);
  }
}
