package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.conformance.Wire;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/**
 * Transcripts in Anthropic's documented Messages wire format
 * (https://docs.claude.com/en/api/messages, .../build-with-claude/streaming, .../api/errors), and
 * helpers to serve and read them.
 */
final class AnthropicFixtures {
  static final String KEY = "sk-ant-api03-TESTKEY0123456789abcdefghijklmnop";
  static final String MODEL = "claude-sonnet-4-5-20250929";

  private AnthropicFixtures() {}

  /** A provider on {@code server}'s root, so requests go to {@code /v1/messages}. */
  static AnthropicProvider.Builder provider(MockWebServer server) {
    return AnthropicProvider.builder()
        .baseUrl(server.url("/").toString())
        .apiKey(Secret.of(KEY));
  }

  static MockResponse json(int status, String body) {
    return Wire.json(status, body);
  }

  /** An SSE reply of complete named events, such as {@link #event}s. */
  static MockResponse sse(List<String> events) {
    return Wire.sse(events);
  }

  /** A named event as Anthropic sends it: {@code event: <type>} then its data line. */
  static String event(String type, String data) {
    return "event: " + type + "\ndata: " + data;
  }

  static JsonNode body(RecordedRequest request) {
    return Wire.body(request);
  }

  static JsonNode tree(String json) {
    return Wire.tree(json);
  }

  /** An error body in Anthropic's shape. */
  static String errorBody(String type, String message) {
    return "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"" + message
        + "\"},\"request_id\":\"req_011CTEST\"}";
  }

  /** "Hello there!", end_turn; usage 12 + 4 read + 3 written from the cache in, 10 out. */
  static final String TEXT_RESPONSE = """
      {"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant",
       "model":"claude-sonnet-4-5-20250929",
       "content":[{"type":"text","text":"Hello there!"}],
       "stop_reason":"end_turn","stop_sequence":null,
       "usage":{"input_tokens":12,"cache_creation_input_tokens":3,"cache_read_input_tokens":4,
                "output_tokens":10}}""";

  /** Text then two parallel tool_use blocks. */
  static final String TOOL_CALLS_RESPONSE = """
      {"id":"msg_02","type":"message","role":"assistant","model":"claude-sonnet-4-5-20250929",
       "content":[
         {"type":"text","text":"Let me check both."},
         {"type":"tool_use","id":"toolu_01A","name":"get_weather","input":{"location":"Paris"}},
         {"type":"tool_use","id":"toolu_01B","name":"get_time","input":{"tz":"CET"}}],
       "stop_reason":"tool_use","stop_sequence":null,
       "usage":{"input_tokens":400,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                "output_tokens":90}}""";

  /**
   * "Hello", " world", end_turn, with a ping; message_start has 9 + 2 cached input and an initial
   * output count of 1, message_delta the cumulative output count 2.
   */
  static final List<String> TEXT_STREAM = List.of(
      event("message_start", """
          {"type":"message_start","message":{"id":"msg_03","type":"message","role":"assistant",\
          "content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,\
          "stop_sequence":null,"usage":{"input_tokens":9,"cache_creation_input_tokens":0,\
          "cache_read_input_tokens":2,"output_tokens":1}}}"""),
      event("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
              + "\"text\":\"\"}}"),
      event("ping", "{\"type\": \"ping\"}"),
      event("content_block_delta",
          "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
              + "\"text\":\"Hello\"}}"),
      event("content_block_delta",
          "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
              + "\"text\":\" world\"}}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
      event("message_delta",
          "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
              + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":2}}"),
      event("message_stop", "{\"type\":\"message_stop\"}"));

  /**
   * A text block, then get_weather (block 1) and get_time (block 2), each with its input JSON
   * split mid-token across input_json_delta events, the first of them empty as Anthropic sends.
   */
  static final List<String> TOOL_STREAM = List.of(
      event("message_start", """
          {"type":"message_start","message":{"id":"msg_04","type":"message","role":"assistant",\
          "content":[],"model":"claude-sonnet-4-5-20250929","stop_reason":null,\
          "stop_sequence":null,"usage":{"input_tokens":50,"cache_creation_input_tokens":0,\
          "cache_read_input_tokens":0,"output_tokens":1}}}"""),
      event("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\","
              + "\"text\":\"\"}}"),
      event("content_block_delta",
          "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\","
              + "\"text\":\"Checking.\"}}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
      event("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":{\"type\":\"tool_use\","
              + "\"id\":\"toolu_01A\",\"name\":\"get_weather\",\"input\":{}}}"),
      inputJson(1, ""),
      inputJson(1, "{\\\"loc"),
      inputJson(1, "ation\\\": \\\"Par"),
      inputJson(1, "is\\\"}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
      event("content_block_start",
          "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":{\"type\":\"tool_use\","
              + "\"id\":\"toolu_01B\",\"name\":\"get_time\",\"input\":{}}}"),
      inputJson(2, "{\\\"t"),
      inputJson(2, "z\\\":\\\"CE"),
      inputJson(2, "T\\\"}"),
      event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
      event("message_delta",
          "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"tool_use\","
              + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}"),
      event("message_stop", "{\"type\":\"message_stop\"}"));

  /** An input_json_delta for block {@code index}; {@code escapedJson} is already JSON-escaped. */
  static String inputJson(int index, String escapedJson) {
    return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"input_json_delta\",\"partial_json\":\"" + escapedJson + "\"}}");
  }

  /** A text_delta for block {@code index}. */
  static String textDelta(int index, String text) {
    return event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":" + index
        + ",\"delta\":{\"type\":\"text_delta\",\"text\":\"" + text + "\"}}");
  }
}
