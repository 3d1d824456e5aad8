package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.JsonValues.oneOf;
import static dev.aigateway.providers.anthropic.JsonValues.string;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Reads one Messages stream event with Jackson's streaming parser into fields reused from one
 * event to the next, keeping what {@link MessagesStream} acts on and skipping everything else. It
 * is the per-chunk hot path: a {@code text_delta} costs no tree and no string but its text (the
 * event, block and delta types are matched against constants in place). The whole event is read
 * before anything is acted on, since JSON does not fix the order of an object's fields. Not thread
 * safe: one per stream.
 */
final class MessagesEvent {
  static final String MESSAGE_START = "message_start";
  static final String CONTENT_BLOCK_START = "content_block_start";
  static final String CONTENT_BLOCK_DELTA = "content_block_delta";
  static final String CONTENT_BLOCK_STOP = "content_block_stop";
  static final String MESSAGE_DELTA = "message_delta";
  static final String MESSAGE_STOP = "message_stop";
  static final String PING = "ping";
  static final String ERROR = "error";
  private static final JsonValues.Known EVENT_TYPES = JsonValues.Known.of(CONTENT_BLOCK_DELTA,
      PING, CONTENT_BLOCK_START, CONTENT_BLOCK_STOP, MESSAGE_START, MESSAGE_DELTA, MESSAGE_STOP,
      ERROR);

  static final String TEXT = "text";
  static final String TOOL_USE = "tool_use";
  static final String THINKING = "thinking";
  static final String REDACTED_THINKING = "redacted_thinking";
  /** The content block types the adapter reads; others are skipped. */
  static final JsonValues.Known BLOCK_TYPES =
      JsonValues.Known.of(TEXT, TOOL_USE, THINKING, REDACTED_THINKING);

  static final String TEXT_DELTA = "text_delta";
  static final String INPUT_JSON_DELTA = "input_json_delta";
  static final String THINKING_DELTA = "thinking_delta";
  static final String SIGNATURE_DELTA = "signature_delta";
  private static final JsonValues.Known DELTA_TYPES =
      JsonValues.Known.of(TEXT_DELTA, INPUT_JSON_DELTA, THINKING_DELTA, SIGNATURE_DELTA);

  /** The data's own {@code type} (one of the constants when it is a known one); null if none. */
  @Nullable String type;
  /** {@code index}, or -1 when it is missing or not a non-negative int. */
  int index;

  /** Whether {@code message} (of {@code message_start}) was an object. */
  boolean message;
  @Nullable String messageId;
  @Nullable String messageModel;
  /** Whether {@code message.usage} was an object; its counts are in {@link #messageUsage}. */
  boolean hasMessageUsage;
  final UsageCounts messageUsage = new UsageCounts();

  /** Whether {@code content_block} (of {@code content_block_start}) was an object. */
  boolean block;
  @Nullable String blockType;
  /** {@code content_block.text} when it is a string. */
  @Nullable String blockText;
  @Nullable String blockId;
  @Nullable String blockName;
  /** {@code content_block.thinking} when it is a string. */
  @Nullable String blockThinking;
  @Nullable String blockSignature;
  @Nullable String blockData;

  /** Whether {@code delta} was an object. */
  boolean delta;
  @Nullable String deltaType;
  /** {@code delta.text} when it is a string. */
  @Nullable String deltaText;
  /** {@code delta.partial_json} when it is a string. */
  @Nullable String deltaPartialJson;
  @Nullable String deltaThinking;
  @Nullable String deltaSignature;
  @Nullable String deltaStopReason;

  /** Whether the event's own {@code usage} (of {@code message_delta}) was an object. */
  boolean hasUsage;
  final UsageCounts usage = new UsageCounts();

  /** Reads {@code data} with {@code json}; throws on JSON that is not one whole object. */
  void read(JsonEvents json, EventData data) throws IOException {
    clear();
    JsonParser p = json.begin(data);
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> type = oneOf(p, value, EVENT_TYPES);
        case "index" -> index = Json.index(p, value);
        case "delta" -> readDelta(p, value);
        case "content_block" -> readBlock(p, value);
        case "message" -> readMessage(p, value);
        case "usage" -> {
          hasUsage = value == JsonToken.START_OBJECT;
          if (hasUsage) {
            usage.read(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    json.end();
  }

  private void clear() {
    type = null;
    index = -1;
    message = false;
    messageId = null;
    messageModel = null;
    hasMessageUsage = false;
    block = false;
    blockType = null;
    blockText = null;
    blockId = null;
    blockName = null;
    blockThinking = null;
    blockSignature = null;
    blockData = null;
    delta = false;
    deltaType = null;
    deltaText = null;
    deltaPartialJson = null;
    deltaThinking = null;
    deltaSignature = null;
    deltaStopReason = null;
    hasUsage = false;
  }

  private void readDelta(JsonParser p, JsonToken value) throws IOException {
    delta = value == JsonToken.START_OBJECT;
    if (!delta) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type" -> deltaType = oneOf(p, v, DELTA_TYPES);
        case "text" -> deltaText = string(p, v);
        case "partial_json" -> deltaPartialJson = string(p, v);
        case "thinking" -> deltaThinking = Json.valueText(p, v);
        case "signature" -> deltaSignature = Json.valueText(p, v);
        case "stop_reason" -> deltaStopReason = Json.valueText(p, v);
        default -> p.skipChildren();
      }
    }
  }

  private void readBlock(JsonParser p, JsonToken value) throws IOException {
    block = value == JsonToken.START_OBJECT;
    if (!block) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "type" -> blockType = oneOf(p, v, BLOCK_TYPES);
        case "text" -> blockText = string(p, v);
        case "id" -> blockId = Json.valueText(p, v);
        case "name" -> blockName = Json.valueText(p, v);
        case "thinking" -> blockThinking = string(p, v);
        case "signature" -> blockSignature = Json.valueText(p, v);
        case "data" -> blockData = Json.valueText(p, v);
        default -> p.skipChildren(); // input: the empty object; the arguments follow as deltas
      }
    }
  }

  private void readMessage(JsonParser p, JsonToken value) throws IOException {
    message = value == JsonToken.START_OBJECT;
    if (!message) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id" -> messageId = Json.valueText(p, v);
        case "model" -> messageModel = Json.valueText(p, v);
        case "usage" -> {
          hasMessageUsage = v == JsonToken.START_OBJECT;
          if (hasMessageUsage) {
            messageUsage.read(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }
}
