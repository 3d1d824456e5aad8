package dev.aigateway.providers.openai.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.FinishReasons;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
import dev.aigateway.providers.internal.StreamDecoder;
import dev.aigateway.providers.internal.VendorError;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The OpenAI Chat Completions wire format: request bodies, replies, stream chunks and error
 * bodies. Shared by the OpenAI adapter, the OpenAI-compatible presets and the Azure OpenAI
 * adapter; not a supported API of its own. Immutable and thread safe.
 *
 * <p>Mapping notes:
 * <ul>
 *   <li>A user message of one text part is sent as a string; other content as an array of
 *       {@code text} and {@code image_url} parts, with image bytes as a {@code data:} URL.
 *   <li>Tool schemas and JSON response schemas go on the wire as JSON objects; text that does not
 *       parse is rejected with an {@link InvalidRequestException} before anything is sent.
 *   <li>Only the first choice is read; {@code n > 1} (via {@code extra}) is not supported.
 *   <li>A refusal ({@code message.refusal}, and in a stream {@code delta.refusal}) is the answer's
 *       {@link ChatResponse#refusal()}, kept apart from its text, with
 *       {@link FinishReason#CONTENT_FILTER}.
 *   <li>Reasoning text ({@code reasoning_content} as DeepSeek and vLLM send it, {@code reasoning}
 *       as OpenRouter and Groq do, and Mistral's {@code thinking} content parts) is the answer's
 *       {@link ChatResponse#reasoning()}, apart from its text. It is not sent back on later
 *       turns: these vendors need no reasoning back (DeepSeek rejects it).
 *   <li>In a stream, chunks that carry nothing (the opening role-only delta) are skipped, and the
 *       finish reason and usage, which OpenAI sends in two separate chunks before {@code [DONE]},
 *       are delivered together as the last chunk.
 * </ul>
 */
public final class ChatCompletions {
  /** The names Chat Completions takes for a response format's schema. */
  private static final java.util.regex.Pattern SCHEMA_NAME =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,64}");

  /** How an adapter spells the output limit. */
  public enum MaxTokensField {
    /** {@code max_completion_tokens}, which OpenAI requires for reasoning models. */
    MAX_COMPLETION_TOKENS("max_completion_tokens"),
    /** {@code max_tokens}, which most OpenAI-compatible servers expect. */
    MAX_TOKENS("max_tokens");

    final String wireName;

    MaxTokensField(String wireName) {
      this.wireName = wireName;
    }
  }

  /** Error codes OpenAI uses for a 429 that waiting cannot fix. */
  private static final Set<String> QUOTA_CODES = Set.of(
      "insufficient_quota", "credit_balance_exhausted", "organization_spend_limit_exceeded",
      "project_spend_limit_exceeded", "organization_usage_limit_exceeded",
      "billing_hard_limit_reached");

  /** Reads OpenAI's {@code {"error": {"message", "type", "param", "code"}}} error body. */
  public static final VendorError.Parser ERROR_PARSER = ChatCompletions::parseError;

  /**
   * Where an OpenAI-compatible server departs from OpenAI's own field names.
   *
   * @param maxTokensField how to spell the output limit
   * @param streamUsage whether to ask for usage in streams with
   *     {@code stream_options.include_usage}; servers that reject the field (Mistral) send usage
   *     anyway
   * @param seedField the name of the seed field ({@code seed}, or Mistral's
   *     {@code random_seed})
   * @param sendModel whether to put {@code model} in the body (Azure's deployment URLs carry it)
   */
  public record Dialect(
      MaxTokensField maxTokensField, boolean streamUsage, String seedField, boolean sendModel) {
    /** OpenAI's own API. */
    public static final Dialect OPENAI =
        new Dialect(MaxTokensField.MAX_COMPLETION_TOKENS, true, "seed", true);
    /** What most OpenAI-compatible servers accept. */
    public static final Dialect COMPATIBLE =
        new Dialect(MaxTokensField.MAX_TOKENS, true, "seed", true);

    /** Validates the fields. */
    public Dialect {
      if (maxTokensField == null) {
        throw new IllegalArgumentException("maxTokensField is required");
      }
      if (seedField == null || seedField.isBlank()) {
        throw new IllegalArgumentException("seedField must not be blank");
      }
    }
  }

  private final String provider;
  private final MaxTokensField maxTokensField;
  private final boolean streamUsage;
  private final String seedField;
  private final boolean sendModel;

  /**
   * @param provider the provider id that responses and chunks report
   * @param dialect the server's field names
   */
  public ChatCompletions(String provider, Dialect dialect) {
    this.provider = provider;
    this.maxTokensField = dialect.maxTokensField();
    this.streamUsage = dialect.streamUsage();
    this.seedField = dialect.seedField();
    this.sendModel = dialect.sendModel();
  }

  // ---------------------------------------------------------------- request

  /**
   * The JSON body for {@code request}.
   *
   * @throws InvalidRequestException when a tool's or response format's schema is not a JSON
   *     object
   */
  public byte[] writeRequest(ChatRequest request, boolean stream) {
    return writeRequest(request, request.model(), stream);
  }

  /**
   * The JSON body for {@code request}, naming {@code model} as the model (Azure's v1 API wants
   * the deployment name there).
   *
   * @throws InvalidRequestException when a tool's or response format's schema is not a JSON
   *     object
   */
  public byte[] writeRequest(ChatRequest request, String model, boolean stream) {
    return Json.requestBody(request.extra(), b -> {
      if (sendModel) {
        b.field("model", g -> g.writeStringField("model", model));
      }
      b.field("messages", g -> {
        g.writeArrayFieldStart("messages");
        for (Message m : request.messages()) {
          writeMessage(g, m);
        }
        g.writeEndArray();
      });
      if (request.temperature() != null) {
        b.field("temperature", g -> g.writeNumberField("temperature", request.temperature()));
      }
      if (request.topP() != null) {
        b.field("top_p", g -> g.writeNumberField("top_p", request.topP()));
      }
      if (request.maxTokens() != null) {
        b.field(maxTokensField.wireName, g -> {
          g.writeNumberField(maxTokensField.wireName, request.maxTokens());
        });
      }
      if (!request.stop().isEmpty()) {
        b.field("stop", g -> {
          g.writeArrayFieldStart("stop");
          for (String s : request.stop()) {
            g.writeString(s);
          }
          g.writeEndArray();
        });
      }
      if (request.seed() != null) {
        b.field(seedField, g -> g.writeNumberField(seedField, request.seed()));
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
        b.field("response_format", g -> writeResponseFormat(g, request.responseFormat()));
      }
      if (stream) {
        b.field("stream", g -> g.writeBooleanField("stream", true));
        if (streamUsage) {
          b.field("stream_options", g -> {
            g.writeObjectFieldStart("stream_options");
            g.writeBooleanField("include_usage", true);
            g.writeEndObject();
          });
        }
      }
    });
  }

  private void writeMessage(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    switch (m.role()) {
      case SYSTEM -> {
        g.writeStringField("role", "system");
        g.writeStringField("content", m.text());
      }
      case USER -> {
        g.writeStringField("role", "user");
        writeUserContent(g, m.parts());
      }
      case ASSISTANT -> {
        g.writeStringField("role", "assistant");
        if (m.toolCalls().isEmpty()) {
          g.writeStringField("content", m.text());
        } else {
          if (m.text().isEmpty()) {
            g.writeNullField("content");
          } else {
            g.writeStringField("content", m.text());
          }
          g.writeArrayFieldStart("tool_calls");
          for (ToolCall call : m.toolCalls()) {
            g.writeStartObject();
            g.writeStringField("id", call.id());
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", call.name());
            g.writeStringField("arguments", call.arguments());
            g.writeEndObject();
            g.writeEndObject();
          }
          g.writeEndArray();
        }
      }
      case TOOL -> {
        g.writeStringField("role", "tool");
        g.writeStringField("tool_call_id", m.toolCallId());
        g.writeStringField("content", m.text());
      }
    }
    g.writeEndObject();
  }

  private static void writeUserContent(JsonGenerator g, List<ContentPart> parts)
      throws IOException {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t) {
      g.writeStringField("content", t.text());
      return;
    }
    g.writeArrayFieldStart("content");
    for (ContentPart part : parts) {
      g.writeStartObject();
      if (part instanceof ContentPart.Text t) {
        g.writeStringField("type", "text");
        g.writeStringField("text", t.text());
      } else if (part instanceof ContentPart.ImageUrl u) {
        g.writeStringField("type", "image_url");
        g.writeObjectFieldStart("image_url");
        g.writeStringField("url", u.url());
        g.writeEndObject();
      } else if (part instanceof ContentPart.Image img) {
        g.writeStringField("type", "image_url");
        g.writeObjectFieldStart("image_url");
        g.writeStringField("url", "data:" + img.mediaType() + ";base64," + img.base64());
        g.writeEndObject();
      }
      g.writeEndObject();
    }
    g.writeEndArray();
  }

  private void writeTool(JsonGenerator g, ToolDefinition tool) throws IOException {
    JsonNode schema = parseSchema(tool.parametersJsonSchema(),
        "tool '" + tool.name() + "': parametersJsonSchema");
    g.writeStartObject();
    g.writeStringField("type", "function");
    g.writeObjectFieldStart("function");
    g.writeStringField("name", tool.name());
    if (tool.description() != null) {
      g.writeStringField("description", tool.description());
    }
    g.writeFieldName("parameters");
    g.writeTree(schema);
    g.writeEndObject();
    g.writeEndObject();
  }

  private static void writeToolChoice(JsonGenerator g, ToolChoice choice) throws IOException {
    switch (choice.type()) {
      case AUTO -> g.writeStringField("tool_choice", "auto");
      case NONE -> g.writeStringField("tool_choice", "none");
      case REQUIRED -> g.writeStringField("tool_choice", "required");
      case TOOL -> {
        g.writeObjectFieldStart("tool_choice");
        g.writeStringField("type", "function");
        g.writeObjectFieldStart("function");
        g.writeStringField("name", choice.toolName());
        g.writeEndObject();
        g.writeEndObject();
      }
    }
  }

  private void writeResponseFormat(JsonGenerator g, ResponseFormat format) throws IOException {
    g.writeObjectFieldStart("response_format");
    switch (format.type()) {
      case TEXT -> g.writeStringField("type", "text");
      case JSON_OBJECT -> g.writeStringField("type", "json_object");
      case JSON_SCHEMA -> {
        JsonNode schema = parseSchema(format.schema(), "responseFormat schema");
        if (!SCHEMA_NAME.matcher(format.name()).matches()) {
          // OpenAI and Azure refuse any other name with a 400; say so before sending.
          throw new InvalidRequestException(provider, 0, "invalid_schema_name", provider
              + ": the response format's name must be 1 to 64 of a-z, A-Z, 0-9, _ and -, but is '"
              + format.name() + "'", null);
        }
        g.writeStringField("type", "json_schema");
        g.writeObjectFieldStart("json_schema");
        g.writeStringField("name", format.name());
        g.writeFieldName("schema");
        g.writeTree(schema);
        g.writeBooleanField("strict", format.strict());
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }

  private JsonNode parseSchema(String json, String what) {
    try {
      return Json.parseObject(json, what);
    } catch (IllegalArgumentException e) {
      throw new InvalidRequestException(provider, 0, "invalid_schema",
          provider + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- response

  /**
   * Reads a {@code chat.completion} object with the streaming parser, which stands on its
   * {@code START_OBJECT}; builds no tree (but of an error object, off the success path).
   *
   * @param requestedModel reported when the reply names no model
   * @throws MalformedResponseException when it has no choices or no message
   * @throws ProviderUnavailableException when the body is an error object
   */
  public ChatResponse readResponse(JsonParser p, String requestedModel) throws IOException {
    String id = null;
    String model = null;
    Usage usage = null;
    boolean hasChoices = false;
    Reply first = null;
    // An error body: {"error": ...}, or the top-level form some compatible servers use.
    boolean hasError = false;
    JsonNode error = null;
    String object = null;
    String message = null;
    String type = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "id" -> id = Json.valueText(p, v);
        case "model" -> model = Json.valueText(p, v);
        case "choices" -> {
          hasChoices = true;
          if (v != JsonToken.START_ARRAY) {
            p.skipChildren();
            break;
          }
          while (p.nextToken() == JsonToken.START_OBJECT) {
            if (first == null) {
              first = readChoice(p);
            } else {
              p.skipChildren();
            }
          }
        }
        case "usage" -> {
          if (v == JsonToken.START_OBJECT) {
            usage = ChunkReader.readUsage(p);
          } else {
            p.skipChildren();
          }
        }
        case "error" -> {
          hasError = true;
          error = Json.MAPPER.readTree(p);
        }
        case "object" -> object = Json.valueText(p, v);
        case "message" -> message = Json.valueText(p, v);
        case "type" -> type = Json.valueText(p, v);
        default -> p.skipChildren();
      }
    }
    if (hasError && !hasChoices) {
      ObjectNode root = Json.MAPPER.createObjectNode();
      root.set("error", error);
      root.put("object", object);
      if (message != null) {
        root.put("message", message);
      }
      if (type != null) {
        root.put("type", type);
      }
      throw errorInBody(root);
    }
    if (first == null) {
      throw new MalformedResponseException(provider, 200,
          provider + ": the response has no choices", null);
    }
    if (!first.hasMessage) {
      throw new MalformedResponseException(provider, 200,
          provider + ": the response's first choice has no message", null);
    }
    if (first.missingName >= 0) {
      throw new MalformedResponseException(provider, 200,
          provider + ": tool call " + first.missingName + " has no function name", null);
    }
    FinishReason reason = finishReason(first.finishReason);
    boolean refused = first.refusal != null && !first.refusal.isEmpty();
    if (refused) {
      reason = FinishReason.CONTENT_FILTER;
    }
    String reasoning = first.reasoning;
    List<ContentPart> reasoningParts = reasoning == null || reasoning.isEmpty()
        ? List.of() : List.of(ContentPart.reasoning(reasoning));
    ChatResponse answer = FinishReasons.answer(provider, id, model, requestedModel,
        reasoningParts, first.text, first.calls, reason, usage);
    return refused ? answer.toBuilder().refusal(first.refusal).build() : answer;
  }

  /** What a reply's first choice says. */
  private static final class Reply {
    boolean hasMessage;
    String text = "";
    @Nullable String reasoning;
    @Nullable String refusal;
    @Nullable String finishReason;
    final List<ToolCall> calls = new ArrayList<>(0);
    /** The index of the first tool call without a function name, or -1. */
    int missingName = -1;
  }

  /** One choice, the parser on its {@code START_OBJECT}. */
  private static Reply readChoice(JsonParser p) throws IOException {
    Reply r = new Reply();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "finish_reason" -> r.finishReason = Json.valueText(p, v);
        case "message" -> {
          if (v == JsonToken.START_OBJECT) {
            r.hasMessage = true;
            readMessage(p, r);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    return r;
  }

  /** A choice's message, the parser on its {@code START_OBJECT}. */
  private static void readMessage(JsonParser p, Reply r) throws IOException {
    String reasoningContent = null;
    String reasoningField = null;
    String transcript = null;
    StringBuilder thinking = new StringBuilder(0);
    boolean arrayContent = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      switch (field) {
        case "content" -> {
          arrayContent = v == JsonToken.START_ARRAY;
          r.text = ChunkReader.content(p, v, thinking);
        }
        case "reasoning_content" -> reasoningContent = Json.valueText(p, v);
        case "reasoning" -> reasoningField = Json.valueText(p, v);
        case "audio" -> transcript = ChunkReader.transcript(p, v);
        case "refusal" -> r.refusal = Json.valueText(p, v);
        case "tool_calls" -> readToolCalls(p, v, r);
        default -> p.skipChildren();
      }
    }
    String reasoning = reasoningContent;
    if (reasoning == null || reasoning.isEmpty()) {
      reasoning = reasoningField;
    }
    if ((reasoning == null || reasoning.isEmpty()) && arrayContent && thinking.length() > 0) {
      reasoning = thinking.toString(); // Mistral's thinking parts
    }
    r.reasoning = reasoning;
    if (r.text.isEmpty()) { // an audio answer (modalities audio): its words are the transcript
      r.text = transcript == null ? "" : transcript;
    }
  }

  private static void readToolCalls(JsonParser p, JsonToken v, Reply r) throws IOException {
    if (v != JsonToken.START_ARRAY) {
      p.skipChildren();
      return;
    }
    int i = 0;
    while (p.nextToken() == JsonToken.START_OBJECT) {
      String id = null;
      String name = null;
      String arguments = null;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken fv = p.nextToken();
        switch (field) {
          case "id" -> id = Json.valueText(p, fv);
          case "function" -> {
            if (fv != JsonToken.START_OBJECT) {
              p.skipChildren();
              break;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String f = p.currentName();
              JsonToken value = p.nextToken();
              switch (f) {
                case "name" -> name = Json.valueText(p, value);
                case "arguments" -> arguments = Json.valueText(p, value);
                default -> p.skipChildren();
              }
            }
          }
          default -> p.skipChildren();
        }
      }
      if (name == null) {
        if (r.missingName < 0) {
          r.missingName = i;
        }
      } else {
        r.calls.add(ToolCall.of(id != null && !id.isEmpty() ? id : "call_" + i, name, arguments));
      }
      i++;
    }
  }

  /** OpenAI's finish reasons; anything unknown is {@link FinishReason#OTHER}. */
  static FinishReason finishReason(@Nullable String value) {
    if (value == null) {
      return FinishReason.OTHER;
    }
    return switch (value) {
      case "stop" -> FinishReason.STOP;
      case "length" -> FinishReason.LENGTH;
      case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
      case "content_filter" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }

  /** A 200 reply whose body is an error object, as some compatible servers send. */
  private ProviderUnavailableException errorInBody(JsonNode root) {
    VendorError e = parseError(root);
    String code = e == null ? null : e.errorCode();
    return new ProviderUnavailableException(provider, 200, code,
        provider + ": HTTP 200 carried an error: " + (code != null ? code + ": " : "")
            + (e == null || e.message() == null ? "(no message)" : e.message()), null);
  }

  /**
   * OpenAI's error body, or null when {@code root} is not one. Also reads the top-level form some
   * compatible servers use ({@code {"object": "error", "message": ..., "type": ...}}).
   */
  static @Nullable VendorError parseError(JsonNode root) {
    JsonNode error = root.get("error");
    if ((error == null || error.isNull())
        && ("error".equals(Json.text(root, "object")) || root.has("message") && root.has("type"))) {
      error = root;
    }
    if (error == null || error.isNull()) {
      return null;
    }
    if (error.isTextual()) { // some compatible servers: {"error": "message"}
      String message = error.asText();
      return new VendorError(null, null, message, mentionsContextLength(message), false);
    }
    String type = Json.text(error, "type");
    String code = Json.text(error, "code");
    String message = Json.text(error, "message");
    boolean context = "context_length_exceeded".equals(code) || mentionsContextLength(message);
    boolean quota = code != null && QUOTA_CODES.contains(code) || "insufficient_quota".equals(type);
    return new VendorError(type, code, message, context, quota);
  }

  private static boolean mentionsContextLength(@Nullable String message) {
    return VendorError.mentions(message, "maximum context length", "context_length_exceeded",
        "context window");
  }

  // ---------------------------------------------------------------- streaming

  /** A decoder for one stream of {@code chat.completion.chunk} events. */
  public StreamDecoder streamDecoder(String requestedModel) {
    return new Decoder(requestedModel);
  }

  /** Decodes {@code chat.completion.chunk} events until {@code [DONE]}. */
  private final class Decoder implements StreamDecoder {
    private @Nullable String id;
    private String model;
    private @Nullable FinishReason finishReason;
    private boolean refused;
    private boolean sawToolCalls;
    private @Nullable Usage usage;
    private final ChunkReader chunk = new ChunkReader();
    private final JsonEvents json = new JsonEvents();
    private boolean sawAnything;
    private boolean complete;

    Decoder(String requestedModel) {
      this.model = requestedModel;
    }

    @Override
    public void onEvent(@Nullable String type, EventData data, Sink sink) {
      if (data.is("[DONE]")) {
        if (!sawAnything) {
          complete = true; // the vendor streamed nothing at all: an empty stream
          return;
        }
        if (emitLast(sink)) {
          complete = true;
        }
        return;
      }
      try {
        chunk.read(json, data);
      } catch (IOException e) {
        throw new MalformedResponseException(provider, 200,
            provider + ": a stream event is not valid JSON: " + Json.excerpt(data.text()), e);
      }
      if ("error".equals(type) || chunk.error && !chunk.choices) {
        throw streamError(data.text());
      }
      sawAnything = true;
      if (id == null && chunk.id != null && !chunk.id.isEmpty()) {
        id = chunk.id; // the first non-empty: Azure opens with a prompt filter chunk whose id is ""
      }
      if (chunk.model != null && !chunk.model.isEmpty()) {
        model = chunk.model;
      }
      if (chunk.usage != null) {
        usage = chunk.usage;
      }
      String text = chunk.content;
      String refusal = chunk.refusal;
      if (refusal != null && !refusal.isEmpty()) {
        refused = true;
      } else {
        refusal = null;
      }
      String reasoning = chunk.reasoning;
      if (chunk.toolCalls != null) {
        sawToolCalls = true;
      }
      if (chunk.finishReason != null) {
        finishReason = finishReason(chunk.finishReason);
      }
      if (!text.isEmpty() || chunk.toolCalls != null || reasoning != null || refusal != null) {
        ChatChunk c = ChatChunk.of(id, provider, model, text, chunk.toolCalls, null, null);
        if (reasoning != null) {
          c = c.withReasoning(reasoning, null);
        }
        if (refusal != null) {
          c = c.withRefusal(refusal);
        }
        sink.emit(c);
      }
    }

    /** An error event: read with the tree parser, since it is off the hot path. */
    private ProviderUnavailableException streamError(String data) {
      JsonNode root;
      try {
        root = Json.parse(data);
      } catch (IOException e) {
        root = Json.MAPPER.createObjectNode();
      }
      VendorError e = parseError(root);
      String code = e == null ? null : e.errorCode();
      String message =
          e == null || e.message() == null ? Json.excerpt(root.toString()) : e.message();
      return new ProviderUnavailableException(provider, 0, code,
          provider + ": the stream carried an error: " + (code != null ? code + ": " : "")
              + message, null);
    }

    /** The last chunk: the finish reason, and the usage if it came. */
    private boolean emitLast(Sink sink) {
      FinishReason reason = finishReason == null ? FinishReason.OTHER : finishReason;
      if (refused) {
        reason = FinishReason.CONTENT_FILTER;
      } else {
        reason = FinishReasons.withToolCalls(reason, sawToolCalls);
      }
      return sink.emit(ChatChunk.of(id, provider, model, "", null, reason, usage));
    }

    @Override
    public boolean isComplete() {
      return complete;
    }

    /** Some compatible servers end the body after the finish reason and never send [DONE]. */
    @Override
    public boolean onEndOfBody(Sink sink) {
      if (finishReason == null) {
        return false;
      }
      emitLast(sink);
      return true;
    }

    @Override
    public String terminalEvent() {
      return "[DONE]";
    }

    @Override
    public void close() {
      json.close();
    }
  }

}
