package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.aigateway.api.Secret;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.internal.Json;
import mockwebserver3.MockWebServer;

/**
 * Transcripts in Gemini's documented wire format ({@code GenerateContentResponse} and Google's
 * {@code google.rpc} error body), shared by the Gemini tests.
 */
final class GeminiFixtures {
  static final String KEY = "AIzaSyTESTKEY0123456789abcdefghijklmnop";
  static final String MODEL = "gemini-2.5-flash";

  private GeminiFixtures() {}

  /**
   * A provider on {@code server}'s root. Calls pass {@link Wire#FAIL_FAST} so that a broken test
   * fails fast.
   */
  static GeminiProvider.Builder provider(MockWebServer server) {
    return GeminiProvider.builder()
        .baseUrl(server.url("/").toString())
        .apiKey(Secret.of(KEY));
  }

  /** "Hello there!", STOP; usage 19 in (4 cached), 8 + 2 thought out, 29 total. */
  static final String TEXT_RESPONSE = """
      {"candidates":[{"content":{"parts":[{"text":"Hello there!"}],"role":"model"},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":19,"candidatesTokenCount":8,"totalTokenCount":29,
        "cachedContentTokenCount":4,"thoughtsTokenCount":2,
        "promptTokensDetails":[{"modality":"TEXT","tokenCount":19}],
        "cacheTokensDetails":[{"modality":"TEXT","tokenCount":4}]},
       "modelVersion":"gemini-2.5-flash","responseId":"resp-text-1"}""";

  /** "Hello", then " world" with STOP; cumulative usage on both events, 9 + 2 = 11 at the end. */
  static final String[] TEXT_STREAM = {
      """
      {"candidates":[{"content":{"parts":[{"text":"Hello"}],"role":"model"},"index":0}],\
      "usageMetadata":{"promptTokenCount":9,"totalTokenCount":9,\
      "promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},\
      "modelVersion":"gemini-2.5-flash","responseId":"resp-stream-1"}""",
      """
      {"candidates":[{"content":{"parts":[{"text":" world"}],"role":"model"},\
      "finishReason":"STOP","index":0}],\
      "usageMetadata":{"promptTokenCount":9,"candidatesTokenCount":2,"totalTokenCount":11,\
      "promptTokensDetails":[{"modality":"TEXT","tokenCount":9}]},\
      "modelVersion":"gemini-2.5-flash","responseId":"resp-stream-1"}"""
  };

  /** get_weather(Paris) and get_time(CET) in one answer; Gemini says STOP. */
  static final String TOOL_CALLS_RESPONSE = """
      {"candidates":[{"content":{"parts":[
          {"functionCall":{"name":"get_weather","args":{"location":"Paris"}},
           "thoughtSignature":"c2lnbmF0dXJl"},
          {"functionCall":{"name":"get_time","args":{"tz":"CET"}}}],"role":"model"},
        "finishReason":"STOP","index":0}],
       "usageMetadata":{"promptTokenCount":80,"candidatesTokenCount":20,"totalTokenCount":100},
       "modelVersion":"gemini-2.5-flash","responseId":"resp-tools-1"}""";

  /**
   * The same two calls, streamed: Gemini sends each functionCall whole (its args are a JSON
   * object, never split), one per event here, the second with the finish reason.
   */
  static final String[] TOOL_STREAM = {
      """
      {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_weather",\
      "args":{"location":"Paris"}},"thoughtSignature":"c2lnbmF0dXJl"}],"role":"model"},\
      "index":0}],"usageMetadata":{"promptTokenCount":80,"totalTokenCount":80},\
      "modelVersion":"gemini-2.5-flash","responseId":"resp-tools-2"}""",
      """
      {"candidates":[{"content":{"parts":[{"functionCall":{"name":"get_time",\
      "args":{"tz":"CET"}}}],"role":"model"},"finishReason":"STOP","index":0}],\
      "usageMetadata":{"promptTokenCount":80,"candidatesTokenCount":20,"totalTokenCount":100},\
      "modelVersion":"gemini-2.5-flash","responseId":"resp-tools-2"}"""
  };

  /** A reply that ends with {@code reason} and no content, as Gemini sends a blocked answer. */
  static String finishing(String reason, boolean withText) {
    String content = withText
        ? "\"content\":{\"parts\":[{\"text\":\"x\"}],\"role\":\"model\"}," : "";
    return "{\"candidates\":[{" + content + "\"finishReason\":\"" + reason + "\",\"index\":0}],"
        + "\"modelVersion\":\"gemini-2.5-flash\",\"responseId\":\"r\"}";
  }

  /**
   * Google's error body with {@code code}, {@code status}, {@code message} and details, on one
   * line so that it can also be an SSE event's data.
   */
  static String error(int code, String status, String message, String detailsJson) {
    return "{\"error\":{\"code\":" + code + ",\"message\":" + quote(message)
        + ",\"status\":\"" + status + "\""
        + (detailsJson == null ? "" : ",\"details\":" + Wire.tree(detailsJson)) + "}}";
  }

  static String quote(String s) {
    try {
      return Json.MAPPER.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  static final String RETRY_INFO_13S = """
      [{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{
         "quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests",
         "quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
         "quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"10"}]},
       {"@type":"type.googleapis.com/google.rpc.Help","links":[{
         "description":"Learn more about Gemini API quotas",
         "url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},
       {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"13s"}]""";

  static final String PER_DAY_QUOTA = """
      [{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{
         "quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests",
         "quotaId":"GenerateRequestsPerDayPerProjectPerModel-FreeTier",
         "quotaDimensions":{"location":"global","model":"gemini-2.5-flash"},"quotaValue":"250"}]},
       {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"40.5s"}]""";

  /**
   * What Google sends with a key it does not accept: HTTP 400 {@code INVALID_ARGUMENT}, not 401,
   * with a {@code google.rpc.ErrorInfo} whose reason is {@code API_KEY_INVALID}.
   */
  static final String API_KEY_INVALID = """
      [{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID",
         "domain":"googleapis.com",
         "metadata":{"service":"generativelanguage.googleapis.com"}},
       {"@type":"type.googleapis.com/google.rpc.LocalizedMessage","locale":"en-US",
         "message":"API key not valid. Please pass a valid API key."}]""";

  static final String CONTEXT_MESSAGE =
      "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576).";
}
