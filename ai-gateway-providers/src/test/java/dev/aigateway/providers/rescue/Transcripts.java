package dev.aigateway.providers.rescue;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The answers the rescue tests stream, in each vendor's documented wire format: OpenAI
 * {@code chat.completion.chunk} events ({@code data:} lines) and Anthropic Messages events
 * ({@code event:} and {@code data:} lines). Each event is complete without its closing blank
 * line, as {@link dev.aigateway.providers.conformance.Wire#join} expects.
 *
 * <p>The answer is sixty tokens, {@code "w0 w1 ... w59"}. OpenAI streams it as {@code "w0 "},
 * {@code "w1 "}, ..., {@code "w59"}; a vendor continuing it after a prefill streams
 * {@code " w40"}, {@code " w41"}, ..., as a model continuing {@code "... w39"} would.
 */
final class Transcripts {
  static final String GPT = "gpt-4o-mini";
  static final String CLAUDE = "claude-sonnet-4-5-20250929";
  static final String PROMPT = "tell me sixty words";
  static final int TOKENS = 60;

  private Transcripts() {}

  /** Token {@code i} of the answer as OpenAI streams it from the start. */
  static String token(int i) {
    return i == TOKENS - 1 ? "w" + i : "w" + i + " ";
  }

  /** Tokens {@code from} (inclusive) to {@code to} (exclusive), joined. */
  static String tokens(int from, int to) {
    return IntStream.range(from, to).mapToObj(Transcripts::token).collect(Collectors.joining());
  }

  /** The whole sixty-token answer. */
  static String answer() {
    return tokens(0, TOKENS);
  }

  /** Tokens {@code from} to {@code to} as a vendor streams them continuing after a prefill. */
  static List<String> continuation(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> " w" + i).toList();
  }

  /** A JSON string literal of {@code text}, quotes included. */
  static String quote(String text) {
    return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(text)) + "\"";
  }

  // ---- OpenAI ----

  private static String openAi(String choices, String usage) {
    return "data: {\"id\":\"chatcmpl-rescue\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"" + GPT + "\",\"choices\":" + choices + ",\"usage\":" + usage + "}";
  }

  /** One text delta. */
  static String openAiText(String text) {
    return openAi("[{\"index\":0,\"delta\":{\"content\":" + quote(text)
        + "},\"logprobs\":null,\"finish_reason\":null}]", "null");
  }

  /** Tokens {@code from} to {@code to} of the answer, one event each, and nothing after them. */
  static List<String> openAiTokens(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> openAiText(token(i))).toList();
  }

  /** The chunk that carries the finish reason, with an empty delta. */
  static String openAiFinish(String reason) {
    return openAi("[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"" + reason
        + "\"}]", "null");
  }

  /** The usage chunk that {@code stream_options.include_usage} asks for: no choices. */
  static String openAiUsage(int prompt, int completion) {
    return openAi("[]", "{\"prompt_tokens\":" + prompt + ",\"completion_tokens\":" + completion
        + ",\"total_tokens\":" + (prompt + completion) + "}");
  }

  /** The first delta of a tool call: its id, its name and empty arguments. */
  static String openAiToolStart(String id, String name) {
    return openAi("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,"
        + "\"tool_calls\":[{\"index\":0,\"id\":\"" + id + "\",\"type\":\"function\","
        + "\"function\":{\"name\":\"" + name + "\",\"arguments\":\"\"}}]},"
        + "\"finish_reason\":null}]", "null");
  }

  /** A piece of the first tool call's arguments. */
  static String openAiToolArguments(String piece) {
    return openAi("[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
        + "{\"arguments\":" + quote(piece) + "}}]},\"finish_reason\":null}]", "null");
  }

  // ---- Anthropic ----

  private static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data;
  }

  private static String messageStart(int inputTokens) {
    return event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_rescue\","
        + "\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"" + CLAUDE
        + "\",\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":"
        + inputTokens + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,"
        + "\"output_tokens\":1}}}");
  }

  private static String blockStop(int index) {
    return event("content_block_stop",
        "{\"type\":\"content_block_stop\",\"index\":" + index + "}");
  }

  private static List<String> messageEnd(String stopReason, int outputTokens) {
    return List.of(
        event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\""
            + stopReason + "\",\"stop_sequence\":null},\"usage\":{\"output_tokens\":"
            + outputTokens + "}}"),
        event("message_stop", "{\"type\":\"message_stop\"}"));
  }

  /**
   * A whole text answer of {@code deltas}, {@code end_turn}, with a ping; usage
   * {@code inputTokens} in (none cached) and {@code outputTokens} out.
   */
  static List<String> anthropicText(List<String> deltas, int inputTokens, int outputTokens) {
    List<String> events = new ArrayList<>();
    events.add(messageStart(inputTokens));
    events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"text\",\"text\":\"\"}}"));
    events.add(event("ping", "{\"type\": \"ping\"}"));
    for (String d : deltas) {
      events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"text_delta\",\"text\":" + quote(d) + "}}"));
    }
    events.add(blockStop(0));
    events.addAll(messageEnd("end_turn", outputTokens));
    return events;
  }

  /** A whole answer that is one tool call, its input JSON streamed in {@code pieces}. */
  static List<String> anthropicToolUse(String id, String name, List<String> pieces,
      int inputTokens, int outputTokens) {
    List<String> events = new ArrayList<>();
    events.add(messageStart(inputTokens));
    events.add(event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,"
        + "\"content_block\":{\"type\":\"tool_use\",\"id\":\"" + id + "\",\"name\":\"" + name
        + "\",\"input\":{}}}"));
    for (String p : pieces) {
      events.add(event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,"
          + "\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":" + quote(p) + "}}"));
    }
    events.add(blockStop(0));
    events.addAll(messageEnd("tool_use", outputTokens));
    return events;
  }

  /** An Anthropic error body. */
  static String anthropicError(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":" + quote(message)
        + "},\"request_id\":\"req_011CRESCUE\"}";
  }
}
