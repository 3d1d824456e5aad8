package dev.aigateway.bedrock;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Role;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.FinishReasons;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.Usages;
import dev.aigateway.providers.internal.VendorError;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okhttp3.Headers;
import org.jspecify.annotations.Nullable;

/**
 * The Converse wire format: request bodies, replies, usage, stop reasons and Bedrock's error
 * types. Stateless and thread safe.
 */
final class ConverseCodec {
  private final String provider;

  ConverseCodec(String provider) {
    this.provider = provider;
  }

  // ---------------------------------------------------------------- requests

  /**
   * The Converse (and ConverseStream: the same body) request body. The model is in the path, not
   * the body. {@code extra} fields go in at the top level and replace the adapter's field of the
   * same name.
   */
  byte[] writeRequest(ChatRequest request) {
    try {
      return Json.requestBody(request.extra(), b -> {
        b.field("messages", g -> writeMessages(g, request.messages()));
        b.field("system", g -> writeSystem(g, request.messages()));
        b.field("inferenceConfig", g -> writeInferenceConfig(g, request));
        if (!request.tools().isEmpty()) {
          b.field("toolConfig", g -> writeToolConfig(g, request.tools(), request.toolChoice()));
        }
      });
    } catch (IllegalArgumentException e) {
      throw invalid("invalid_request", e.getMessage());
    }
  }

  private void writeSystem(JsonGenerator g, List<Message> messages) throws IOException {
    boolean any = false;
    for (Message m : messages) {
      if (m.role() == Role.SYSTEM) {
        if (!any) {
          g.writeArrayFieldStart("system");
          any = true;
        }
        g.writeStartObject();
        g.writeStringField("text", m.text());
        g.writeEndObject();
      }
    }
    if (any) {
      g.writeEndArray();
    }
  }

  /**
   * Messages in Bedrock's two roles: tool results go into user turns, and consecutive messages of
   * the same role are merged, since Converse wants the roles to alternate.
   */
  private void writeMessages(JsonGenerator g, List<Message> messages) throws IOException {
    g.writeArrayFieldStart("messages");
    String open = null;
    for (Message m : messages) {
      String role = switch (m.role()) {
        case USER, TOOL -> "user";
        case ASSISTANT -> "assistant";
        case SYSTEM -> null;
      };
      if (role == null) {
        continue;
      }
      if (!role.equals(open)) {
        if (open != null) {
          g.writeEndArray();
          g.writeEndObject();
        }
        g.writeStartObject();
        g.writeStringField("role", role);
        g.writeArrayFieldStart("content");
        open = role;
      }
      writeBlocks(g, m);
    }
    if (open != null) {
      g.writeEndArray();
      g.writeEndObject();
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
        if (!m.text().isEmpty() || m.toolCalls().isEmpty()) {
          writeText(g, m.text());
        }
        for (ToolCall call : m.toolCalls()) {
          JsonNode input = parseObject(call.arguments(), "invalid_tool_arguments",
              "the arguments of tool call '" + call.id() + "' (" + call.name() + ")");
          g.writeStartObject();
          g.writeObjectFieldStart("toolUse");
          g.writeStringField("toolUseId", call.id());
          g.writeStringField("name", call.name());
          g.writeFieldName("input");
          g.writeTree(input);
          g.writeEndObject();
          g.writeEndObject();
        }
      }
      case TOOL -> {
        g.writeStartObject();
        g.writeObjectFieldStart("toolResult");
        g.writeStringField("toolUseId", m.toolCallId());
        g.writeArrayFieldStart("content");
        writeText(g, m.text());
        g.writeEndArray();
        g.writeEndObject();
        g.writeEndObject();
      }
      case SYSTEM -> { } // top-level, see writeSystem
    }
  }

  private static void writeText(JsonGenerator g, String text) throws IOException {
    g.writeStartObject();
    g.writeStringField("text", text);
    g.writeEndObject();
  }

  private void writePart(JsonGenerator g, ContentPart part) throws IOException {
    if (part instanceof ContentPart.Text t) {
      writeText(g, t.text());
    } else if (part instanceof ContentPart.Image img) {
      writeImage(g, img.mediaType(), img.base64());
    } else if (part instanceof ContentPart.ImageUrl u) {
      String url = u.url();
      if (url.regionMatches(true, 0, "data:", 0, 5)) {
        int comma = url.indexOf(',');
        String meta = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !meta.toLowerCase(Locale.ROOT).endsWith(";base64")
            || meta.length() <= 7) {
          throw invalid("unsupported_image_url",
              "an image data: URL must be of the form data:<media type>;base64,<data>");
        }
        writeImage(g, meta.substring(0, meta.length() - 7), url.substring(comma + 1));
      } else {
        throw invalid("unsupported_image_url", "Bedrock's Converse API takes images as bytes"
            + " (or from S3, through extra), not by URL; send the image's bytes or a data: URL");
      }
    } else {
      throw invalid("unsupported_content", "content part " + part.getClass().getSimpleName()
          + " is not supported");
    }
  }

  private void writeImage(JsonGenerator g, String mediaType, String base64) throws IOException {
    String format = switch (mediaType.toLowerCase(Locale.ROOT).strip()) {
      case "image/png" -> "png";
      case "image/jpeg", "image/jpg" -> "jpeg";
      case "image/gif" -> "gif";
      case "image/webp" -> "webp";
      default -> throw invalid("unsupported_image_type", "image type '" + mediaType
          + "' is not one Bedrock takes (png, jpeg, gif, webp)");
    };
    g.writeStartObject();
    g.writeObjectFieldStart("image");
    g.writeStringField("format", format);
    g.writeObjectFieldStart("source");
    g.writeStringField("bytes", base64);
    g.writeEndObject();
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeInferenceConfig(JsonGenerator g, ChatRequest r) throws IOException {
    if (r.maxTokens() == null && r.temperature() == null && r.topP() == null
        && r.stop().isEmpty()) {
      return;
    }
    g.writeObjectFieldStart("inferenceConfig");
    if (r.maxTokens() != null) {
      g.writeNumberField("maxTokens", r.maxTokens());
    }
    if (r.temperature() != null) {
      g.writeNumberField("temperature", r.temperature());
    }
    if (r.topP() != null) {
      g.writeNumberField("topP", r.topP());
    }
    if (!r.stop().isEmpty()) {
      g.writeArrayFieldStart("stopSequences");
      for (String s : r.stop()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    g.writeEndObject();
  }

  private void writeToolConfig(JsonGenerator g, List<ToolDefinition> tools,
      @Nullable ToolChoice choice) throws IOException {
    if (choice != null && choice.type() == ToolChoice.Type.NONE) {
      throw invalid("unsupported_tool_choice", "Bedrock's Converse API has no tool choice"
          + " 'none'; send the request without tools instead");
    }
    g.writeObjectFieldStart("toolConfig");
    g.writeArrayFieldStart("tools");
    for (ToolDefinition tool : tools) {
      JsonNode schema = parseObject(tool.parametersJsonSchema(), "invalid_schema",
          "tool '" + tool.name() + "': parametersJsonSchema");
      g.writeStartObject();
      g.writeObjectFieldStart("toolSpec");
      g.writeStringField("name", tool.name());
      if (tool.description() != null) {
        g.writeStringField("description", tool.description());
      }
      g.writeObjectFieldStart("inputSchema");
      g.writeFieldName("json");
      g.writeTree(schema);
      g.writeEndObject();
      g.writeEndObject();
      g.writeEndObject();
    }
    g.writeEndArray();
    if (choice != null) {
      g.writeObjectFieldStart("toolChoice");
      switch (choice.type()) {
        case AUTO -> {
          g.writeObjectFieldStart("auto");
          g.writeEndObject();
        }
        case REQUIRED -> {
          g.writeObjectFieldStart("any");
          g.writeEndObject();
        }
        case TOOL -> {
          g.writeObjectFieldStart("tool");
          g.writeStringField("name", choice.toolName());
          g.writeEndObject();
        }
        case NONE -> { } // rejected above
      }
      g.writeEndObject();
    }
    g.writeEndObject();
  }

  private JsonNode parseObject(String json, String code, String what) {
    try {
      JsonNode node = Json.MAPPER.readTree(json);
      if (node == null || !node.isObject()) {
        throw invalid(code, what + " must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw invalid(code, what + " is not valid JSON: " + e.getOriginalMessage());
    }
  }

  InvalidRequestException invalid(String code, String message) {
    return new InvalidRequestException(provider, 0, code, provider + ": " + message, null);
  }

  // ---------------------------------------------------------------- replies

  /**
   * A Converse reply, read with the streaming parser on its {@code START_OBJECT}; Converse names
   * no response id, so the id is null.
   */
  ChatResponse readResponse(JsonParser p, String model) throws IOException {
    Reply r = new Reply();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "output" -> {
          if (v != JsonToken.START_OBJECT) {
            p.skipChildren();
            break;
          }
          while (p.nextToken() == JsonToken.FIELD_NAME) {
            JsonToken value = p.nextToken();
            if (p.currentName().equals("message") && value == JsonToken.START_OBJECT) {
              readMessage(p, r);
            } else {
              p.skipChildren();
            }
          }
        }
        case "stopReason" -> r.stopReason = Json.valueText(p, v);
        case "usage" -> {
          if (v == JsonToken.START_OBJECT) {
            r.usage = readUsage(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    if (!r.hasContent) {
      throw malformed("the reply has no output.message.content");
    }
    if (r.brokenToolUse) {
      throw malformed("a toolUse block has no toolUseId or name");
    }
    FinishReason reason = finishReason(r.stopReason, !r.calls.isEmpty());
    return FinishReasons.answer(provider, null, null, model, r.text.toString(), r.calls, reason,
        r.usage);
  }

  /**
   * A {@code toolUse} object of a reply's block, a stream's block start or a delta: the fields
   * that are there ({@code input} as its JSON), read with the parser on its {@code START_OBJECT}.
   */
  record ToolUse(@Nullable String id, @Nullable String name, @Nullable String input) {
    static ToolUse read(JsonParser p) throws IOException {
      String id = null;
      String name = null;
      String input = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken v = p.nextToken();
        switch (field) {
          case "toolUseId" -> id = Json.valueText(p, v);
          case "name" -> name = Json.valueText(p, v);
          case "input" -> input = Json.valueText(p, v);
          default -> p.skipChildren();
        }
      }
      return new ToolUse(id, name, input);
    }
  }

  /** What a reply says, as it is read. */
  private static final class Reply {
    boolean hasContent;
    boolean brokenToolUse;
    final StringBuilder text = new StringBuilder();
    final List<ToolCall> calls = new ArrayList<>();
    @Nullable String stopReason;
    @Nullable Usage usage;
  }

  /** {@code output.message}: its {@code content} blocks, text and tool uses. */
  private static void readMessage(JsonParser p, Reply r) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      JsonToken v = p.nextToken();
      if (!p.currentName().equals("content") || v != JsonToken.START_ARRAY) {
        p.skipChildren();
        continue;
      }
      r.hasContent = true;
      while (p.nextToken() == JsonToken.START_OBJECT) {
        String text = null;
        boolean toolUse = false;
        String id = null;
        String name = null;
        String input = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String field = p.currentName();
          JsonToken value = p.nextToken();
          switch (field) {
            case "text" -> text = value == JsonToken.VALUE_NULL ? "" : Json.valueText(p, value);
            case "toolUse" -> {
              if (value != JsonToken.START_OBJECT) {
                p.skipChildren();
                break;
              }
              ToolUse use = ToolUse.read(p);
              toolUse = true;
              id = use.id();
              name = use.name();
              input = use.input();
            }
            // reasoningContent, citations and block types added later are not the answer
            default -> p.skipChildren();
          }
        }
        if (text != null) {
          r.text.append(text);
        } else if (toolUse) {
          if (id == null || name == null) {
            r.brokenToolUse = true;
          } else {
            r.calls.add(ToolCall.of(id, name, input == null ? "{}" : input));
          }
        }
      }
    }
  }

  static FinishReason finishReason(@Nullable String stopReason, boolean hasToolCalls) {
    FinishReason reason = stopReason == null ? FinishReason.OTHER : switch (stopReason) {
      case "end_turn", "stop_sequence" -> FinishReason.STOP;
      case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
      case "tool_use" -> FinishReason.TOOL_CALLS;
      case "guardrail_intervened", "content_filtered" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
    return FinishReasons.withToolCalls(reason, hasToolCalls);
  }

  /**
   * Bedrock's usage, unified: Bedrock's {@code inputTokens} leaves out the tokens read from and
   * written to the prompt cache, so the unified input is the sum of the three, and the cached
   * input is {@code cacheReadInputTokens}. The parser stands on the object's start.
   */
  static Usage readUsage(JsonParser p) throws IOException {
    int input = 0;
    int cacheRead = 0;
    int cacheWrite = 0;
    int output = 0;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      int n = Json.intValue(p, v);
      switch (field) {
        case "inputTokens" -> input = n;
        case "cacheReadInputTokens" -> cacheRead = n;
        case "cacheWriteInputTokens" -> cacheWrite = n;
        case "outputTokens" -> output = n;
        default -> p.skipChildren();
      }
    }
    return Usages.withCacheApart(input, cacheRead, cacheWrite, output, 0);
  }

  MalformedResponseException malformed(String what) {
    return new MalformedResponseException(provider, 200, provider + ": " + what, null);
  }

  // ---------------------------------------------------------------- errors

  /** Bedrock's error replies: {@code {"message": ...}} and the type in {@code x-amzn-ErrorType}. */
  static final VendorError.Parser ERROR_PARSER = new VendorError.Parser() {
    @Override
    public @Nullable VendorError parse(JsonNode body) {
      return parse(body, Headers.of());
    }

    @Override
    public @Nullable VendorError parse(JsonNode body, Headers headers) {
      if (!body.isObject()) {
        return null;
      }
      String message = Json.text(body, "message");
      if (message == null) {
        message = Json.text(body, "Message");
      }
      String type = errorType(headers.get("x-amzn-ErrorType"));
      if (type == null) {
        type = errorType(Json.text(body, "__type"));
      }
      if (message == null && type == null) {
        return null;
      }
      return new VendorError(type, null, message,
          "ValidationException".equals(type) && tooLong(message), false);
    }

    @Override
    public @Nullable ProviderException classify(String provider, int status, VendorError error,
        String message, @Nullable Duration retryAfter) {
      return error.type() == null ? null
          : exception(provider, status, error.type(), message, retryAfter);
    }
  };

  /**
   * {@code ThrottlingException} from {@code ThrottlingException:http://internal...}, or from
   * {@code com.amazon.coral.validate#ThrottlingException}; null when blank.
   */
  static @Nullable String errorType(@Nullable String raw) {
    if (raw == null || raw.isBlank()) {
      return null;
    }
    String t = raw.strip();
    int hash = t.lastIndexOf('#');
    if (hash >= 0) {
      t = t.substring(hash + 1);
    }
    int colon = t.indexOf(':');
    if (colon >= 0) {
      t = t.substring(0, colon);
    }
    return t.isEmpty() ? null : t;
  }

  static boolean tooLong(@Nullable String message) {
    return VendorError.mentions(message, "too long", "too many input tokens",
        "input is too long", "context length", "context window", "maximum context");
  }

  /**
   * The exception for Bedrock's error {@code type} (an HTTP error's, or a stream exception's with
   * its first letter in either case), or null for a type not known here, which the status maps.
   */
  static @Nullable ProviderException exception(String provider, int status, String type,
      String message, @Nullable Duration retryAfter) {
    String t = type.isEmpty() ? type
        : Character.toUpperCase(type.charAt(0)) + type.substring(1);
    return switch (t) {
      case "ThrottlingException" -> new ProviderRateLimitException(provider,
          status == 0 ? 429 : status, t, message, retryAfter, true, null);
      // The account's quota: waiting does not fix it, so it is not retried here.
      case "ServiceQuotaExceededException" -> new ProviderRateLimitException(provider,
          status == 0 ? 429 : status, t, message, retryAfter, false, null);
      case "ModelNotReadyException", "ServiceUnavailableException", "InternalServerException",
          "ModelTimeoutException", "ModelStreamErrorException" ->
          new ProviderUnavailableException(provider, status, t, message, null);
      case "ValidationException" -> tooLong(message)
          ? new ContextLengthExceededException(provider, status == 0 ? 400 : status, t, message,
              null)
          : new InvalidRequestException(provider, status == 0 ? 400 : status, t, message, null);
      case "ResourceNotFoundException" ->
          new InvalidRequestException(provider, status, t, message, null);
      case "AccessDeniedException", "UnrecognizedClientException",
          "InvalidSignatureException", "ExpiredTokenException",
          "IncompleteSignatureException" ->
          new AuthenticationException(provider, status == 0 ? 403 : status, t, message, null);
      default -> null;
    };
  }
}
