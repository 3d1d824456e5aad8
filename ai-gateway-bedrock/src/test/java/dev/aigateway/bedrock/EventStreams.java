package dev.aigateway.bedrock;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.eventstream.HeaderValue;
import software.amazon.eventstream.Message;

/** Event stream messages encoded in the test with AWS's eventstream library. */
final class EventStreams {
  private EventStreams() {}

  /** An {@code event} message of {@code type} carrying {@code json}. */
  static byte[] event(String type, String json) {
    return event(type, json.getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code event} message of {@code type} carrying {@code payload}, UTF-8 or not. */
  static byte[] event(String type, byte[] payload) {
    Map<String, HeaderValue> h = new LinkedHashMap<>();
    h.put(":event-type", HeaderValue.fromString(type));
    h.put(":content-type", HeaderValue.fromString("application/json"));
    h.put(":message-type", HeaderValue.fromString("event"));
    return encode(h, payload);
  }

  /** An {@code exception} message of {@code type} with {@code {"message": message}}. */
  static byte[] exception(String type, String message) {
    return exception(type,
        ("{\"message\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8));
  }

  /** An {@code exception} message of {@code type} carrying {@code payload}. */
  static byte[] exception(String type, byte[] payload) {
    Map<String, HeaderValue> h = new LinkedHashMap<>();
    h.put(":exception-type", HeaderValue.fromString(type));
    h.put(":content-type", HeaderValue.fromString("application/json"));
    h.put(":message-type", HeaderValue.fromString("exception"));
    return encode(h, payload);
  }

  /** An {@code error} message. */
  static byte[] error(String code, String message) {
    Map<String, HeaderValue> h = new LinkedHashMap<>();
    h.put(":error-code", HeaderValue.fromString(code));
    h.put(":error-message", HeaderValue.fromString(message));
    h.put(":message-type", HeaderValue.fromString("error"));
    return encode(h, new byte[0]);
  }

  static byte[] encode(Map<String, HeaderValue> headers, byte[] payload) {
    ByteBuffer b = new Message(headers, payload).toByteBuffer();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  /** A text answer "Hello world" in two deltas, end_turn, with usage including the cache. */
  static byte[] textStream() {
    return concat(
        event("messageStart", "{\"role\":\"assistant\",\"p\":\"abcd\"}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Hello\"}}"),
        event("contentBlockDelta", "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" world\"}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("messageStop", "{\"stopReason\":\"end_turn\"}"),
        event("metadata", "{\"usage\":{\"inputTokens\":10,\"outputTokens\":5,"
            + "\"totalTokens\":45,\"cacheReadInputTokens\":20,\"cacheWriteInputTokens\":10},"
            + "\"metrics\":{\"latencyMs\":120}}"));
  }

  /** Text, then a call of get_weather whose input arrives in three pieces; tool_use. */
  static byte[] toolStream() {
    return concat(
        event("messageStart", "{\"role\":\"assistant\"}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"Let me look.\"}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":0}"),
        event("contentBlockStart", "{\"contentBlockIndex\":1,\"start\":{\"toolUse\":"
            + "{\"toolUseId\":\"tooluse_1\",\"name\":\"get_weather\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"{\\\"loca\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"tion\\\":\\\"Pa\"}}}"),
        event("contentBlockDelta",
            "{\"contentBlockIndex\":1,\"delta\":{\"toolUse\":{\"input\":\"ris\\\"}\"}}}"),
        event("contentBlockStop", "{\"contentBlockIndex\":1}"),
        event("messageStop", "{\"stopReason\":\"tool_use\"}"),
        event("metadata", "{\"usage\":{\"inputTokens\":30,\"outputTokens\":12,"
            + "\"totalTokens\":42}}"));
  }
}
