package dev.aigateway.providers.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.FieldOrder;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code chat.completion.chunk} with Jackson's streaming parser, keeping only what a
 * chunk needs and skipping everything else, into fields reused from one event to the next. It is
 * the per-chunk hot path, so it builds no tree. Not thread safe: one per stream.
 */
final class ChunkReader {
  /** The stream's first non-empty id so far (later ids are skipped unread). */
  @Nullable String id;
  /** The stream's first non-empty model so far (later ones are skipped unread, as the id). */
  @Nullable String model;
  /** Text of choice 0's delta; empty when none. */
  String content;
  @Nullable String refusal;
  /**
   * Reasoning text of choice 0's delta ({@code reasoning_content}, {@code reasoning}, or Mistral's
   * {@code thinking} content parts); null when none, so an ordinary chunk costs nothing more.
   */
  @Nullable String reasoning;
  @Nullable List<ToolCallDelta> toolCalls;
  /** Thinking parts met in array content while reading one delta; reused, usually empty. */
  private final StringBuilder thinking = new StringBuilder(0);
  @Nullable String finishReason;
  @Nullable Usage usage;
  /** Whether the event is an error object rather than a chunk. */
  boolean error;
  /** Whether the event had a {@code choices} array (possibly empty). */
  boolean choices;
  /** The field orders of a chunk, its choice and the choice's delta, learned per stream. */
  private final FieldOrder chunkFields = new FieldOrder();
  private final FieldOrder choiceFields = new FieldOrder();
  private final FieldOrder deltaFields = new FieldOrder();

  /** Reads {@code data} with {@code json}; throws on JSON that is not one whole object. */
  void read(JsonEvents json, EventData data) throws IOException {
    // id and model stay: an event that repeats them (every one does) reuses their strings
    content = "";
    refusal = null;
    reasoning = null;
    toolCalls = null;
    finishReason = null;
    usage = null;
    error = false;
    choices = false;
    JsonParser p = json.begin(data);
    chunkFields.start();
    String field;
    while ((field = chunkFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        // Every chunk repeats both; the first non-empty one counts, later ones are not decoded.
        case "id" -> id = Json.firstText(p, value, id);
        case "model" -> model = Json.firstText(p, value, model);
        case "choices" -> {
          if (value == JsonToken.START_ARRAY) {
            choices = true;
            while (p.nextToken() == JsonToken.START_OBJECT) {
              readChoice(p);
            }
          } else {
            p.skipChildren();
          }
        }
        case "usage" -> {
          if (value == JsonToken.START_OBJECT) {
            usage = readUsage(p);
          } else {
            p.skipChildren();
          }
        }
        case "error" -> {
          error = value != JsonToken.VALUE_NULL;
          p.skipChildren();
        }
        default -> p.skipChildren();
      }
    }
    json.end();
  }

  private void readChoice(JsonParser p) throws IOException {
    int index = 0;
    String text = "";
    String transcript = null;
    String refused = null;
    String reasoned = null;
    List<ToolCallDelta> calls = null;
    String finish = null;
    choiceFields.start();
    String field;
    while ((field = choiceFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "index" -> index = Json.intValue(p, value);
        case "finish_reason" -> finish = Json.valueText(p, value);
        case "delta" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            break;
          }
          deltaFields.start();
          String d;
          while ((d = deltaFields.next(p)) != null) {
            JsonToken v = p.nextToken();
            switch (d) {
              case "content" -> {
                thinking.setLength(0);
                text = content(p, v, thinking);
                if (thinking.length() > 0) { // Mistral's thinking parts
                  reasoned = reasoned == null ? thinking.toString() : reasoned + thinking;
                }
              }
              case "audio" -> transcript = transcript(p, v);
              case "refusal" -> refused = Json.valueText(p, v);
              case "reasoning_content", "reasoning" -> {
                String r = Json.valueText(p, v);
                if (r != null && !r.isEmpty()) {
                  reasoned = reasoned == null ? r : reasoned + r;
                }
              }
              case "tool_calls" -> calls = readToolCalls(p, v);
              default -> p.skipChildren();
            }
          }
        }
        default -> p.skipChildren();
      }
    }
    if (text.isEmpty() && transcript != null) { // an audio answer's words
      text = transcript;
    }
    if (index == 0) { // only the first choice is streamed
      content = text;
      refusal = refused;
      reasoning = reasoned;
      toolCalls = calls;
      finishReason = finish;
    }
  }

  /**
   * The {@code transcript} of an audio delta or message (its {@code data}, the audio, is
   * skipped).
   */
  static @Nullable String transcript(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return null;
    }
    String transcript = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("transcript")) {
        transcript = Json.valueText(p, v);
      } else {
        p.skipChildren();
      }
    }
    return transcript;
  }

  private static @Nullable List<ToolCallDelta> readToolCalls(JsonParser p, JsonToken value)
      throws IOException {
    if (value != JsonToken.START_ARRAY) {
      p.skipChildren();
      return null;
    }
    List<ToolCallDelta> calls = null;
    while (p.nextToken() == JsonToken.START_OBJECT) {
      int index = 0;
      String id = null;
      String name = null;
      String arguments = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "index" -> index = Json.intValue(p, v);
          case "id" -> id = Json.valueText(p, v);
          case "function" -> {
            if (v != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken fv = p.nextToken();
              switch (f) {
                case "name" -> name = Json.valueText(p, fv);
                case "arguments" -> arguments = Json.valueText(p, fv);
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (calls == null) {
        calls = new ArrayList<>(2);
      }
      calls.add(new ToolCallDelta(index, id, name, arguments));
    }
    return calls;
  }

  /**
   * OpenAI's usage object, the parser on its {@code START_OBJECT}. Cached tokens come from
   * {@code prompt_tokens_details.cached_tokens}, or DeepSeek's {@code prompt_cache_hit_tokens}; a
   * missing total is input plus output.
   */
  static Usage readUsage(JsonParser p) throws IOException {
    int input = 0;
    int output = 0;
    int total = -1;
    int cached = 0;
    int cacheHits = 0;
    int reasoning = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "prompt_tokens" -> input = Json.intValue(p, v);
        case "completion_tokens" -> output = Json.intValue(p, v);
        case "total_tokens" -> total = Json.intValue(p, v);
        case "prompt_cache_hit_tokens" -> cacheHits = Json.intValue(p, v);
        case "prompt_tokens_details" -> cached = nested(p, v, "cached_tokens");
        case "completion_tokens_details" -> reasoning = nested(p, v, "reasoning_tokens");
        default -> p.skipChildren();
      }
    }
    return new Usage(input, output, total < 0 ? input + output : total,
        cached != 0 ? cached : cacheHits, reasoning);
  }

  private static int nested(JsonParser p, JsonToken value, String wanted) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return 0;
    }
    int result = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals(wanted)) {
        result = Json.intValue(p, v);
      } else {
        p.skipChildren();
      }
    }
    return result;
  }



  /**
   * String content, or the text parts of array content (some compatible servers); the text of
   * Mistral's {@code thinking} parts is appended to {@code thinking}.
   */
  static String content(JsonParser p, JsonToken v, StringBuilder thinking) throws IOException {
    if (v == JsonToken.VALUE_STRING) {
      return p.getText();
    }
    if (v == JsonToken.VALUE_NULL) {
      return "";
    }
    if (v != JsonToken.START_ARRAY) {
      if (v == JsonToken.START_OBJECT) {
        p.skipChildren();
        return "";
      }
      return p.getText(); // a number or a boolean, as the tree reader took it
    }
    StringBuilder sb = new StringBuilder();
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String type = null;
      String text = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken fv = p.nextToken();
        switch (field) {
          case "type" -> type = Json.valueText(p, fv);
          case "text" -> text = Json.valueText(p, fv);
          case "thinking" -> readThinking(p, fv, thinking);
          default -> p.skipChildren();
        }
      }
      if ("text".equals(type) && text != null) {
        sb.append(text);
      }
    }
    return sb.toString();
  }

  /** Mistral's {@code "thinking": [{"type": "text", "text": …}]}, appended to {@code thinking}. */
  private static void readThinking(JsonParser p, JsonToken v, StringBuilder thinking)
      throws IOException {
    if (v == JsonToken.VALUE_STRING) {
      thinking.append(p.getText());
      return;
    }
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.START_OBJECT) {
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken fv = p.nextToken();
        if (field.equals("text")) {
          String t = Json.valueText(p, fv);
          if (t != null) {
            thinking.append(t);
          }
        } else {
          p.skipChildren();
        }
      }
    }
  }
}
