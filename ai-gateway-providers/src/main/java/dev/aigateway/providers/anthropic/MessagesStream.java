package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.StreamDecoder;
import dev.aigateway.providers.internal.Usages;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Decodes one Messages stream: {@code message_start}, then per content block
 * {@code content_block_start}, {@code content_block_delta}s and {@code content_block_stop}, then
 * {@code message_delta} and {@code message_stop}, with {@code ping}s anywhere.
 *
 * <ul>
 *   <li>Text deltas are emitted as they arrive. A {@code tool_use} block is emitted at its start
 *       (id and name), then one delta per {@code input_json_delta} piece, which may split the JSON
 *       anywhere; its index is its position among the answer's tool calls, not the block index.
 *   <li>A {@code thinking} block's {@code thinking_delta}s are reasoning deltas, and its
 *       {@code signature_delta} ends it with its signature ({@link ChatChunk#reasoningEnd()}); a
 *       {@code redacted_thinking} block is one whole redacted reasoning end at its start. Ping,
 *       and unknown block, delta and event types are ignored.
 *   <li>A {@code refusal} stop reason puts an empty refusal delta on the last chunk.
 *   <li>The input counts come from {@code message_start} (or a later {@code message_delta} that
 *       repeats them); the output count is the cumulative one of the last {@code message_delta},
 *       never a sum. Usage and the finish reason go out once, on the last chunk, emitted when
 *       {@code message_stop} arrives, which completes the stream; so does a body that ends
 *       cleanly after a {@code message_delta} that carried the stop reason.
 *   <li>An {@code error} event ends the stream with the exception its type's HTTP status maps to.
 * </ul>
 * One instance per stream, used from the stream's reading thread only.
 */
final class MessagesStream implements StreamDecoder {
  private static final Integer NOT_A_TOOL = -1;

  private final MessagesCodec codec;
  private final String provider;
  private @Nullable String id;
  private String model;
  // Block index -> the tool call's index among the answer's calls, or NOT_A_TOOL.
  private final Map<Integer, Integer> blocks = new HashMap<>(4);
  private int toolCalls;
  private boolean sawUsage;
  private int inputTokens;
  private int cacheReadTokens;
  private int cacheCreationTokens;
  private int outputTokens;
  private int thinkingTokens;
  private @Nullable String stopReason;
  private boolean complete;

  MessagesStream(MessagesCodec codec, String provider, String requestedModel) {
    this.codec = codec;
    this.provider = provider;
    this.model = requestedModel;
  }

  @Override
  public void onEvent(@Nullable String type, EventData event, StreamDecoder.Sink sink) {
      String data = event.text();
    JsonNode root;
    try {
      root = Json.parse(data);
    } catch (IOException e) {
      throw new MalformedResponseException(provider, 200,
          provider + ": a stream event is not valid JSON: " + Json.excerpt(data), e);
    }
    if (root == null || !root.isObject()) {
      throw codec.malformed("a stream event is not a JSON object: " + Json.excerpt(data));
    }
    String kind = Json.text(root, "type");
    if ("error".equals(type) || "error".equals(kind)) {
      throw codec.errorEvent(root, data);
    }
    if (kind == null) {
      kind = type; // the data's own type is authoritative; the SSE name is the fallback
    }
    if (kind == null) {
      throw codec.malformed("a stream event has no type: " + Json.excerpt(data));
    }
    switch (kind) {
      case "message_start" -> messageStart(root);
      case "content_block_start" -> blockStart(root, sink);
      case "content_block_delta" -> blockDelta(root, sink);
      case "message_delta" -> messageDelta(root);
      case "message_stop" -> {
        if (emitLast(sink)) {
          complete = true;
        }
      }
      default -> { } // content_block_stop, ping, and event types added after this adapter
    }
  }

  private void messageStart(JsonNode root) {
    JsonNode message = root.get("message");
    if (message == null || !message.isObject()) {
      throw codec.malformed("message_start has no message");
    }
    id = Json.text(message, "id");
    String m = Json.text(message, "model");
    if (m != null && !m.isEmpty()) {
      model = m;
    }
    JsonNode usage = message.get("usage");
    if (usage != null && usage.isObject()) {
      sawUsage = true;
      inputTokens = Json.integer(usage, "input_tokens");
      cacheReadTokens = Json.integer(usage, "cache_read_input_tokens");
      cacheCreationTokens = Json.integer(usage, "cache_creation_input_tokens");
      outputTokens = Json.integer(usage, "output_tokens");
      thinkingTokens = Json.integer(usage.get("output_tokens_details"), "thinking_tokens");
    }
  }

  private void blockStart(JsonNode root, StreamDecoder.Sink sink) {
    int index = index(root);
    JsonNode block = root.get("content_block");
    String blockType = block != null && block.isObject() ? Json.text(block, "type") : null;
    if (blockType == null) {
      throw codec.malformed("content_block_start " + index + " has no typed content_block");
    }
    switch (blockType) {
      case "text" -> {
        blocks.put(index, NOT_A_TOOL);
        JsonNode text = block.get("text");
        if (text != null && text.isTextual() && !text.asText().isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, text.asText(), null, null, null));
        }
      }
      case "tool_use" -> {
        String callId = Json.text(block, "id");
        String name = Json.text(block, "name");
        if (callId == null || callId.isBlank() || name == null || name.isBlank()) {
          throw codec.malformed("tool_use block " + index + " has no id or name");
        }
        int call = toolCalls++;
        blocks.put(index, call);
        // The block's own "input" is the empty object; the arguments follow as deltas.
        sink.emit(ChatChunk.of(id, provider, model, "",
            List.of(new ToolCallDelta(call, callId, name, "")), null, null));
      }
      case "thinking" -> {
        blocks.put(index, NOT_A_TOOL);
        JsonNode text = block.get("thinking");
        String signature = Json.text(block, "signature");
        String t = text != null && text.isTextual() ? text.asText() : "";
        if (!t.isEmpty() || (signature != null && !signature.isEmpty())) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(t,
              signature == null || signature.isEmpty() ? null
                  : ContentPart.reasoning("", MessagesCodec.signature(signature))));
        }
      }
      case "redacted_thinking" -> {
        blocks.put(index, NOT_A_TOOL);
        String data = Json.text(block, "data");
        if (data == null || data.isEmpty()) {
          throw codec.malformed("redacted_thinking block " + index + " has no data");
        }
        sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(null,
            ContentPart.redactedReasoning(MessagesCodec.signature(data))));
      }
      default -> blocks.put(index, NOT_A_TOOL); // server tools, ...
    }
  }

  private void blockDelta(JsonNode root, StreamDecoder.Sink sink) {
    int index = index(root);
    JsonNode delta = root.get("delta");
    String deltaType = delta != null && delta.isObject() ? Json.text(delta, "type") : null;
    if (deltaType == null) {
      throw codec.malformed("content_block_delta " + index + " has no typed delta");
    }
    Integer call = blocks.get(index);
    if (call == null) {
      throw codec.malformed("content_block_delta for block " + index + ", which never started");
    }
    switch (deltaType) {
      case "text_delta" -> {
        JsonNode text = delta.get("text");
        if (text == null || !text.isTextual()) {
          throw codec.malformed("text_delta for block " + index + " has no text");
        }
        if (!text.asText().isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, text.asText(), null, null, null));
        }
      }
      case "input_json_delta" -> {
        JsonNode json = delta.get("partial_json");
        if (json == null || !json.isTextual()) {
          throw codec.malformed("input_json_delta for block " + index + " has no partial_json");
        }
        if (call >= 0 && !json.asText().isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "",
              List.of(new ToolCallDelta(call, null, null, json.asText())), null, null));
        }
        // else: the input of a server tool's block, which is not part of the answer
      }
      case "thinking_delta" -> {
        String t = Json.text(delta, "thinking");
        if (t != null && !t.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(t, null));
        }
      }
      case "signature_delta" -> {
        String signature = Json.text(delta, "signature");
        if (signature != null && !signature.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(null,
              ContentPart.reasoning("", MessagesCodec.signature(signature))));
        }
      }
      default -> { } // citations_delta, ...
    }
  }

  private void messageDelta(JsonNode root) {
    JsonNode delta = root.get("delta");
    if (delta == null || !delta.isObject()) {
      throw codec.malformed("message_delta has no delta");
    }
    String reason = Json.text(delta, "stop_reason");
    if (reason != null) {
      stopReason = reason;
    }
    JsonNode usage = root.get("usage");
    if (usage != null && usage.isObject()) {
      // Every count here is cumulative: each replaces what came before, none is added.
      sawUsage = true;
      if (Json.has(usage, "output_tokens")) {
        outputTokens = Json.integer(usage, "output_tokens");
      }
      if (Json.has(usage, "input_tokens")) {
        inputTokens = Json.integer(usage, "input_tokens");
      }
      if (Json.has(usage, "cache_read_input_tokens")) {
        cacheReadTokens = Json.integer(usage, "cache_read_input_tokens");
      }
      if (Json.has(usage, "cache_creation_input_tokens")) {
        cacheCreationTokens = Json.integer(usage, "cache_creation_input_tokens");
      }
      JsonNode details = usage.get("output_tokens_details");
      if (details != null && details.isObject()) {
        thinkingTokens = Json.integer(details, "thinking_tokens");
      }
    }
  }

  private int index(JsonNode root) {
    JsonNode index = root.get("index");
    if (index == null || !index.canConvertToInt() || !index.isIntegralNumber()
        || index.intValue() < 0) {
      throw codec.malformed(Json.text(root, "type") + " has no valid index");
    }
    return index.intValue();
  }

  /** The last chunk: the finish reason, and the usage if any came. */
  private boolean emitLast(StreamDecoder.Sink sink) {
    FinishReason reason = MessagesCodec.finishReason(stopReason, toolCalls > 0);
    ChatChunk last = ChatChunk.of(id, provider, model, "", null, reason,
        sawUsage ? Usages.withCacheApart(inputTokens, cacheReadTokens, cacheCreationTokens,
            outputTokens, thinkingTokens) : null);
    return sink.emit("refusal".equals(stopReason) ? last.withRefusal("") : last);
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  /** A body that ends cleanly after a {@code message_delta} with a stop reason is complete. */
  @Override
  public boolean onEndOfBody(StreamDecoder.Sink sink) {
    if (stopReason == null) {
      return false;
    }
    emitLast(sink);
    return true;
  }

  @Override
  public String terminalEvent() {
    return "message_stop";
  }

}
