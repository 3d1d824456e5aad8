package dev.aigateway.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.conformance.Wire;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Transcripts in OpenAI's documented wire format, and helpers to serve and read them. */
public final class OpenAiFixtures {
  static final String KEY = "sk-proj-TESTKEY0123456789abcdefghijklmnop";

  private OpenAiFixtures() {}

  static OpenAiProvider.Builder provider(MockWebServer server) {
    return OpenAiProvider.builder()
        .baseUrl(server.url("/v1").toString())
        .apiKey(Secret.of(KEY));
  }

  static MockResponse json(int status, String body) {
    return Wire.json(status, body);
  }

  /** An SSE response whose events are the given data payloads, LF line endings. */
  static MockResponse sse(String... data) {
    return Wire.sse(Wire.dataEvents(data));
  }

  /** See {@link Wire#heldOpen}: an SSE reply that sends {@code firstEvents} and stays open. */
  static MockResponse heldOpenStream(
      String firstEvents, CountDownLatch sent, CountDownLatch clientClosed) {
    return Wire.heldOpen("text/event-stream", firstEvents, sent, clientClosed);
  }

  /** See {@link Wire#heldOpen}. */
  static MockResponse heldOpen(
      String contentType, String firstBytes, CountDownLatch sent, CountDownLatch clientClosed) {
    return Wire.heldOpen(contentType, firstBytes, sent, clientClosed);
  }

  static String events(String... data) {
    return Wire.join(Wire.dataEvents(data));
  }

  static JsonNode body(RecordedRequest request) {
    return Wire.body(request);
  }

  static JsonNode tree(String json) {
    return Wire.tree(json);
  }

  public static final String TEXT_RESPONSE = """
      {"id":"chatcmpl-123","object":"chat.completion","created":1741569952,
       "model":"gpt-4o-2024-08-06",
       "choices":[{"index":0,"message":{"role":"assistant","content":"Hello there!",
         "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
       "usage":{"prompt_tokens":19,"completion_tokens":10,"total_tokens":29,
         "prompt_tokens_details":{"cached_tokens":4,"audio_tokens":0},
         "completion_tokens_details":{"reasoning_tokens":2,"audio_tokens":0,
           "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
       "service_tier":"default","system_fingerprint":"fp_1"}""";

  static final String TOOL_CALLS_RESPONSE = """
      {"id":"chatcmpl-456","object":"chat.completion","created":1,"model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
         {"id":"call_a","type":"function","function":{"name":"get_weather",
           "arguments":"{\\"location\\":\\"Paris\\"}"}},
         {"id":"call_b","type":"function","function":{"name":"get_time",
           "arguments":"{\\"tz\\":\\"CET\\"}"}}]},
         "finish_reason":"tool_calls"}],
       "usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120}}""";

  /**
   * The two calls of {@link #TOOL_CALLS_RESPONSE}, but with {@code finish_reason: stop}, as some
   * compatible servers (and OpenAI with a forced tool choice) send them.
   */
  static final String TOOL_CALLS_WITH_STOP_RESPONSE = """
      {"id":"chatcmpl-457","object":"chat.completion","created":1,"model":"gpt-4o",
       "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
         {"id":"call_a","type":"function","function":{"name":"get_weather",
           "arguments":"{\\"location\\":\\"Paris\\"}"}},
         {"id":"call_b","type":"function","function":{"name":"get_time",
           "arguments":"{\\"tz\\":\\"CET\\"}"}}]},
         "finish_reason":"stop"}],
       "usage":{"prompt_tokens":80,"completion_tokens":40,"total_tokens":120}}""";

  /** A streamed answer "Hello world" with usage, as OpenAI sends it with include_usage. */
  public static final String[] TEXT_STREAM = {
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" world\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}],\"usage\":null}",
      "{\"id\":\"chatcmpl-9\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11,\"prompt_tokens_details\":{\"cached_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
      "[DONE]"};

  /** Two parallel tool calls whose argument JSON is split across chunks, interleaved. */
  static final String[] TOOL_STREAM = {
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":\"call_a\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"loc\"}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\",\"type\":\"function\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{\\\"tz\\\":\"}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"ation\\\":\\\"Paris\\\"}\"}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":{\"arguments\":\"\\\"CET\\\"}\"}}]},\"finish_reason\":null}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}",
      "{\"id\":\"c-7\",\"model\":\"gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":50,\"completion_tokens\":30,\"total_tokens\":80}}",
      "[DONE]"};
}
