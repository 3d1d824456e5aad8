package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
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
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.api.UnsupportedResponseException;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.FinishReasons;
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
 * Gemini's {@code generateContent} wire format: request bodies, replies, stream events and error
 * bodies. Immutable and thread safe. {@link GeminiProvider} documents the mapping.
 */
final class GenerateContent {
  /** Reads Google's {@code google.rpc} error body. */
  static final VendorError.Parser ERROR_PARSER = GoogleRpcErrors::parse;

  private final String provider;
  private final GeminiProvider.SchemaField schemaField;
  private final Clock clock;

  GenerateContent(String provider, GeminiProvider.SchemaField schemaField, Clock clock) {
    this.provider = provider;
    this.schemaField = schemaField;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- request

  /**
   * The JSON body for {@code request}; the same for plain calls and streams.
   *
   * @throws InvalidRequestException for input Gemini cannot take: a schema or tool-call arguments
   *     that are not a JSON object, a tool result whose call is not in the history, a
   *     {@code data:} URL that is not base64
   */
  byte[] writeRequest(ChatRequest request) {
    return Json.requestBody(request.extra(), b -> {
      b.field("contents", g -> writeContents(g, request.messages()));
      b.field("systemInstruction", g -> writeSystemInstruction(g, request.messages()));
      if (!request.tools().isEmpty()) {
        b.field("tools", g -> {
          g.writeArrayFieldStart("tools");
          g.writeStartObject();
          g.writeArrayFieldStart("functionDeclarations");
          for (ToolDefinition tool : request.tools()) {
            writeFunctionDeclaration(g, tool);
          }
          g.writeEndArray();
          g.writeEndObject();
          g.writeEndArray();
        });
      }
      if (request.toolChoice() != null) {
        b.field("toolConfig", g -> writeToolConfig(g, request.toolChoice()));
      }
      b.field("generationConfig", g -> writeGenerationConfig(g, request));
    });
  }

  private void writeContents(JsonGenerator g, List<Message> messages) throws IOException {
    g.writeArrayFieldStart("contents");
    int i = 0;
    while (i < messages.size()) {
      Message m = messages.get(i);
      switch (m.role()) {
        case SYSTEM -> i++; // in systemInstruction
        case USER -> {
          g.writeStartObject();
          g.writeStringField("role", "user");
          g.writeArrayFieldStart("parts");
          for (ContentPart part : m.parts()) {
            writeUserPart(g, part);
          }
          g.writeEndArray();
          g.writeEndObject();
          i++;
        }
        case ASSISTANT -> {
          writeModelTurn(g, m);
          i++;
        }
        case TOOL -> {
          // Consecutive tool results answer one model turn: one user turn of functionResponses.
          g.writeStartObject();
          g.writeStringField("role", "user");
          g.writeArrayFieldStart("parts");
          while (i < messages.size() && messages.get(i).role() == Role.TOOL) {
            writeFunctionResponse(g, messages, i);
            i++;
          }
          g.writeEndArray();
          g.writeEndObject();
        }
      }
    }
    g.writeEndArray();
  }

  private static void writeSystemInstruction(JsonGenerator g, List<Message> messages)
      throws IOException {
    boolean open = false;
    for (Message m : messages) {
      if (m.role() != Role.SYSTEM) {
        continue;
      }
      if (!open) {
        g.writeObjectFieldStart("systemInstruction");
        g.writeArrayFieldStart("parts");
        open = true;
      }
      g.writeStartObject();
      g.writeStringField("text", m.text());
      g.writeEndObject();
    }
    if (open) {
      g.writeEndArray();
      g.writeEndObject();
    }
  }

  private void writeUserPart(JsonGenerator g, ContentPart part) throws IOException {
    g.writeStartObject();
    if (part instanceof ContentPart.Text t) {
      g.writeStringField("text", t.text());
    } else if (part instanceof ContentPart.Image img) {
      writeInlineData(g, img.mediaType(), img.base64());
    } else if (part instanceof ContentPart.ImageUrl u) {
      String url = u.url();
      if (url.regionMatches(true, 0, "data:", 0, 5)) {
        int comma = url.indexOf(',');
        String header = comma < 0 ? "" : url.substring(5, comma);
        if (comma < 0 || !header.toLowerCase(Locale.ROOT).endsWith(";base64")) {
          throw new InvalidRequestException(provider, 0, "unsupported_image_url",
              provider + ": a data: image URL must be base64 (data:<type>;base64,<data>)", null);
        }
        String mimeType = header.substring(0, header.length() - ";base64".length());
        if (mimeType.isBlank()) {
          throw new InvalidRequestException(provider, 0, "unsupported_image_url",
              provider + ": a data: image URL must name its media type", null);
        }
        writeInlineData(g, mimeType, url.substring(comma + 1));
      } else {
        g.writeObjectFieldStart("fileData");
        String mimeType = guessImageType(url);
        if (mimeType != null) {
          g.writeStringField("mimeType", mimeType);
        }
        g.writeStringField("fileUri", url);
        g.writeEndObject();
      }
    }
    g.writeEndObject();
  }

  private static void writeInlineData(JsonGenerator g, String mimeType, String base64)
      throws IOException {
    g.writeObjectFieldStart("inlineData");
    g.writeStringField("mimeType", mimeType);
    g.writeStringField("data", base64);
    g.writeEndObject();
  }

  /** The image type a URL's extension names (before any query), or null. */
  static @Nullable String guessImageType(String url) {
    String path = url;
    int cut = path.indexOf('?');
    if (cut >= 0) {
      path = path.substring(0, cut);
    }
    cut = path.indexOf('#');
    if (cut >= 0) {
      path = path.substring(0, cut);
    }
    int dot = path.lastIndexOf('.');
    if (dot < 0 || dot < path.lastIndexOf('/')) {
      return null;
    }
    return switch (path.substring(dot + 1).toLowerCase(Locale.ROOT)) {
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "webp" -> "image/webp";
      case "gif" -> "image/gif";
      case "heic" -> "image/heic";
      case "heif" -> "image/heif";
      default -> null;
    };
  }

  private void writeModelTurn(JsonGenerator g, Message m) throws IOException {
    g.writeStartObject();
    g.writeStringField("role", "model");
    g.writeArrayFieldStart("parts");
    // Gemini's signed state goes back on the part it came on; another vendor's is left out.
    String pending = null; // a signature that came on an answer text part
    for (ContentPart part : m.parts()) {
      if (part instanceof ContentPart.Reasoning r && r.signedFor(ReasoningSignature.GEMINI)) {
        if (r.text().isEmpty()) {
          pending = r.signature().value();
        } else {
          g.writeStartObject();
          g.writeStringField("text", r.text());
          g.writeBooleanField("thought", true);
          g.writeStringField("thoughtSignature", r.signature().value());
          g.writeEndObject();
        }
      }
    }
    if (!m.text().isEmpty() || m.toolCalls().isEmpty() || pending != null) {
      g.writeStartObject();
      g.writeStringField("text", m.text());
      if (pending != null) {
        g.writeStringField("thoughtSignature", pending);
      }
      g.writeEndObject();
    }
    boolean fromGemini = fromGemini(m);
    for (int i = 0; i < m.toolCalls().size(); i++) {
      ToolCall call = m.toolCalls().get(i);
      JsonNode args;
      try {
        args = Json.parseObject(call.arguments(), "the arguments of tool call '" + call.id() + "'");
      } catch (IllegalArgumentException e) {
        throw new InvalidRequestException(provider, 0, "invalid_tool_arguments",
            provider + ": " + e.getMessage() + "; Gemini takes them as a JSON object", e);
      }
      g.writeStartObject();
      g.writeObjectFieldStart("functionCall");
      if (fromGemini && isGeminiId(call.id(), i, call.name())) {
        g.writeStringField("id", call.id());
      }
      g.writeStringField("name", call.name());
      g.writeFieldName("args");
      g.writeTree(args);
      g.writeEndObject();
      ReasoningSignature signature = call.signature();
      if (signature != null && signature.format().equals(ReasoningSignature.GEMINI)) {
        g.writeStringField("thoughtSignature", signature.value());
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  /**
   * Whether an assistant message came from Gemini: it carries Gemini's signed state. Only then
   * are its function-call ids Gemini's own, to be sent back; another vendor's ids are not.
   */
  private static boolean fromGemini(Message m) {
    for (ToolCall call : m.toolCalls()) {
      if (call.signature() != null
          && call.signature().format().equals(ReasoningSignature.GEMINI)) {
        return true;
      }
    }
    for (ContentPart part : m.parts()) {
      if (part instanceof ContentPart.Reasoning r && r.signedFor(ReasoningSignature.GEMINI)) {
        return true;
      }
    }
    return false;
  }

  /** Whether {@code id} is Gemini's, not the one this adapter made up for a call without one. */
  private static boolean isGeminiId(String id, int index, String name) {
    return !id.equals(syntheticId(index, name));
  }

  private static String syntheticId(int index, String name) {
    return "call_" + index + "_" + name;
  }

  private void writeFunctionResponse(JsonGenerator g, List<Message> messages, int at)
      throws IOException {
    Message result = messages.get(at);
    String name = functionName(messages, at, result.toolCallId());
    g.writeStartObject();
    g.writeObjectFieldStart("functionResponse");
    if (geminiCallId(messages, at, result.toolCallId())) {
      g.writeStringField("id", result.toolCallId());
    }
    g.writeStringField("name", name);
    g.writeFieldName("response");
    JsonNode object = jsonObjectOrNull(result.text());
    if (object != null) {
      g.writeTree(object);
    } else {
      g.writeStartObject();
      g.writeStringField("result", result.text());
      g.writeEndObject();
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  /** The name of the call {@code id}, from the nearest assistant turn before {@code at}. */
  private String functionName(List<Message> messages, int at, @Nullable String id) {
    for (int i = at - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      for (ToolCall call : m.toolCalls()) {
        if (call.id().equals(id)) {
          return call.name();
        }
      }
    }
    throw new InvalidRequestException(provider, 0, "unknown_tool_call",
        provider + ": the tool result for '" + id + "' answers no tool call of an earlier"
            + " assistant message; Gemini needs the function's name", null);
  }

  /** Whether {@code id} names a call whose functionCall part was sent with Gemini's id. */
  private static boolean geminiCallId(List<Message> messages, int at, @Nullable String id) {
    for (int i = at - 1; i >= 0; i--) {
      Message m = messages.get(i);
      if (m.role() != Role.ASSISTANT) {
        continue;
      }
      List<ToolCall> calls = m.toolCalls();
      for (int j = 0; j < calls.size(); j++) {
        ToolCall call = calls.get(j);
        if (call.id().equals(id)) {
          return fromGemini(m) && isGeminiId(call.id(), j, call.name());
        }
      }
    }
    return false;
  }

  private static @Nullable JsonNode jsonObjectOrNull(String text) {
    String t = text.strip();
    if (!t.startsWith("{")) {
      return null;
    }
    try {
      JsonNode node = Json.parse(t);
      return node != null && node.isObject() ? node : null;
    } catch (IOException e) {
      return null;
    }
  }

  private void writeFunctionDeclaration(JsonGenerator g, ToolDefinition tool) throws IOException {
    JsonNode schema = parseSchema(tool.parametersJsonSchema(),
        "tool '" + tool.name() + "': parametersJsonSchema");
    g.writeStartObject();
    g.writeStringField("name", tool.name());
    if (tool.description() != null) {
      g.writeStringField("description", tool.description());
    }
    g.writeFieldName(schemaField == GeminiProvider.SchemaField.JSON_SCHEMA
        ? "parametersJsonSchema" : "parameters");
    g.writeTree(schema);
    g.writeEndObject();
  }

  private static void writeToolConfig(JsonGenerator g, ToolChoice choice) throws IOException {
    g.writeObjectFieldStart("toolConfig");
    g.writeObjectFieldStart("functionCallingConfig");
    switch (choice.type()) {
      case AUTO -> g.writeStringField("mode", "AUTO");
      case NONE -> g.writeStringField("mode", "NONE");
      case REQUIRED -> g.writeStringField("mode", "ANY");
      case TOOL -> {
        g.writeStringField("mode", "ANY");
        g.writeArrayFieldStart("allowedFunctionNames");
        g.writeString(choice.toolName());
        g.writeEndArray();
      }
    }
    g.writeEndObject();
    g.writeEndObject();
  }

  private void writeGenerationConfig(JsonGenerator g, ChatRequest request) throws IOException {
    ResponseFormat format = request.responseFormat();
    JsonNode schema = format != null && format.type() == ResponseFormat.Type.JSON_SCHEMA
        ? parseSchema(format.schema(), "responseFormat schema") : null;
    if (request.temperature() == null && request.topP() == null && request.maxTokens() == null
        && request.stop().isEmpty() && request.seed() == null && format == null) {
      return;
    }
    g.writeObjectFieldStart("generationConfig");
    if (request.temperature() != null) {
      g.writeNumberField("temperature", request.temperature());
    }
    if (request.topP() != null) {
      g.writeNumberField("topP", request.topP());
    }
    if (request.maxTokens() != null) {
      g.writeNumberField("maxOutputTokens", request.maxTokens());
    }
    if (!request.stop().isEmpty()) {
      g.writeArrayFieldStart("stopSequences");
      for (String s : request.stop()) {
        g.writeString(s);
      }
      g.writeEndArray();
    }
    if (request.seed() != null) {
      g.writeNumberField("seed", request.seed());
    }
    if (format != null) {
      switch (format.type()) {
        case TEXT -> g.writeStringField("responseMimeType", "text/plain");
        case JSON_OBJECT -> g.writeStringField("responseMimeType", "application/json");
        case JSON_SCHEMA -> {
          g.writeStringField("responseMimeType", "application/json");
          g.writeFieldName(schemaField == GeminiProvider.SchemaField.JSON_SCHEMA
              ? "responseJsonSchema" : "responseSchema");
          g.writeTree(schema);
        }
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
   * Reads a {@code GenerateContentResponse}.
   *
   * @param requestedModel reported when the reply names no {@code modelVersion}
   * @throws InvalidRequestException when Gemini blocked the prompt ({@code promptFeedback})
   * @throws MalformedResponseException when it has no candidate, or a function call has no name
   * @throws ProviderException of the mapped type when the body is a {@code google.rpc} error
   */
  ChatResponse readResponse(JsonNode root, String requestedModel) {
    JsonNode candidate = firstCandidate(root, 200);
    String text = "";
    List<ToolCall> calls = new ArrayList<>(0);
    List<ContentPart> thoughts = new ArrayList<>(0);
    JsonNode parts = candidate.path("content").path("parts");
    if (parts.isArray()) {
      StringBuilder sb = new StringBuilder();
      for (JsonNode part : parts) {
        JsonNode call = part.get("functionCall");
        ReasoningSignature signature = signature(part);
        if (call != null && call.isObject()) {
          int index = calls.size();
          calls.add(new ToolCall(callId(call, index), callName(call, index), callArgs(call),
              signature));
        } else if (isAnswerText(part)) {
          sb.append(part.get("text").asText());
          if (signature != null) { // kept, to go back on the answer's text part
            thoughts.add(ContentPart.reasoning("", signature));
          }
        } else if (isThought(part)) {
          String t = part.path("text").asText("");
          thoughts.add(signature != null ? ContentPart.reasoning(t, signature)
              : ContentPart.reasoning(t));
        } else if (signature != null) { // a part with only a signature
          thoughts.add(ContentPart.reasoning("", signature));
        }
      }
      text = sb.toString();
    }
    FinishReason reason = finishReason(Json.text(candidate, "finishReason"));
    return FinishReasons.answer(provider, Json.text(root, "responseId"),
        Json.text(root, "modelVersion"), requestedModel, thoughts, text, calls, reason,
        usage(root.get("usageMetadata")));
  }

  /** The first candidate of a reply; throws for an error body, a blocked prompt, or none. */
  private JsonNode firstCandidate(JsonNode root, int status) {
    JsonNode candidate = candidateOrNull(root, status);
    if (candidate == null) {
      throw new MalformedResponseException(provider, status,
          provider + ": the response has no candidates", null);
    }
    return candidate;
  }

  /**
   * The first candidate, or null when there is none (a stream event may carry only usage);
   * throws for an error body or a blocked prompt.
   */
  private @Nullable JsonNode candidateOrNull(JsonNode root, int status) {
    if (root.has("error") && !root.has("candidates")) {
      throw errorBody(root);
    }
    JsonNode candidates = root.get("candidates");
    if (candidates != null && candidates.isArray() && !candidates.isEmpty()
        && candidates.get(0).isObject()) {
      return candidates.get(0);
    }
    String blockReason = Json.text(root.path("promptFeedback"), "blockReason");
    if (blockReason != null) {
      throw new InvalidRequestException(provider, status, blockReason,
          provider + ": Gemini blocked the prompt: " + blockReason, null);
    }
    return null;
  }

  /** A {@code google.rpc} error body, mapped as the HTTP error its status stands for. */
  private ProviderException errorBody(JsonNode root) {
    JsonNode error = root.get("error");
    int status = GoogleRpcErrors.httpStatus(Json.text(error, "status"), Json.integer(error, "code"));
    // The transport and the stream scrub credentials from every exception they pass on.
    return HttpErrors.map(provider, status, Headers.EMPTY, "application/json", root.toString(),
        ERROR_PARSER, clock, Redactor.none());
  }

  private static boolean isThought(JsonNode part) {
    return part.path("thought").asBoolean(false);
  }

  /** A part's {@code thoughtSignature}, tagged as Gemini's; null when it has none. */
  private static @Nullable ReasoningSignature signature(JsonNode part) {
    String value = Json.text(part, "thoughtSignature");
    return value == null || value.isEmpty()
        ? null : ReasoningSignature.of(ReasoningSignature.GEMINI, value);
  }

  private static boolean isAnswerText(JsonNode part) {
    JsonNode text = part.get("text");
    return text != null && text.isTextual() && !part.path("thought").asBoolean(false);
  }

  private String callName(JsonNode call, int index) {
    String name = Json.text(call, "name");
    if (name == null || name.isBlank()) {
      throw new UnsupportedResponseException(provider, 200,
          provider + ": function call " + index + " has no name", null);
    }
    return name;
  }

  /** Gemini's id when it sends one, else {@code call_<index>_<name>}: stable and distinct. */
  private String callId(JsonNode call, int index) {
    String id = Json.text(call, "id");
    return id != null && !id.isBlank() ? id : syntheticId(index, callName(call, index));
  }

  private static String callArgs(JsonNode call) {
    JsonNode args = call.get("args");
    return args == null || args.isNull() ? "{}" : args.toString();
  }

  /** Gemini's finish reasons; see {@link GeminiProvider} for the table. */
  static FinishReason finishReason(@Nullable String value) {
    if (value == null) {
      return FinishReason.OTHER;
    }
    return switch (value) {
      case "STOP" -> FinishReason.STOP;
      case "MAX_TOKENS" -> FinishReason.LENGTH;
      case "SAFETY", "RECITATION", "BLOCKLIST", "PROHIBITED_CONTENT", "SPII", "IMAGE_SAFETY",
          "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION" -> FinishReason.CONTENT_FILTER;
      default -> FinishReason.OTHER;
    };
  }

  /**
   * {@code usageMetadata}, unified; null when absent. Input is {@code promptTokenCount} (which
   * includes cached content) plus {@code toolUsePromptTokenCount}; output is
   * {@code candidatesTokenCount} plus {@code thoughtsTokenCount}.
   */
  static @Nullable Usage usage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return null;
    }
    int input = Json.integer(u, "promptTokenCount") + Json.integer(u, "toolUsePromptTokenCount");
    int thoughts = Json.integer(u, "thoughtsTokenCount");
    int output = Json.integer(u, "candidatesTokenCount") + thoughts;
    int total = u.has("totalTokenCount") ? Json.integer(u, "totalTokenCount") : input + output;
    return new Usage(input, output, total, Json.integer(u, "cachedContentTokenCount"), thoughts);
  }

  // ---------------------------------------------------------------- streaming

  /** A decoder for one {@code streamGenerateContent?alt=sse} stream. */
  StreamDecoder streamDecoder(String requestedModel) {
    return new Decoder(requestedModel);
  }

  /**
   * Each event is a whole {@code GenerateContentResponse} carrying the next piece of the answer.
   * There is no terminal event: the one whose candidate has a {@code finishReason} gives the last
   * chunk, and the stream completes when the body then ends cleanly (a connection cut after it
   * still fails); events after it are ignored, but for an error. {@code usageMetadata} is
   * cumulative and repeated; the last one seen goes on the final chunk.
   */
  private final class Decoder implements StreamDecoder {
    private @Nullable String id;
    private String model;
    // The last usageMetadata seen: cumulative, so only the last counts; read at the end.
    private @Nullable JsonNode usageNode;
    // Made at the stream's first function call, so that text-only streams never pay for it.
    private @Nullable StreamedFunctionCalls calls;
    private boolean finished;
    // Whether thought text was streamed since the last signature: the reasoning part it is in is
    // still open.
    private boolean openThought;

    Decoder(String requestedModel) {
      this.model = requestedModel;
    }

    @Override
    public void onEvent(@Nullable String type, EventData event, Sink sink) {
      String data = event.text();
      if (data.isBlank()) {
        return;
      }
      JsonNode root;
      try {
        root = Json.parse(data);
      } catch (IOException e) {
        throw new MalformedResponseException(provider, 200,
            provider + ": a stream event is not valid JSON: " + Json.excerpt(data), e);
      }
      if (root == null || !root.isObject()) {
        throw new MalformedResponseException(provider, 200,
            provider + ": a stream event is not a JSON object: " + Json.excerpt(data), null);
      }
      JsonNode candidate = candidateOrNull(root, 200);
      if (finished) {
        return; // the answer is whole; only the end of the body is awaited
      }
      if (id == null) {
        id = Json.text(root, "responseId");
      }
      String version = Json.text(root, "modelVersion");
      if (version != null && !version.isEmpty()) {
        model = version;
      }
      JsonNode u = root.get("usageMetadata");
      if (u != null && u.isObject()) {
        usageNode = u;
      }
      if (candidate == null) {
        return; // an event with usage only
      }
      String text = "";
      String thought = null;
      ReasoningSignature signature = null; // of a thought or text part; rare
      boolean signedThought = false;
      List<ToolCallDelta> deltas = null;
      JsonNode parts = candidate.path("content").path("parts");
      if (parts.isArray()) {
        for (JsonNode part : parts) {
          JsonNode call = part.get("functionCall");
          if (call != null && call.isObject()) {
            if (deltas == null) {
              deltas = new ArrayList<>(2);
            }
            if (calls == null) {
              calls = new StreamedFunctionCalls(provider);
            }
            calls.onPart(call, signature(part), deltas);
            continue;
          }
          if (part.has("thoughtSignature")) {
            signature = signature(part);
            signedThought = isThought(part);
          }
          if (isAnswerText(part)) {
            String t = part.get("text").asText();
            text = text.isEmpty() ? t : text + t; // an event rarely has two text parts
          } else if (isThought(part)) {
            String t = part.path("text").asText("");
            thought = thought == null ? t : thought + t;
          }
        }
      }
      boolean reasoning = (thought != null && !thought.isEmpty()) || signature != null;
      if (signature != null && !signedThought
          && (openThought || (thought != null && !thought.isEmpty()))) {
        // The signature is the answer text's, not the thought's streamed before it: close the
        // thought unsigned first, as the same reply read whole keeps them apart.
        sink.emit(ChatChunk.of(id, provider, model, "", null, null, null)
            .withReasoning(thought, ContentPart.reasoning("")));
        thought = null;
      }
      if (signature != null) {
        openThought = false;
      } else if (thought != null && !thought.isEmpty()) {
        openThought = true;
      }
      String finish = Json.text(candidate, "finishReason");
      if (finish != null) {
        if (calls != null) {
          if (deltas == null) {
            deltas = new ArrayList<>(1);
          }
          calls.close(deltas); // the answer is whole: a call still streaming ends here
          if (deltas.isEmpty()) {
            deltas = null;
          }
        }
        FinishReason reason = finishReason(finish);
        reason = FinishReasons.withToolCalls(reason, calls != null && calls.count() > 0);
        finished = true;
        ChatChunk last = ChatChunk.of(id, provider, model, text, deltas, reason, usage(usageNode));
        sink.emit(reasoning ? withReasoning(last, thought, signature) : last);
        return;
      }
      if (!text.isEmpty() || (deltas != null && !deltas.isEmpty()) || reasoning) {
        ChatChunk c = ChatChunk.of(id, provider, model, text, deltas, null, null);
        sink.emit(reasoning ? withReasoning(c, thought, signature) : c);
      }
    }

    /** Thought text as a reasoning delta; a signature ends the reasoning streamed before it. */
    private ChatChunk withReasoning(
        ChatChunk c, @Nullable String thought, @Nullable ReasoningSignature signature) {
      return c.withReasoning(thought,
          signature == null ? null : ContentPart.reasoning("", signature));
    }

    @Override
    public boolean isComplete() {
      return false; // Gemini has no terminal event
    }

    @Override
    public boolean onEndOfBody(Sink sink) {
      return finished;
    }

    @Override
    public String terminalEvent() {
      return "(the event with a finishReason)";
    }
  }

}
