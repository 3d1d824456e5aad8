package dev.aigateway.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.StreamDecoder;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * ConverseStream's events, as {@link EventStreamFraming} hands them over: {@code messageStart},
 * {@code contentBlockStart} (a tool call's id and name), {@code contentBlockDelta} (text, or a
 * tool call's input JSON in pieces), {@code contentBlockStop}, {@code messageStop} (the stop
 * reason) and {@code metadata} (the usage), which is the last. The finish reason and the usage go
 * out together on one last chunk when {@code metadata} arrives; a body that ends before it is
 * truncated. An {@code exception:} or {@code error:}
 * message ends the stream with the exception its type maps to (see {@link ConverseCodec}).
 */
final class ConverseStreamDecoder implements StreamDecoder {
  private final String provider;
  private final String model;
  // Bedrock's content block index to the call's index among the answer's tool calls.
  private final Map<Integer, Integer> calls = new HashMap<>();
  private @Nullable String stopReason;
  private boolean complete;

  ConverseStreamDecoder(String provider, String model) {
    this.provider = provider;
    this.model = model;
  }

  @Override
  public void onEvent(@Nullable String type, EventData event, Sink sink) {
      String data = event.text();
    if (type != null && (type.startsWith("exception:") || type.startsWith("error:"))) {
      throw streamException(type, data);
    }
    if (type == null) {
      throw malformed("an event stream message has no :event-type", data);
    }
    JsonNode root;
    try {
      root = Json.parse(data);
    } catch (IOException e) {
      throw malformed("a " + type + " event is not valid JSON", data);
    }
    if (root == null || !root.isObject()) {
      throw malformed("a " + type + " event is not a JSON object", data);
    }
    switch (type) {
      case "contentBlockStart" -> blockStart(root, sink);
      case "contentBlockDelta" -> blockDelta(root, sink);
      case "messageStop" -> stopReason = stopReasonOf(root, data);
      case "metadata" -> {
        if (stopReason == null) {
          throw malformed("metadata arrived before messageStop", data);
        }
        if (emitLast(sink, ConverseCodec.usage(root.get("usage")))) {
          complete = true;
        }
      }
      default -> { } // messageStart, contentBlockStop, and events added after this adapter
    }
  }

  private String stopReasonOf(JsonNode root, String data) {
    String reason = Json.text(root, "stopReason");
    if (reason == null) {
      throw malformed("messageStop has no stopReason", data);
    }
    return reason;
  }

  private void blockStart(JsonNode root, Sink sink) {
    int block = index(root);
    JsonNode use = root.path("start").get("toolUse");
    if (use == null || !use.isObject()) {
      return; // a text block announces nothing
    }
    String id = Json.text(use, "toolUseId");
    String name = Json.text(use, "name");
    if (id == null || name == null) {
      throw malformed("a toolUse start has no toolUseId or name", root.toString());
    }
    int call = calls.size();
    calls.put(block, call);
    sink.emit(ChatChunk.of(null, provider, model, "",
        List.of(new ToolCallDelta(call, id, name, "")), null, null));
  }

  private void blockDelta(JsonNode root, Sink sink) {
    int block = index(root);
    JsonNode delta = root.get("delta");
    if (delta == null || !delta.isObject()) {
      throw malformed("contentBlockDelta has no delta", root.toString());
    }
    JsonNode text = delta.get("text");
    if (text != null) {
      if (!text.asText().isEmpty()) {
        sink.emit(ChatChunk.of(null, provider, model, text.asText(), null, null, null));
      }
      return;
    }
    JsonNode use = delta.get("toolUse");
    if (use != null) {
      Integer call = calls.get(block);
      if (call == null) {
        throw malformed("a toolUse delta for block " + block + ", which no toolUse started",
            root.toString());
      }
      String input = Json.text(use, "input");
      if (input != null && !input.isEmpty()) {
        sink.emit(ChatChunk.of(null, provider, model, "",
            List.of(new ToolCallDelta(call, null, null, input)), null, null));
      }
    }
    // reasoningContent and delta kinds added later are not part of the answer
  }

  private int index(JsonNode root) {
    JsonNode index = root.get("contentBlockIndex");
    if (index == null || !index.isIntegralNumber() || !index.canConvertToInt()
        || index.intValue() < 0) {
      throw malformed("an event has no valid contentBlockIndex", root.toString());
    }
    return index.intValue();
  }

  private boolean emitLast(Sink sink, @Nullable Usage usage) {
    FinishReason reason = ConverseCodec.finishReason(stopReason, !calls.isEmpty());
    return sink.emit(ChatChunk.of(null, provider, model, "", null, reason, usage));
  }

  /** An exception message (status 0, as there was no HTTP status for it) as the gateway's. */
  private ProviderException streamException(String type, String data) {
    String kind = type.substring(type.indexOf(':') + 1);
    String message = null;
    if (type.startsWith("exception:")) {
      try {
        JsonNode root = Json.parse(data);
        message = root == null ? null : Json.text(root, "message");
      } catch (IOException | RuntimeException e) {
        message = null;
      }
    } else {
      message = data;
    }
    String text = provider + ": the stream carried " + (kind.isEmpty() ? "an exception" : kind)
        + ": " + (message != null ? message : Json.excerpt(data));
    ProviderException mapped = ConverseCodec.exception(provider, 0, kind, text, null);
    // A type not known here is not taken for a retryable unavailability.
    return mapped != null ? mapped
        : new ProviderException(provider, 0, kind.isEmpty() ? "stream_exception" : kind, text,
            false, null);
  }

  private MalformedResponseException malformed(String what, String data) {
    return new MalformedResponseException(provider, 200,
        provider + ": " + what + ": " + Json.excerpt(data), null);
  }

  @Override
  public boolean isComplete() {
    return complete;
  }

  /**
   * Never whole: Bedrock always ends a stream with {@code metadata}, so a body that ends before
   * it, even cleanly after {@code messageStop}, was cut, and fails as truncated.
   */
  @Override
  public boolean onEndOfBody(Sink sink) {
    return false;
  }

  @Override
  public String terminalEvent() {
    return "metadata";
  }
}
