package dev.aigateway.bedrock;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.FieldOrder;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
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
  private final JsonEvents json = new JsonEvents();
  /** The field orders of an event and of its delta, learned per stream. */
  private final FieldOrder eventFields = new FieldOrder();
  private final FieldOrder deltaFields = new FieldOrder();
  // What the event being read said; reset for each event.
  private int index;
  private @Nullable String text;
  private boolean hasDelta;
  private boolean toolUse;
  private @Nullable String input;
  private @Nullable String toolUseId;
  private @Nullable String toolName;
  private @Nullable String eventStop;
  private @Nullable Usage usage;

  ConverseStreamDecoder(String provider, String model) {
    this.provider = provider;
    this.model = model;
  }

  @Override
  public void onEvent(@Nullable String type, EventData data, Sink sink) {
    if (type != null && (type.startsWith("exception:") || type.startsWith("error:"))) {
      throw streamException(type, data.text());
    }
    if (type == null) {
      throw malformed("an event stream message has no :event-type", data);
    }
    // Read the whole event first, check it, then act: nothing is emitted for a broken event.
    index = -1;
    text = null;
    hasDelta = false;
    toolUse = false;
    input = null;
    toolUseId = null;
    toolName = null;
    eventStop = null;
    usage = null;
    try {
      JsonParser p = json.begin(data);
      eventFields.start();
      String field;
      while ((field = eventFields.next(p)) != null) {
        JsonToken v = p.nextToken();
        switch (field) {
          case "contentBlockIndex" -> index = Json.index(p, v);
          case "delta" -> readDelta(p, v);
          case "start" -> readStart(p, v);
          case "stopReason" -> eventStop = Json.valueText(p, v);
          case "usage" -> usage = v == JsonToken.START_OBJECT ? ConverseCodec.readUsage(p) : skip(p);
          default -> p.skipChildren();
        }
      }
      json.end();
    } catch (IOException e) {
      throw malformed("a " + type + " event is not one valid JSON object (" + e.getMessage()
          + ")", data);
    }
    switch (type) {
      case "contentBlockStart" -> blockStart(data, sink);
      case "contentBlockDelta" -> blockDelta(data, sink);
      case "messageStop" -> {
        if (eventStop == null) {
          throw malformed("messageStop has no stopReason", data);
        }
        stopReason = eventStop;
      }
      case "metadata" -> {
        if (stopReason == null) {
          throw malformed("metadata arrived before messageStop", data);
        }
        if (emitLast(sink, usage)) {
          complete = true;
        }
      }
      default -> { } // messageStart, contentBlockStop, and events added after this adapter
    }
  }

  private static @Nullable Usage skip(JsonParser p) throws IOException {
    p.skipChildren();
    return null;
  }

  /** {@code delta}: {@code text}, or {@code toolUse.input}; other kinds are not the answer. */
  private void readDelta(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    hasDelta = true;
    deltaFields.start();
    String field;
    while ((field = deltaFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "text" -> text = value == JsonToken.VALUE_NULL ? "" : Json.valueText(p, value);
        case "toolUse" -> {
          toolUse = true;
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            break;
          }
          input = ConverseCodec.ToolUse.read(p).input();
        }
        default -> p.skipChildren(); // reasoningContent and kinds added later
      }
    }
  }

  /** {@code start.toolUse}: a tool call's id and name; a text block announces nothing. */
  private void readStart(JsonParser p, JsonToken v) throws IOException {
    if (v != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      if (!field.equals("toolUse") || value != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      toolUse = true;
      ConverseCodec.ToolUse use = ConverseCodec.ToolUse.read(p);
      toolUseId = use.id();
      toolName = use.name();
    }
  }

  private int index(EventData data) {
    if (index < 0) {
      throw malformed("an event has no valid contentBlockIndex", data);
    }
    return index;
  }

  private void blockStart(EventData data, Sink sink) {
    int block = index(data);
    if (!toolUse) {
      return; // a text block announces nothing
    }
    if (toolUseId == null || toolName == null) {
      throw malformed("a toolUse start has no toolUseId or name", data);
    }
    int call = calls.size();
    calls.put(block, call);
    sink.emit(ChatChunk.of(null, provider, model, "",
        List.of(new ToolCallDelta(call, toolUseId, toolName, "")), null, null));
  }

  private void blockDelta(EventData data, Sink sink) {
    int block = index(data);
    if (!hasDelta) {
      throw malformed("contentBlockDelta has no delta", data);
    }
    if (text != null) {
      if (!text.isEmpty()) {
        sink.emit(ChatChunk.of(null, provider, model, text, null, null, null));
      }
      return;
    }
    if (toolUse) {
      Integer call = calls.get(block);
      if (call == null) {
        throw malformed("a toolUse delta for block " + block + ", which no toolUse started",
            data);
      }
      if (input != null && !input.isEmpty()) {
        sink.emit(ChatChunk.of(null, provider, model, "",
            List.of(new ToolCallDelta(call, null, null, input)), null, null));
      }
    }
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

  private MalformedResponseException malformed(String what, EventData data) {
    return new MalformedResponseException(provider, 200,
        provider + ": " + what + ": " + Json.excerpt(data.text()), null);
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

  @Override
  public void close() {
    json.close();
  }
}
