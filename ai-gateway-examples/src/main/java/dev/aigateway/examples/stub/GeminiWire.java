package dev.aigateway.examples.stub;

import static dev.aigateway.examples.stub.StubVendor.JSON;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** The stub's replies in Gemini's generateContent format. */
final class GeminiWire {
  private GeminiWire() {}

  static String message(StubVendor.Reply r) throws IOException {
    return JSON.writeValueAsString(response(r, String.join("", r.pieces()), true,
        r.pieces().size()));
  }

  /**
   * One response per word, each with the usage so far; the last carries {@code finishReason}.
   * Events end with CRLF pairs, as Google's servers send them.
   */
  static void stream(StubVendor stub, OutputStream body, StubVendor.Reply r) throws IOException {
    try (OutputStream out = body) {
      for (int i = 0; i < r.pieces().size(); i++) {
        if (i > 0) {
          stub.pause();
        }
        boolean last = i == r.pieces().size() - 1 && !r.cut(); // a cut stream has no finish
        String data = JSON.writeValueAsString(response(r, r.pieces().get(i), last, i + 1));
        out.write(("data: " + data + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
  }

  /** Google's error body for {@code status}: {@code {"error":{code,message,status}}}. */
  static String error(int status) throws IOException {
    String name = switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
    String message = switch (status) {
      case 503 -> "The model is overloaded. Please try again later.";
      case 429 -> "Resource has been exhausted (e.g. check quota).";
      default -> "The request failed (stub failure, HTTP " + status + ").";
    };
    ObjectNode body = JSON.createObjectNode();
    body.putObject("error").put("code", status).put("message", message).put("status", name);
    return JSON.writeValueAsString(body);
  }

  private static ObjectNode response(StubVendor.Reply r, String text, boolean last, int output) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode candidate = body.putArray("candidates").addObject();
    ObjectNode content = candidate.putObject("content");
    content.putArray("parts").addObject().put("text", text);
    content.put("role", "model");
    if (last) {
      candidate.put("finishReason", "STOP");
    }
    candidate.put("index", 0);
    body.putObject("usageMetadata").put("promptTokenCount", r.inputTokens())
        .put("candidatesTokenCount", output).put("totalTokenCount", r.inputTokens() + output);
    body.put("modelVersion", r.model());
    body.put("responseId", "stub-" + r.number());
    return body;
  }
}
