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
      StubVendor.event(out, null, chunk(id, r.model(), JSON.createObjectNode(), "stop"));
      ObjectNode last = JSON.createObjectNode();
      last.put("id", id).put("object", "chat.completion.chunk").put("model", r.model());
      last.putArray("choices");
      last.set("usage", usage(r));
      StubVendor.event(out, null, JSON.writeValueAsString(last));
      StubVendor.event(out, null, "[DONE]");
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

  private static ObjectNode usage(StubVendor.Reply r) {
    ObjectNode u = JSON.createObjectNode();
    u.put("prompt_tokens", r.inputTokens());
    u.put("completion_tokens", r.pieces().size());
    u.put("total_tokens", r.inputTokens() + r.pieces().size());
    return u;
  }
}
