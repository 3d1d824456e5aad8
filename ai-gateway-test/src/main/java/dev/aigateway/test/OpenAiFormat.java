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
 * OpenAI's Chat Completions (also Azure's): a {@code chat.completion}, or a stream of
 * {@code chat.completion.chunk} events ending in {@code [DONE]}, with the usage chunk only when
 * the request asked for it ({@code stream_options.include_usage}), as OpenAI does.
 */
final class OpenAiFormat extends Format {

  @Override
  String answer(Answer a) {
    ObjectNode body = envelope(a, "chat.completion");
    ObjectNode choice = body.putArray("choices").addObject();
    choice.put("index", 0);
    ObjectNode message = choice.putObject("message");
    message.put("role", "assistant");
    if (a.text().isEmpty() && !a.toolCalls().isEmpty()) {
      message.putNull("content");
    } else {
      message.put("content", a.text());
    }
    message.putNull("refusal");
    if (!a.reasoning().isEmpty()) {
      message.put("reasoning_content", a.reasoning());
    }
    if (!a.toolCalls().isEmpty()) {
      ArrayNode calls = message.putArray("tool_calls");
      for (Answer.Call c : a.toolCalls()) {
        ObjectNode call = calls.addObject();
        call.put("id", c.id()).put("type", "function");
        call.putObject("function").put("name", c.name()).put("arguments", c.arguments());
      }
    }
    choice.putNull("logprobs");
    choice.put("finish_reason", finish(a.finishReason()));
    body.set("usage", usage(a.usage()));
    return write(body);
  }

  @Override
  StreamPlan stream(Answer a, boolean complete) {
    ObjectNode role = JSON.createObjectNode().put("role", "assistant").put("content", "");
    List<SseEvent> prelude = List.of(chunk(a, role, null));
    List<List<SseEvent>> chunks = new ArrayList<>();
    if (!a.reasoning().isEmpty()) {
      chunks.add(List.of(chunk(a,
          JSON.createObjectNode().put("reasoning_content", a.reasoning()), null)));
    }
    for (String piece : a.pieces()) {
      chunks.add(List.of(chunk(a, JSON.createObjectNode().put("content", piece), null)));
    }
    for (int i = 0; i < a.toolCalls().size(); i++) {
      Answer.Call c = a.toolCalls().get(i);
      for (int j = 0; j < c.argumentPieces().size(); j++) {
        ObjectNode delta = JSON.createObjectNode();
        ObjectNode call = delta.putArray("tool_calls").addObject().put("index", i);
        ObjectNode function;
        if (j == 0) {
          call.put("id", c.id()).put("type", "function");
          function = call.putObject("function").put("name", c.name());
        } else {
          function = call.putObject("function");
        }
        function.put("arguments", c.argumentPieces().get(j));
        chunks.add(List.of(chunk(a, delta, null)));
      }
    }
    List<SseEvent> ending = new ArrayList<>();
    ending.add(chunk(a, JSON.createObjectNode(), finish(a.finishReason())));
    if (a.includeStreamUsage()) {
      ObjectNode last = header(a);
      last.putArray("choices");
      last.set("usage", usage(a.usage()));
      ending.add(new SseEvent(null, write(last)));
    }
    ending.add(new SseEvent(null, "[DONE]"));
    return new StreamPlan(prelude, chunks, ending);
  }

  @Override
  int overloadedStatus() {
    return 503;
  }

  @Override
  String errorBody(int status, @Nullable String code, @Nullable String message,
      @Nullable Duration retryAfter) {
    String type;
    String usualCode = null;
    String usualMessage;
    switch (status) {
      case 400 -> {
        type = "invalid_request_error";
        usualMessage = "The request was invalid (FakeVendor, HTTP 400).";
      }
      case 401 -> {
        type = "invalid_request_error";
        usualCode = "invalid_api_key";
        usualMessage = "Incorrect API key provided. You can find your API key at"
            + " https://platform.openai.com/account/api-keys.";
      }
      case 403 -> {
        type = "invalid_request_error";
        usualCode = "unsupported_country_region_territory";
        usualMessage = "Country, region, or territory not supported";
      }
      case 404 -> {
        type = "invalid_request_error";
        usualCode = "model_not_found";
        usualMessage = "The model does not exist or you do not have access to it.";
      }
      case 429 -> {
        type = "insufficient_quota".equals(code) ? "insufficient_quota" : "requests";
        usualCode = "rate_limit_exceeded";
        usualMessage = "insufficient_quota".equals(code)
            ? "You exceeded your current quota, please check your plan and billing details."
            : "Rate limit reached for requests. Please try again later.";
      }
      case 503 -> {
        type = "server_error";
        usualMessage = "The server is overloaded or not ready yet.";
      }
      default -> {
        type = status >= 500 ? "server_error" : "invalid_request_error";
        usualMessage = status >= 500
            ? "The server had an error while processing your request. Sorry about that!"
            : "The request was rejected (FakeVendor, HTTP " + status + ").";
      }
    }
    ObjectNode body = JSON.createObjectNode();
    ObjectNode error = body.putObject("error");
    error.put("message", message != null ? message : usualMessage).put("type", type)
        .putNull("param");
    String c = code != null ? code : usualCode;
    if (c == null) {
      error.putNull("code");
    } else {
      error.put("code", c);
    }
    return write(body);
  }

  @Override
  void retryAfterHeaders(Duration delay, Map<String, String> headers) {
    headers.put("retry-after", seconds(delay));
    headers.put("retry-after-ms", Long.toString(delay.toMillis()));
  }

  @Override
  SseEvent errorEvent() {
    return new SseEvent(null, errorBody(503, null, null, null));
  }

  @Override
  SseEvent malformedEvent() {
    return new SseEvent(null, "{\"id\":\"chatcmpl-broken\",\"object\":\"chat.completion.chunk\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"content\":");
  }

  private static String finish(FinishReason reason) {
    return switch (reason) {
      case STOP -> "stop";
      case LENGTH -> "length";
      case TOOL_CALLS -> "tool_calls";
      case CONTENT_FILTER -> "content_filter";
      case OTHER -> "other"; // OpenAI has no such reason; an unknown one reads as OTHER
    };
  }

  private static ObjectNode header(Answer a) {
    ObjectNode c = JSON.createObjectNode();
    c.put("id", "chatcmpl-fake-" + a.number()).put("object", "chat.completion.chunk")
        .put("created", System.currentTimeMillis() / 1000).put("model", a.model());
    return c;
  }

  private static ObjectNode envelope(Answer a, String object) {
    ObjectNode body = JSON.createObjectNode();
    body.put("id", "chatcmpl-fake-" + a.number()).put("object", object)
        .put("created", System.currentTimeMillis() / 1000).put("model", a.model());
    return body;
  }

  private static SseEvent chunk(Answer a, ObjectNode delta, @Nullable String finish) {
    ObjectNode c = header(a);
    ObjectNode choice = c.putArray("choices").addObject();
    choice.put("index", 0);
    choice.set("delta", delta);
    choice.putNull("logprobs");
    if (finish == null) {
      choice.putNull("finish_reason");
    } else {
      choice.put("finish_reason", finish);
    }
    if (a.includeStreamUsage()) {
      c.putNull("usage");
    }
    return new SseEvent(null, write(c));
  }

  private static ObjectNode usage(Usage u) {
    ObjectNode n = JSON.createObjectNode();
    n.put("prompt_tokens", u.inputTokens()).put("completion_tokens", u.outputTokens())
        .put("total_tokens", u.totalTokens());
    n.putObject("prompt_tokens_details").put("cached_tokens", u.cachedInputTokens());
    n.putObject("completion_tokens_details").put("reasoning_tokens", u.reasoningTokens());
    return n;
  }
}
