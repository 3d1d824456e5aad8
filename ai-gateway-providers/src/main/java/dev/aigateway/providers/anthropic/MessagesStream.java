package dev.aigateway.providers.anthropic;

import static dev.aigateway.providers.anthropic.JsonValues.ABSENT;
import static dev.aigateway.providers.anthropic.JsonValues.orZero;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
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
 * <p>Each event is read by one {@link MessagesEvent} with one {@link JsonEvents} parser for the
 * whole stream, and acted on only once it was read whole. One instance per stream, used from the
 * stream's reading thread only.
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
  private final JsonEvents json = new JsonEvents();
  private final MessagesEvent event = new MessagesEvent();

  MessagesStream(MessagesCodec codec, String provider, String requestedModel) {
    this.codec = codec;
    this.provider = provider;
    this.model = requestedModel;
  }

  @Override
  public void onEvent(@Nullable String type, EventData data, StreamDecoder.Sink sink) {
    MessagesEvent e = event;
    try {
      e.read(json, data);
    } catch (IOException x) {
      throw new MalformedResponseException(provider, 200, provider + ": a stream event is "
          + (startsAnObject(data) ? "not valid JSON: " : "not a JSON object: ")
          + Json.excerpt(data.text()), x);
    }
    String kind = e.type;
    if ("error".equals(type) || MessagesEvent.ERROR.equals(kind)) {
      throw codec.errorEvent(data.text()); // off the hot path: read again, as a tree
    }
    if (kind == null) {
      kind = type; // the data's own type is authoritative; the SSE name is the fallback
    }
    if (kind == null) {
      throw codec.malformed("a stream event has no type: " + Json.excerpt(data.text()));
    }
    switch (kind) {
      case MessagesEvent.CONTENT_BLOCK_DELTA -> blockDelta(e, sink);
      case MessagesEvent.CONTENT_BLOCK_START -> blockStart(e, sink);
      case MessagesEvent.MESSAGE_START -> messageStart(e);
      case MessagesEvent.MESSAGE_DELTA -> messageDelta(e);
      case MessagesEvent.MESSAGE_STOP -> {
        if (emitLast(sink)) {
          complete = true;
        }
      }
      default -> { } // content_block_stop, ping, and event types added after this adapter
    }
  }

  /** Whether the data's first byte past white space opens an object (so it is broken JSON). */
  private static boolean startsAnObject(EventData data) {
    byte[] b = data.bytes();
    int end = data.offset() + data.length();
    for (int i = data.offset(); i < end; i++) {
      if (b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r') {
        return b[i] == '{';
      }
    }
    return false;
  }

  private void messageStart(MessagesEvent e) {
    if (!e.message) {
      throw codec.malformed("message_start has no message");
    }
    id = e.messageId;
    String m = e.messageModel;
    if (m != null && !m.isEmpty()) {
      model = m;
    }
    if (e.hasMessageUsage) {
      UsageCounts u = e.messageUsage;
      sawUsage = true;
      inputTokens = orZero(u.input);
      cacheReadTokens = orZero(u.cacheRead);
      cacheCreationTokens = orZero(u.cacheCreation);
      outputTokens = orZero(u.output);
      thinkingTokens = u.thinking;
    }
  }

  private void blockStart(MessagesEvent e, StreamDecoder.Sink sink) {
    int index = index(e);
    String blockType = e.block ? e.blockType : null;
    if (blockType == null) {
      throw codec.malformed("content_block_start " + index + " has no typed content_block");
    }
    switch (blockType) {
      case MessagesEvent.TEXT -> {
        blocks.put(index, NOT_A_TOOL);
        String text = e.blockText;
        if (text != null && !text.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, text, null, null, null));
        }
      }
      case MessagesEvent.TOOL_USE -> {
        String callId = e.blockId;
        String name = e.blockName;
        if (callId == null || callId.isBlank() || name == null || name.isBlank()) {
          throw codec.malformed("tool_use block " + index + " has no id or name");
        }
        int call = toolCalls++;
        blocks.put(index, call);
        // The block's own "input" is the empty object; the arguments follow as deltas.
        sink.emit(ChatChunk.of(id, provider, model, "",
            List.of(new ToolCallDelta(call, callId, name, "")), null, null));
      }
      case MessagesEvent.THINKING -> {
        blocks.put(index, NOT_A_TOOL);
        String signature = e.blockSignature;
        String t = e.blockThinking != null ? e.blockThinking : "";
        if (!t.isEmpty() || (signature != null && !signature.isEmpty())) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(t,
              signature == null || signature.isEmpty() ? null
                  : ContentPart.reasoning("", MessagesCodec.signature(signature))));
        }
      }
      case MessagesEvent.REDACTED_THINKING -> {
        blocks.put(index, NOT_A_TOOL);
        String data = e.blockData;
        if (data == null || data.isEmpty()) {
          throw codec.malformed("redacted_thinking block " + index + " has no data");
        }
        sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(null,
            ContentPart.redactedReasoning(MessagesCodec.signature(data))));
      }
      default -> blocks.put(index, NOT_A_TOOL); // server tools, ...
    }
  }

  private void blockDelta(MessagesEvent e, StreamDecoder.Sink sink) {
    int index = index(e);
    String deltaType = e.delta ? e.deltaType : null;
    if (deltaType == null) {
      throw codec.malformed("content_block_delta " + index + " has no typed delta");
    }
    Integer call = blocks.get(index);
    if (call == null) {
      throw codec.malformed("content_block_delta for block " + index + ", which never started");
    }
    switch (deltaType) {
      case MessagesEvent.TEXT_DELTA -> {
        String text = e.deltaText;
        if (text == null) {
          throw codec.malformed("text_delta for block " + index + " has no text");
        }
        if (!text.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, text, null, null, null));
        }
      }
      case MessagesEvent.INPUT_JSON_DELTA -> {
        String json = e.deltaPartialJson;
        if (json == null) {
          throw codec.malformed("input_json_delta for block " + index + " has no partial_json");
        }
        if (call >= 0 && !json.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "",
              List.of(new ToolCallDelta(call, null, null, json)), null, null));
        }
        // else: the input of a server tool's block, which is not part of the answer
      }
      case MessagesEvent.THINKING_DELTA -> {
        String t = e.deltaThinking;
        if (t != null && !t.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(t, null));
        }
      }
      case MessagesEvent.SIGNATURE_DELTA -> {
        String signature = e.deltaSignature;
        if (signature != null && !signature.isEmpty()) {
          sink.emit(ChatChunk.of(id, provider, model, "", null, null, null).withReasoning(null,
              ContentPart.reasoning("", MessagesCodec.signature(signature))));
        }
      }
      default -> { } // citations_delta, ...
    }
  }

  private void messageDelta(MessagesEvent e) {
    if (!e.delta) {
      throw codec.malformed("message_delta has no delta");
    }
    if (e.deltaStopReason != null) {
      stopReason = e.deltaStopReason;
    }
    if (e.hasUsage) {
      // Every count here is cumulative: each replaces what came before, none is added.
      UsageCounts u = e.usage;
      sawUsage = true;
      if (u.output != ABSENT) {
        outputTokens = (int) u.output;
      }
      if (u.input != ABSENT) {
        inputTokens = (int) u.input;
      }
      if (u.cacheRead != ABSENT) {
        cacheReadTokens = (int) u.cacheRead;
      }
      if (u.cacheCreation != ABSENT) {
        cacheCreationTokens = (int) u.cacheCreation;
      }
      if (u.details) {
        thinkingTokens = u.thinking;
      }
    }
  }

  private int index(MessagesEvent e) {
    if (e.index < 0) {
      throw codec.malformed(e.type + " has no valid index");
    }
    return e.index;
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

  @Override
  public void close() {
    json.close();
  }

}
