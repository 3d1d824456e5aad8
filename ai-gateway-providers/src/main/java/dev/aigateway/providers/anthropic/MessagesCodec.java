package dev.aigateway.providers.anthropic;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.Role;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.providers.internal.FinishReasons;
import dev.aigateway.providers.internal.GoogleRpcErrors;
import dev.aigateway.providers.internal.HttpErrors;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.Redactor;
import dev.aigateway.providers.internal.StreamDecoder;
import dev.aigateway.providers.internal.VendorError;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * Anthropic's Messages wire format: request bodies, replies and error bodies (streams are read by
 * {@link MessagesStream}). See {@link AnthropicProvider} for what is mapped. Immutable and thread
 * safe.
 */
final class MessagesCodec {
  /** Reads Anthropic's {@code {"type":"error","error":{"type","message"}}} error body. */
  static final VendorError.Parser ERROR_PARSER = MessagesCodec::parseError;

  /**
   * On Vertex AI: Anthropic's error body for the model's own errors (one with an
   * {@code error.type}), else Google's {@code google.rpc} body, which the platform sends for its
   * own (quota, permissions, a model that is not enabled).
   */
  static final VendorError.Parser VERTEX_ERROR_PARSER = root -> {
    JsonNode error = root.get("error");
    return error != null && error.path("type").isTextual()
        ? parseError(root) : GoogleRpcErrors.parse(root);
  };

  private final String provider;
  private final int defaultMaxTokens;
  private final Clock clock;
  private final @Nullable String vertexVersion;

  /**
   * @param vertexVersion for Anthropic's models on Vertex AI, the body's
   *     {@code anthropic_version}, which then replaces {@code model} (the URL names the model);
   *     null for Anthropic's own API
   */
  MessagesCodec(String provider, int defaultMaxTokens, Clock clock,
      @Nullable String vertexVersion) {
    this.provider = provider;
    this.defaultMaxTokens = defaultMaxTokens;
    this.clock = clock;
    this.vertexVersion = vertexVersion;
  }

  // ---------------------------------------------------------------- request

  /**
   * The JSON body for {@code request}.
   *
   * @throws InvalidRequestException (status 0) when the request cannot be expressed for Anthropic
   */
  byte[] writeRequest(ChatRequest request, boolean stream) {
    return Json.requestBody(request.extra(), b -> {
      if (vertexVersion == null) {
        b.field("model", g -> g.writeStringField("model", request.model()));
      } else {
        b.field("anthropic_version", g -> g.writeStringField("anthropic_version", vertexVersion));
      }
      b.field("max_tokens", g -> {
        g.writeNumberField("max_tokens",
            request.maxTokens() != null ? request.maxTokens() : defaultMaxTokens);
      });
      b.field("system", g -> {
        String system = systemPrompt(request.messages());
        if (system != null) {
          g.writeStringField("system", system);
        }
      });
      b.field("messages", g -> writeMessages(g, request.messages()));
      if (request.temperature() != null) {
        b.field("temperature", g -> {
          if (request.temperature() > 1.0) {
            throw invalid("invalid_temperature", "temperature " + request.temperature()
                + " is out of Anthropic's range 0 to 1");
          }
          g.writeNumberField("temperature", request.temperature());
        });
      }
      if (request.topP() != null) {
        b.field("top_p", g -> g.writeNumberField("top_p", request.topP()));
      }
      if (!request.stop().isEmpty()) {
        b.field("stop_sequences", g -> {
          g.writeArrayFieldStart("stop_sequences");
          for (String s : request.stop()) {
            g.writeString(s);
          }
          g.writeEndArray();
        });
      }
      if (!request.tools().isEmpty()) {
        b.field("tools", g -> {
          g.writeArrayFieldStart("tools");
          for (ToolDefinition tool : request.tools()) {
            writeTool(g, tool);
          }
          g.writeEndArray();
        });
      }
      if (request.toolChoice() != null) {
        b.field("tool_choice", g -> writeToolChoice(g, request.toolChoice()));
      }
      if (request.responseFormat() != null) {
        b.field("output_config", g -> writeResponseFormat(g, request.responseFormat()));
      }
      if (stream) {
        b.field("stream", g -> g.writeBooleanField("stream", true));
      }
    });
  }

  /** The system messages' texts joined by a blank line, or null when there are none. */
  private static @Nullable String systemPrompt(List<Message> messages) {
    StringBuilder sb = null;
    for (Message m : messages) {
      if (m.role() != Role.SYSTEM || m.text().isEmpty()) {
        continue;
      }
      if (sb == null) {
        sb = new StringBuilder(m.text());
      } else {
        sb.append("\n\n").append(m.text());
      }
    }
    return sb == null ? null : sb.toString();
  }

  /** Anthropic's role for {@code role}; null for system messages, which go top-level. */
  private static @Nullable String wireRole(Role role) {
    return switch (role) {
      case USER, TOOL -> "user";
      case ASSISTANT -> "assistant";
      case SYSTEM -> null;
    };
  }

  /** The turns: runs of messages that land in the same Anthropic role become one turn. */
  private void writeMessages(JsonGenerator g, List<Message> messages) throws IOException {
    g.writeArrayFieldStart("messages");
    int i = 0;
    int n = messages.size();
    while (i < n) {
      String role = wireRole(messages.get(i).role());
      if (role == null) {
        i++;
        continue;
      }
      // The run is every following message of the same wire role; system messages in between
      // are hoisted to the top-level prompt and do not break it.
      List<Message> run = new ArrayList<>(2);
      int j = i;
      while (j < n) {
        String r = wireRole(messages.get(j).role());
        if (r == null) {
          j++;
          continue;
        }
        if (!r.equals(role)) {
          break;
        }
        run.add(messages.get(j));
        j++;
      }
      g.writeStartObject();
      g.writeStringField("role", role);
      Message only = run.size() == 1 ? run.get(0) : null;
      if (only != null && only.role() != Role.TOOL && only.toolCalls().isEmpty()
          && only.parts().size() == 1 && only.parts().get(0) instanceof ContentPart.Text t) {
        g.writeStringField("content", t.text()); // the shorthand for a single text block
      } else {
        g.writeArrayFieldStart("content");
        for (Message m : run) {
          writeBlocks(g, m);
        }
        g.writeEndArray();
      }
      g.writeEndObject();
      i = j;
    }
    g.writeEndArray();
  }

  private void writeBlocks(JsonGenerator g, Message m) throws IOException {
    switch (m.role()) {
      case USER -> {
        for (ContentPart part : m.parts()) {
          writePart(g, part);
        }
      }
      case ASSISTANT -> {
        // Signed thinking goes back first and exactly as received: extended thinking with tools
        // requires it on the turn that answers a tool call. Reasoning that Anthropic did not sign
        // (another vendor's, after a failover) is left out; Anthropic would reject it.
        boolean thought = false;
        for (ContentPart part : m.parts()) {
          if (part instanceof ContentPart.Reasoning r
              && r.signedFor(ReasoningSignature.ANTHROPIC)) {
            writeThinking(g, r);
            thought = true;
          }
        }
        String text = m.text();
        if (!text.isEmpty() || (m.toolCalls().isEmpty() && !thought)) {
          writeText(g, text);
        }
        for (ToolCall call : m.toolCalls()) {
          JsonNode input = parseObject(call.arguments(), "invalid_tool_arguments",
              "the arguments of tool call '" + call.id() + "' (" + call.name() + ")");
          g.writeStartObject();
          g.writeStringField("type", "tool_use");
          g.writeStringField("id", call.id());
          g.writeStringField("name", call.name());
          g.writeFieldName("input");
          g.writeTree(input);
          g.writeEndObject();
        }
      }
      case TOOL -> {
        g.writeStartObject();
        g.writeStringField("type", "tool_result");
        g.writeStringField("tool_use_id", m.toolCallId());
        g.writeStringField("content", m.text());
        g.writeEndObject();
      }
      case SYSTEM -> { } // top-level, see systemPrompt
    }
  }

  private static void writeThinking(JsonGenerator g, ContentPart.Reasoning r)
      throws IOException {
    g.writeStartObject();
    if (r.redacted()) {
      g.writeStringField("type", "redacted_thinking");
      g.writeStringField("data", r.signature().value());
    } else {
      g.writeStringField("type", "thinking");
      g.writeStringField("thinking", r.text());
      g.writeStringField("signature", r.signature().value());
    }
    g.writeEndObject();
  }

  private static void writeText(JsonGenerator g, String text) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "text");
    g.writeStringField("text", text);
    g.writeEndObject();
  }

  private void writePart(JsonGenerator g, ContentPart part) throws IOException {
    if (part instanceof ContentPart.Text t) {
      writeText(g, t.text());
    } else if (part instanceof ContentPart.Image img) {
      writeBase64Image(g, img.mediaType(), img.base64());
    } else if (part instanceof ContentPart.ImageUrl u) {
      String url = u.url();
      String lower = url.toLowerCase(Locale.ROOT);
      if (lower.startsWith("data:")) {
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.toLowerCase(Locale.ROOT).endsWith(";base64") || meta.length() <= 7) {
          throw invalid("unsupported_image_url",
              "an image data: URL must be of the form data:<media type>;base64,<data>");
        }
        writeBase64Image(g, meta.substring(0, meta.length() - 7), url.substring(comma + 1));
      } else if (lower.startsWith("https://") || lower.startsWith("http://")) {
        g.writeStartObject();
        g.writeStringField("type", "image");
        g.writeObjectFieldStart("source");
        g.writeStringField("type", "url");
        g.writeStringField("url", url);
        g.writeEndObject();
        g.writeEndObject();
      } else {
        int colon = url.indexOf(':');
        throw invalid("unsupported_image_url", "an image URL with scheme '"
            + (colon > 0 ? url.substring(0, colon) : url)
            + "' cannot be sent to Anthropic; use an http(s) or data: URL, or the image's bytes");
      }
    } else {
      throw invalid("unsupported_content", "content part " + part.getClass().getSimpleName()
          + " is not supported");
    }
  }

  private static void writeBase64Image(JsonGenerator g, String mediaType, String data)
      throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "image");
    g.writeObjectFieldStart("source");
    g.writeStringField("type", "base64");
    g.writeStringField("media_type", mediaType);
    g.writeStringField("data", data);
    g.writeEndObject();
    g.writeEndObject();
  }

  private void writeTool(JsonGenerator g, ToolDefinition tool) throws IOException {
    JsonNode schema = parseObject(tool.parametersJsonSchema(), "invalid_schema",
        "tool '" + tool.name() + "': parametersJsonSchema");
    g.writeStartObject();
    g.writeStringField("name", tool.name());
    if (tool.description() != null) {
      g.writeStringField("description", tool.description());
    }
    g.writeFieldName("input_schema");
    g.writeTree(schema);
    g.writeEndObject();
  }

  private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
    g.writeObjectFieldStart("tool_choice");
    switch (choice.type()) {
      case AUTO -> g.writeStringField("type", "auto");
      case NONE -> g.writeStringField("type", "none");
      case REQUIRED -> g.writeStringField("type", "any");
      case TOOL -> {
        g.writeStringField("type", "tool");
        g.writeStringField("name", choice.toolName());
      }
    }
    g.writeEndObject();
  }

  private void writeResponseFormat(JsonGenerator g, ResponseFormat format) throws IOException {
    switch (format.type()) {
      case TEXT -> { } // free text is Anthropic's default
      case JSON_OBJECT -> throw invalid("unsupported_response_format",
          "responseFormat jsonObject() has no Anthropic equivalent; use jsonSchema(...), which"
              + " becomes output_config.format");
      case JSON_SCHEMA -> {
        JsonNode schema = parseObject(format.schema(), "invalid_schema", "responseFormat schema");
        g.writeObjectFieldStart("output_config");
        g.writeObjectFieldStart("format");
        g.writeStringField("type", "json_schema");
        g.writeFieldName("schema");
        g.writeTree(schema);
        g.writeEndObject();
        g.writeEndObject();
      }
    }
  }

  private JsonNode parseObject(String json, String code, String what) {
    try {
      return Json.parseObject(json, what);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(provider, 0, code, provider + ": " + e.getMessage(), e);
    }
  }

  private InvalidRequestException invalid(String code, String message) {
    return new InvalidRequestException(provider, 0, code, provider + ": " + message, null);
  }

  // ---------------------------------------------------------------- response

  /**
   * Reads a {@code message} object with the streaming parser, which stands on its
   * {@code START_OBJECT}, to its {@code END_OBJECT}; builds no tree (an error body's
   * {@code error} object, off the success path, is read as one).
   *
   * @param requestedModel reported when the reply names no model
   * @throws MalformedResponseException when it has no content array, or a block is malformed
   * @throws ProviderException when the body is an error object
   * @throws IOException when the JSON breaks off or is broken
   */
  ChatResponse readResponse(JsonParser p, String requestedModel) throws IOException {
    String type = null;
    String id = null;
    String model = null;
    String stopReason = null;
    String requestId = null;
    JsonNode error = null;
    UsageCounts usage = null;
    boolean content = false;
    Answer answer = new Answer();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> type = Json.valueText(p, value);
        case "id" -> id = Json.valueText(p, value);
        case "model" -> model = Json.valueText(p, value);
        case "stop_reason" -> stopReason = Json.valueText(p, value);
        case "content" -> {
          content = value == JsonToken.START_ARRAY;
          if (content) {
            readBlocks(p, answer);
          } else {
            p.skipChildren();
          }
        }
        case "usage" -> {
          if (value == JsonToken.START_OBJECT) {
            usage = new UsageCounts();
            usage.read(p);
          } else {
            usage = null;
            p.skipChildren();
          }
        }
        case "error" -> error = value == JsonToken.VALUE_NULL ? null : Json.MAPPER.readTree(p);
        case "request_id" -> requestId = Json.valueText(p, value);
        default -> p.skipChildren();
      }
    }
    if ("error".equals(type)) {
      ObjectNode root = Json.MAPPER.createObjectNode().put("type", "error");
      if (error != null) {
        root.set("error", error);
      }
      if (requestId != null) {
        root.put("request_id", requestId);
      }
      throw errorEvent(root.toString());
    }
    if (!content) {
      throw malformed("the response has no content array");
    }
    FinishReason reason = finishReason(stopReason, !answer.calls.isEmpty());
    ChatResponse response = FinishReasons.answer(provider, id, model, requestedModel,
        answer.thinking, answer.text.toString(), answer.calls, reason,
        usage == null ? null : usage.toUsage());
    return "refusal".equals(stopReason) ? response.toBuilder().refusal("").build() : response;
  }

  /** What a reply's content blocks add up to. */
  private static final class Answer {
    final StringBuilder text = new StringBuilder();
    final List<ToolCall> calls = new ArrayList<>(0);
    final List<ContentPart> thinking = new ArrayList<>(0);
  }

  /** Reads the content array the parser stands on ({@code START_ARRAY}) to its end. */
  private void readBlocks(JsonParser p, Answer answer) throws IOException {
    int i = 0;
    for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY && t != null; t = p.nextToken()) {
      if (t != JsonToken.START_OBJECT) {
        throw malformed("content block " + i + " has no type");
      }
      readBlock(p, i, answer);
      i++;
    }
  }

  /**
   * Reads content block {@code i}, the object the parser stands on, whole, then adds it to
   * {@code answer}: its fields may come in any order.
   */
  private void readBlock(JsonParser p, int i, Answer answer) throws IOException {
    String type = null;
    String text = null; // "text" when it is a string
    String thinking = null; // "thinking" when it is a string
    String id = null;
    String name = null;
    String input = null; // as JSON, when it is an object
    boolean inputNotAnObject = false;
    String signature = null;
    String data = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "type" -> type = JsonValues.oneOf(p, value, MessagesEvent.BLOCK_TYPES);
        case "text" -> text = JsonValues.string(p, value);
        case "thinking" -> thinking = JsonValues.string(p, value);
        case "id" -> id = Json.valueText(p, value);
        case "name" -> name = Json.valueText(p, value);
        case "signature" -> signature = Json.valueText(p, value);
        case "data" -> data = Json.valueText(p, value);
        case "input" -> {
          input = null;
          inputNotAnObject = false;
          if (value == JsonToken.START_OBJECT && (type == null || type.equals("tool_use"))) {
            input = Json.valueText(p, p.currentToken()); // the arguments, exactly as JSON text, without a tree
          } else {
            inputNotAnObject = value != JsonToken.VALUE_NULL && value != JsonToken.START_OBJECT;
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    if (type == null) {
      throw malformed("content block " + i + " has no type");
    }
    switch (type) {
      case "text" -> {
        if (text == null) {
          throw malformed("text block " + i + " has no text");
        }
        answer.text.append(text);
      }
      case "tool_use" -> {
        if (id == null || id.isBlank() || name == null || name.isBlank()) {
          throw malformed("tool_use block " + i + " has no id or name");
        }
        if (inputNotAnObject) {
          throw malformed("the input of tool_use block " + i + " is not a JSON object");
        }
        answer.calls.add(ToolCall.of(id, name, input == null ? "{}" : input));
      }
      case "thinking" -> {
        if (thinking == null) {
          throw malformed("thinking block " + i + " has no thinking");
        }
        answer.thinking.add(thinking(thinking, signature));
      }
      case "redacted_thinking" -> {
        if (data == null || data.isEmpty()) {
          throw malformed("redacted_thinking block " + i + " has no data");
        }
        answer.thinking.add(ContentPart.redactedReasoning(signature(data)));
      }
      default -> { } // server tool blocks: not part of the answer
    }
  }

  /** A thinking block's reasoning, signed when the block carries its signature. */
  static ContentPart.Reasoning thinking(String text, @Nullable String signature) {
    return signature == null || signature.isEmpty()
        ? ContentPart.reasoning(text)
        : ContentPart.reasoning(text, signature(signature));
  }

  static ReasoningSignature signature(String value) {
    return ReasoningSignature.of(ReasoningSignature.ANTHROPIC, value);
  }

  /**
   * Anthropic's stop reasons; unknown ones (and {@code pause_turn}) are {@link FinishReason#OTHER}.
   * Tool calls make STOP and OTHER into TOOL_CALLS.
   */
  static FinishReason finishReason(@Nullable String stopReason, boolean hasToolCalls) {
    FinishReason reason;
    if (stopReason == null) {
      reason = FinishReason.OTHER;
    } else {
      reason = switch (stopReason) {
        case "end_turn", "stop_sequence" -> FinishReason.STOP;
        case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
        case "tool_use" -> FinishReason.TOOL_CALLS;
        case "refusal" -> FinishReason.CONTENT_FILTER;
        default -> FinishReason.OTHER;
      };
    }
    return FinishReasons.withToolCalls(reason, hasToolCalls);
  }

  // ---------------------------------------------------------------- errors

  /**
   * Anthropic's error body, or null when {@code root} is not one. The code is the error type
   * (such as {@code overloaded_error}); the message carries the {@code request_id} when given.
   */
  static @Nullable VendorError parseError(JsonNode root) {
    JsonNode error = root.get("error");
    if (error == null || !error.isObject()) {
      return null;
    }
    String type = Json.text(error, "type");
    String message = Json.text(error, "message");
    String requestId = Json.text(root, "request_id");
    if (requestId != null) {
      message = (message != null ? message : "(no message)") + " (request_id " + requestId + ")";
    }
    boolean quota = "enforced_spend_limit_reached"
        .equals(Json.text(error.path("details"), "error_code"));
    return new VendorError(type, type, message, mentionsContextLength(message), quota);
  }

  private static boolean mentionsContextLength(@Nullable String message) {
    // "prompt is too long: 208310 tokens > 200000 maximum", and
    // "input length and `max_tokens` exceed context limit: ..."
    return VendorError.mentions(message, "prompt is too long", "exceed context limit",
        "context window");
  }

  /** The HTTP status Anthropic documents for an error type; 500 for types it does not list. */
  static int statusOf(@Nullable String errorType) {
    if (errorType == null) {
      return 500;
    }
    return switch (errorType) {
      case "invalid_request_error" -> 400;
      case "authentication_error" -> 401;
      case "billing_error" -> 402;
      case "permission_error" -> 403;
      case "not_found_error" -> 404;
      case "request_too_large" -> 413;
      case "rate_limit_error" -> 429;
      case "api_error" -> 500;
      case "timeout_error" -> 504;
      case "overloaded_error" -> 529;
      default -> 500;
    };
  }

  /**
   * The exception for an error object that arrived with a 200 status: a stream's {@code error}
   * event, or an error body, given as its JSON text ({@code body}). It is mapped as if it had come
   * with the HTTP status its type documents, so the mapping stays in {@link HttpErrors}. The
   * transport scrubs credentials. Off the success path, so it reads {@code body} as a tree.
   */
  ProviderException errorEvent(String body) {
    VendorError e;
    try {
      JsonNode root = Json.parse(body);
      e = root != null && root.isObject() ? parseError(root) : null;
    } catch (IOException broken) {
      e = null;
    }
    int status = statusOf(e == null ? null : e.type());
    return HttpErrors.map(provider, status, Headers.of(), "application/json", body, ERROR_PARSER,
        clock, Redactor.none());
  }

  MalformedResponseException malformed(String what) {
    return new MalformedResponseException(provider, 200, provider + ": " + what, null);
  }

  /** A decoder for one stream. */
  StreamDecoder streamDecoder(String requestedModel) {
    return new MessagesStream(this, provider, requestedModel);
  }
}
