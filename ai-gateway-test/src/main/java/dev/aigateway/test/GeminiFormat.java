package dev.aigateway.test;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Google's Gemini API: a {@code GenerateContentResponse}, or ({@code alt=sse}) one per event,
 * each with a part of the answer and the usage so far, the last with the {@code finishReason}.
 * Gemini has no terminal event, sends each function call whole, and ends its lines with CRLF.
 */
final class GeminiFormat extends Format {

  @Override
  String answer(Answer a) {
    ObjectNode body = JSON.createObjectNode();
    ObjectNode candidate = body.putArray("candidates").addObject();
    ArrayNode parts = content(candidate);
    thought(parts, a);
    if (!a.text().isEmpty() || a.toolCalls().isEmpty()) {
      parts.addObject().put("text", a.text());
    }
    for (int i = 0; i < a.toolCalls().size(); i++) {
      functionCall(parts, a.toolCalls().get(i));
      signCall(parts, a, i);
    }
    candidate.put("finishReason", finish(a.finishReason()));
    candidate.put("index", 0);
    body.set("usageMetadata", usage(a.usage(), true));
    tail(body, a);
    return write(body);
  }

  @Override
  StreamPlan stream(Answer a, boolean complete) {
    List<ObjectNode> events = new ArrayList<>();
    boolean thought = !a.reasoning().isEmpty();
    if (thought) {
      ObjectNode body = JSON.createObjectNode();
      thought(content(body.putArray("candidates").addObject()), a);
      events.add(body);
    }
    for (String piece : a.pieces()) {
      ObjectNode body = JSON.createObjectNode();
      content(body.putArray("candidates").addObject()).addObject().put("text", piece);
      events.add(body);
    }
    for (int i = 0; i < a.toolCalls().size(); i++) {
      ObjectNode body = JSON.createObjectNode();
      ArrayNode parts = content(body.putArray("candidates").addObject());
      functionCall(parts, a.toolCalls().get(i));
      signCall(parts, a, i);
      events.add(body);
    }
    List<SseEvent> ending = new ArrayList<>();
    if (complete && events.isEmpty()) {
      ObjectNode body = JSON.createObjectNode();
      content(body.putArray("candidates").addObject()).addObject().put("text", "");
      events.add(body);
    }
    List<List<SseEvent>> chunks = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      ObjectNode body = events.get(i);
      ObjectNode candidate = (ObjectNode) body.path("candidates").get(0);
      boolean last = complete && i == events.size() - 1;
      if (last) {
        candidate.put("finishReason", finish(a.finishReason()));
      }
      candidate.put("index", 0);
      body.set("usageMetadata", usage(a.usage(), last));
      tail(body, a);
      SseEvent event = new SseEvent(null, write(body));
      if (i < (thought ? 1 : 0) + a.pieces().size() + a.toolCalls().size()) {
        chunks.add(List.of(event));
      } else {
        ending.add(event); // the finish of an empty answer is no chunk
      }
    }
    return new StreamPlan(List.of(), chunks, ending);
  }

  @Override
  int overloadedStatus() {
    return 503;
  }

  @Override
  String errorBody(int status, @Nullable String code, @Nullable String message,
      @Nullable Duration retryAfter) {
    String name = code != null ? code : switch (status) {
      case 400 -> "INVALID_ARGUMENT";
      case 401 -> "UNAUTHENTICATED";
      case 403 -> "PERMISSION_DENIED";
      case 404 -> "NOT_FOUND";
      case 409 -> "ABORTED";
      case 429 -> "RESOURCE_EXHAUSTED";
      case 499 -> "CANCELLED";
      case 501 -> "UNIMPLEMENTED";
      case 503 -> "UNAVAILABLE";
      case 504 -> "DEADLINE_EXCEEDED";
      default -> status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION";
    };
    String usual = switch (name) {
      case "UNAVAILABLE" -> "The model is overloaded. Please try again later.";
      case "RESOURCE_EXHAUSTED" -> "You exceeded your current quota, please check your plan"
          + " and billing details.";
      case "UNAUTHENTICATED" -> "Request had invalid authentication credentials.";
      case "PERMISSION_DENIED" -> "The caller does not have permission";
      case "INTERNAL" -> "An internal error has occurred. Please retry or report in"
          + " https://developers.generativeai.google/guide/troubleshooting";
      default -> "The request failed (FakeVendor, HTTP " + status + ").";
    };
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("code", status).put("message", message != null ? message : usual)
        .put("status", name);
    if (retryAfter != null) {
      String seconds = BigDecimal.valueOf(retryAfter.toMillis(), 3).stripTrailingZeros()
          .toPlainString();
      error.putArray("details").addObject()
          .put("@type", "type.googleapis.com/google.rpc.RetryInfo")
          .put("retryDelay", seconds + "s");
    }
    return write(body);
  }

  @Override
  void retryAfterHeaders(Duration delay, Map<String, String> headers) {
    // Google gives the delay in the body's RetryInfo, not in a header.
  }

  @Override
  SseEvent errorEvent() {
    return new SseEvent(null, errorBody(503, null, null, null));
  }

  @Override
  SseEvent malformedEvent() {
    return new SseEvent(null, "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":");
  }

  @Override
  String lineEnd() {
    return "\r\n";
  }

  private static ArrayNode content(ObjectNode candidate) {
    ObjectNode content = candidate.putObject("content");
    ArrayNode parts = content.putArray("parts");
    content.put("role", "model");
    return parts;
  }

  /** The answer's reasoning as a thought part, signed when no function call carries it. */
  private static void thought(ArrayNode parts, Answer a) {
    if (a.reasoning().isEmpty()) {
      return;
    }
    ObjectNode part = parts.addObject().put("text", a.reasoning()).put("thought", true);
    if (a.toolCalls().isEmpty()) {
      part.put("thoughtSignature", a.signature());
    }
  }

  /** The first function call of a reasoning answer carries its signature, as Gemini 3 does. */
  private static void signCall(ArrayNode parts, Answer a, int call) {
    if (call == 0 && !a.reasoning().isEmpty()) {
      ((ObjectNode) parts.get(parts.size() - 1)).put("thoughtSignature", a.signature());
    }
  }

  private static void functionCall(ArrayNode parts, Answer.Call c) {
    ObjectNode call = parts.addObject().putObject("functionCall");
    if (c.id() != null) {
      call.put("id", c.id());
    }
    call.put("name", c.name());
    call.set("args", parse(c.arguments()));
  }

  private static void tail(ObjectNode body, Answer a) {
    body.put("modelVersion", a.model());
    body.put("responseId", "fake-" + a.number());
  }

  private static String finish(FinishReason reason) {
    return switch (reason) {
      case STOP, TOOL_CALLS -> "STOP"; // Gemini says STOP after function calls too
      case LENGTH -> "MAX_TOKENS";
      case CONTENT_FILTER -> "SAFETY";
      case OTHER -> "OTHER";
    };
  }

  /**
   * Usage in Gemini's terms: {@code candidatesTokenCount} excludes the reasoning, which goes in
   * {@code thoughtsTokenCount}. Before the last event only the prompt is counted, as Gemini does.
   */
  private static ObjectNode usage(Usage u, boolean last) {
    ObjectNode n = JSON.createObjectNode();
    n.put("promptTokenCount", u.inputTokens());
    if (last) {
      int thoughts = Math.min(u.reasoningTokens(), u.outputTokens());
      n.put("candidatesTokenCount", u.outputTokens() - thoughts);
      n.put("totalTokenCount", u.totalTokens());
      if (u.cachedInputTokens() > 0) {
        n.put("cachedContentTokenCount", u.cachedInputTokens());
      }
      if (thoughts > 0) {
        n.put("thoughtsTokenCount", thoughts);
      }
    } else {
      n.put("totalTokenCount", u.inputTokens());
    }
    return n;
  }
}
