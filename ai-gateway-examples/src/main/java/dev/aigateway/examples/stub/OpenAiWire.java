package dev.aigateway.examples.stub;

import static dev.aigateway.examples.stub.StubVendor.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;

/** The stub's replies in OpenAI's Chat Completions format. */
final class OpenAiWire {
  private OpenAiWire() {}

  static String message(StubVendor.Reply r) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-stub-" + r.number());
    body.put("object", "chat.completion");
    body.put("created", System.currentTimeMillis() / 1000);
    body.put("model", r.model());
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    choice.putObject("message").put("role", "assistant")
        .put("content", String.join("", r.pieces()));
    choice.put("finish_reason", "stop");
    body.set("usage", usage(r));
    return JSON.writeValueAsString(body);
  }

  /** One chunk per word, then the finish reason, then usage, then {@code [DONE]}. */
  static void stream(StubVendor stub, OutputStream body, StubVendor.Reply r) throws IOException {
    String id = "chatcmpl-stub-" + r.number();
    try (OutputStream out = body) {
      StubVendor.event(out, null, chunk(id, r.model(),
          JSON.createObjectNode().put("role", "assistant").put("content", ""), null));
      for (String piece : r.pieces()) {
        stub.pause();
        StubVendor.event(out, null,
            chunk(id, r.model(), JSON.createObjectNode().put("content", piece), null));
      }
      if (r.cut()) {
        return; // the body ends here: no finish reason, no terminal event
      }
      StubVendor.event(out, null, chunk(id, r.model(), JSON.createObjectNode(), "stop"));
      ObjectNode last = JSON.createObjectNode();
      last.put("id", id).put("object", "chat.completion.chunk").put("model", r.model());
      last.putArray("choices");
      last.set("usage", usage(r));
      StubVendor.event(out, null, JSON.writeValueAsString(last));
      StubVendor.event(out, null, "[DONE]");
    }
  }

  /** OpenAI's error body for {@code status}: {@code {"error":{message,type,param,code}}}. */
  static String error(int status) throws IOException {
    String type;
    String code = null;
    String message;
    switch (status) {
      case 401 -> {
        type = "invalid_request_error";
        code = "invalid_api_key";
        message = "Incorrect API key provided.";
      }
      case 404 -> {
        type = "invalid_request_error";
        code = "model_not_found";
        message = "The model does not exist or you do not have access to it.";
      }
      case 429 -> {
        type = "requests";
        code = "rate_limit_exceeded";
        message = "Rate limit reached for requests.";
      }
      case 503 -> {
        type = "server_error";
        message = "The server is overloaded or not ready yet.";
      }
      default -> {
        type = status >= 500 ? "server_error" : "invalid_request_error";
        message = status >= 500
            ? "The server had an error while processing your request. Sorry about that!"
            : "The request was rejected (stub failure, HTTP " + status + ").";
      }
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message).put("type", type).putNull("param");
    if (code == null) {
      error.putNull("code");
    } else {
      error.put("code", code);
    }
    return JSON.writeValueAsString(body);
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

  private static ObjectNode usage(StubVendor.Reply r) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", r.inputTokens());
    u.put("completion_tokens", r.pieces().size());
    u.put("total_tokens", r.inputTokens() + r.pieces().size());
    return u;
  }
}
