package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
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
import dev.aigateway.providers.internal.EventData;
import dev.aigateway.providers.internal.FinishReasons;
import dev.aigateway.providers.internal.GoogleRpcErrors;
import dev.aigateway.providers.internal.HttpErrors;
import dev.aigateway.providers.internal.Json;
import dev.aigateway.providers.internal.JsonEvents;
import dev.aigateway.providers.internal.Redactor;
import dev.aigateway.providers.internal.StreamDecoder;
import dev.aigateway.providers.internal.VendorError;
import java.io.IOException;
import java.io.UncheckedIOException;
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
   * Reads a {@code GenerateContentResponse}, the parser on its {@code START_OBJECT}, to its end.
   *
   * @param requestedModel reported when the reply names no {@code modelVersion}
   * @throws InvalidRequestException when Gemini blocked the prompt ({@code promptFeedback})
   * @throws MalformedResponseException when it has no candidate
   * @throws UnsupportedResponseException when a function call has no name
   * @throws ProviderException of the mapped type when the body is a {@code google.rpc} error
   * @throws IOException when the JSON is cut short or broken
   */
  ChatResponse readResponse(JsonParser body, String requestedModel) throws IOException {
    Reply reply = new Reply();
    ResponseReader r = new ResponseReader(reply, true);
    r.read(body);
    if (r.error && !r.hasCandidates) {
      throw errorBody(Json.MAPPER.createObjectNode().set("error", r.errorValue));
    }
    if (!r.candidate) {
      throw r.blockReason != null ? blocked(r) : new MalformedResponseException(provider, 200,
          provider + ": the response has no candidates", null);
    }
    List<ToolCall> calls = new ArrayList<>(r.calls == null ? 0 : r.calls.size());
    if (r.calls != null) {
      for (ResponseReader.FunctionCall call : r.calls) {
        int index = calls.size();
        calls.add(new ToolCall(callId(call, index), callName(call, index),
            call.args == null ? "{}" : call.args, call.signature));
      }
    }
    return FinishReasons.answer(provider, r.responseId, r.modelVersion, requestedModel,
        reply.thoughts, reply.text.toString(), calls, finishReason(r.finishReason), r.usage());
  }

  /** A plain reply's parts: the answer's text joined, reasoning kept in the vendor's order. */
  private static final class Reply implements ResponseReader.Parts {
    final StringBuilder text = new StringBuilder();
    final List<ContentPart> thoughts = new ArrayList<>(0);

    @Override
    public void onPart(ResponseReader r) {
      ReasoningSignature signature = r.signature;
      if (r.call != null) {
        return; // read from the reader's calls
      }
      if (r.isAnswerText()) {
        text.append(r.text);
        if (signature != null) { // kept, to go back on the answer's text part
          thoughts.add(ContentPart.reasoning("", signature));
        }
      } else if (r.thought) {
        String t = r.thoughtText();
        thoughts.add(signature != null ? ContentPart.reasoning(t, signature)
            : ContentPart.reasoning(t));
      } else if (signature != null) { // a part with only a signature
        thoughts.add(ContentPart.reasoning("", signature));
      }
    }
  }

  /** The error for a reply or event whose prompt Gemini blocked ({@code promptFeedback}). */
  private InvalidRequestException blocked(ResponseReader r) {
    return new InvalidRequestException(provider, 200, r.blockReason,
        provider + ": Gemini blocked the prompt: " + r.blockReason, null);
  }

  /** A {@code google.rpc} error body, mapped as the HTTP error its status stands for. */
  private ProviderException errorBody(JsonNode root) {
    JsonNode error = root.get("error");
    int status = GoogleRpcErrors.httpStatus(Json.text(error, "status"), Json.integer(error, "code"));
    // The transport and the stream scrub credentials from every exception they pass on.
    return HttpErrors.map(provider, status, Headers.EMPTY, "application/json", root.toString(),
        ERROR_PARSER, clock, Redactor.none());
  }

  private String callName(ResponseReader.FunctionCall call, int index) {
    String name = call.name;
    if (name == null || name.isBlank()) {
      throw new UnsupportedResponseException(provider, 200,
          provider + ": function call " + index + " has no name", null);
    }
    return name;
  }

  /** Gemini's id when it sends one, else {@code call_<index>_<name>}: stable and distinct. */
  private String callId(ResponseReader.FunctionCall call, int index) {
    String id = call.id;
    return id != null && !id.isBlank() ? id : syntheticId(index, callName(call, index));
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
   *
   * <p>Events are read in place by one {@link JsonEvents} and one {@link ResponseReader} for the
   * stream; the event's parts go to this decoder's per-event fields as they are read, and nothing
   * is acted on before the event proved to be one whole JSON object.
   */
  private final class Decoder implements StreamDecoder, ResponseReader.Parts {
    private final JsonEvents json = new JsonEvents();
    private final ResponseReader reader = new ResponseReader(this, false);
    private @Nullable String id;
    private String model;
    // Whether a usageMetadata came: the reader keeps the last one's counts (cumulative, so only
    // the last counts), made into a Usage at the end.
    private boolean sawUsage;
    // Made at the stream's first function call, so that text-only streams never pay for it.
    private @Nullable StreamedFunctionCalls calls;
    private boolean finished;
    // Whether thought text was streamed since the last signature: the reasoning part it is in is
    // still open.
    private boolean openThought;
    // The event being read: its answer text, its thought text (null when none), and the last
    // signature of a thought or text part (rare), with whether that part was a thought.
    private String text = "";
    private @Nullable String thought;
    private @Nullable ReasoningSignature signature;
    private boolean signedThought;

    Decoder(String requestedModel) {
      this.model = requestedModel;
    }

    @Override
    public void onPart(ResponseReader r) {
      if (r.call != null) {
        return; // handled once the event was read whole
      }
      if (r.hasSignature) {
        signature = r.signature;
        signedThought = r.thought;
      }
      if (r.isAnswerText()) {
        String t = r.text;
        text = text.isEmpty() ? t : text + t; // an event rarely has two text parts
      } else if (r.thought) {
        String t = r.thoughtText();
        thought = thought == null ? t : thought + t;
      }
    }

    @Override
    public void onEvent(@Nullable String type, EventData data, Sink sink) {
      if (data.is("")) {
        return; // blank
      }
      text = "";
      thought = null;
      signature = null;
      signedThought = false;
      ResponseReader r = reader;
      boolean begun = false;
      try {
        JsonParser p = json.begin(data);
        begun = true;
        r.read(p);
        json.end();
      } catch (IOException e) {
        throw malformed(data, begun, e);
      }
      if (r.error && !r.hasCandidates) {
        throw streamError(data);
      }
      if (!r.candidate && r.blockReason != null) {
        throw blocked(r);
      }
      if (finished) {
        return; // the answer is whole; only the end of the body is awaited
      }
      if (id == null) {
        id = r.responseId;
      }
      String version = r.modelVersion;
      if (version != null && !version.isEmpty()) {
        model = version;
      }
      sawUsage |= r.usage;
      if (!r.candidate) {
        return; // an event with usage only
      }
      String text = this.text;
      String thought = this.thought;
      ReasoningSignature signature = this.signature;
      List<ToolCallDelta> deltas = null;
      if (r.calls != null) {
        deltas = new ArrayList<>(2);
        if (calls == null) {
          calls = new StreamedFunctionCalls(provider);
        }
        for (ResponseReader.FunctionCall call : r.calls) {
          calls.onPart(call, deltas);
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
      String finish = r.finishReason;
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
        ChatChunk last = ChatChunk.of(id, provider, model, text, deltas, reason,
            sawUsage ? r.lastUsage() : null);
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

    private MalformedResponseException malformed(EventData data, boolean begun, IOException e) {
      String what = "is not valid JSON";
      if (!begun) { // off the hot path: tell a value that is no object from broken JSON
        try {
          JsonNode root = Json.parse(data.text());
          if (root != null && !root.isObject() && !root.isMissingNode()) {
            what = "is not a JSON object";
          }
        } catch (IOException broken) {
          // not valid JSON
        }
      }
      return new MalformedResponseException(provider, 200,
          provider + ": a stream event " + what + ": " + Json.excerpt(data.text()), e);
    }

    /** An error event: read with the tree parser, since it is off the hot path. */
    private ProviderException streamError(EventData data) {
      try {
        return errorBody(Json.parse(data.text()));
      } catch (IOException e) { // read whole a moment ago
        throw new UncheckedIOException(e);
      }
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

    @Override
    public void close() {
      json.close();
    }
  }

}
