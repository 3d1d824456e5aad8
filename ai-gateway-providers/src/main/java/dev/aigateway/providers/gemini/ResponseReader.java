package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.Usage;
import dev.aigateway.providers.internal.FieldOrder;
import dev.aigateway.providers.internal.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Reads one {@code GenerateContentResponse} (a plain reply, or one stream event) with Jackson's
 * streaming parser: it keeps what the adapter maps and skips the rest, building no tree. What it
 * read stays in its fields until the next {@link #read}; the response id and model version keep
 * their strings when an event repeats them, so a text-only stream event costs the part's text
 * and nothing else.
 *
 * <p>The first candidate's parts are handed, one at a time as each is read, to the {@link Parts}
 * given at construction, through this reader's part fields. A {@code functionCall} part's call is
 * read into a {@link FunctionCall} (its {@code args} copied as JSON text) and also kept in
 * {@link #calls}, so that nothing checks or acts on a call before the whole object was read. Not
 * thread safe: one per reply, or one per stream.
 */
final class ResponseReader {
  /** Receives each part of the first candidate, just read into the reader's part fields. */
  interface Parts {
    /** One part; read {@code r}'s part fields, valid until the next part. */
    void onPart(ResponseReader r);
  }

  private final Parts parts;
  /** Whether an {@code error} field is kept as a tree (a plain reply), or skipped (an event). */
  private final boolean keepError;
  /** The first non-empty response id this reader met; later ones are skipped undecoded. */
  private @Nullable String lastId;
  /** The first non-empty model version this reader met; later ones are skipped undecoded. */
  private @Nullable String lastVersion;
  /** The field orders of a response, its candidate, content, part and usage, learned. */
  private final FieldOrder responseFields = new FieldOrder();
  private final FieldOrder candidateFields = new FieldOrder();
  private final FieldOrder contentFields = new FieldOrder();
  private final FieldOrder partFields = new FieldOrder();
  private final FieldOrder usageFields = new FieldOrder();

  // ------------------------------------------------------------ the response's fields

  @Nullable String responseId;
  @Nullable String modelVersion;
  /** Whether the object has an {@code error} field (of any value). */
  boolean error;
  /** The {@code error} field's value, when the reader keeps it. */
  @Nullable JsonNode errorValue;
  /** Whether the object has a {@code candidates} field (of any value). */
  boolean hasCandidates;
  /** Whether {@code candidates} is an array whose first element is an object. */
  boolean candidate;
  /** The first candidate's {@code finishReason}; null when it has none. */
  @Nullable String finishReason;
  /** {@code promptFeedback.blockReason}; null when absent. */
  @Nullable String blockReason;
  /**
   * Whether the object has a {@code usageMetadata} object. Its counts follow; they stay until the
   * next one is read.
   */
  boolean usage;
  int promptTokens;
  int toolUsePromptTokens;
  int candidatesTokens;
  int thoughtsTokens;
  int cachedTokens;
  int totalTokens;
  boolean hasTotal;
  /** The first candidate's function calls, in order; null when it has none. */
  @Nullable List<FunctionCall> calls;

  // ------------------------------------------------------------ the current part's fields

  /** The part's {@code text} as text (a string, or a number's or boolean's); null when none. */
  @Nullable String text;
  /** Whether {@code text} was a JSON string. */
  boolean textIsString;
  /** The part's {@code thought}, read as a boolean the way a lenient reader would. */
  boolean thought;
  /** Whether the part has a {@code thoughtSignature} field (of any value). */
  boolean hasSignature;
  /** The part's signature, tagged as Gemini's; null when absent or empty. */
  @Nullable ReasoningSignature signature;
  /** The part's function call, when its {@code functionCall} is an object. */
  @Nullable FunctionCall call;

  ResponseReader(Parts parts, boolean keepError) {
    this.parts = parts;
    this.keepError = keepError;
  }

  /** Whether the part is answer text: a string {@code text} on a part that is no thought. */
  boolean isAnswerText() {
    return textIsString && !thought;
  }

  /** A thought part's text; empty when it has none. */
  String thoughtText() {
    return text == null ? "" : text;
  }

  /**
   * {@code usageMetadata}, unified; null when absent. Input is {@code promptTokenCount} (which
   * includes cached content) plus {@code toolUsePromptTokenCount}; output is
   * {@code candidatesTokenCount} plus {@code thoughtsTokenCount}.
   */
  @Nullable Usage usage() {
    return usage ? lastUsage() : null;
  }

  /**
   * The counts of the last {@code usageMetadata} this reader read, in this object or an earlier
   * one (a stream's usage is cumulative, so only the last counts), unified as {@link #usage()}.
   */
  Usage lastUsage() {
    int input = promptTokens + toolUsePromptTokens;
    int output = candidatesTokens + thoughtsTokens;
    return new Usage(input, output, hasTotal ? totalTokens : input + output, cachedTokens,
        thoughtsTokens);
  }

  /**
   * Reads the object the parser stands on (its {@code START_OBJECT}) to its end. Each kind of
   * object expects its fields in the order the same kind had last ({@link FieldOrder}), which
   * pays in a stream, where every event repeats it.
   */
  void read(JsonParser p) throws IOException {
    responseId = null;
    modelVersion = null;
    error = false;
    errorValue = null;
    hasCandidates = false;
    candidate = false;
    finishReason = null;
    blockReason = null;
    usage = false;
    calls = null;
    responseFields.start();
    String field;
    while ((field = responseFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "candidates" -> {
          hasCandidates = true;
          if (value == JsonToken.START_ARRAY) {
            readCandidates(p);
          } else {
            p.skipChildren();
          }
        }
        // A stream's events repeat both: once one is known, later ones are skipped undecoded.
        case "responseId" -> responseId = lastId = Json.firstText(p, value, lastId);
        case "modelVersion" -> modelVersion = lastVersion = Json.firstText(p, value, lastVersion);
        case "usageMetadata" -> readUsage(p, value);
        case "promptFeedback" -> readPromptFeedback(p, value);
        case "error" -> {
          error = true;
          if (keepError) {
            errorValue = Json.MAPPER.readTree(p);
          } else {
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
  }

  private void readCandidates(JsonParser p) throws IOException {
    boolean first = true;
    for (JsonToken t = p.nextToken(); more(t, JsonToken.END_ARRAY); t = p.nextToken()) {
      if (first && t == JsonToken.START_OBJECT) {
        candidate = true;
        readCandidate(p);
      } else {
        p.skipChildren();
      }
      first = false;
    }
  }

  private void readCandidate(JsonParser p) throws IOException {
    candidateFields.start();
    String field;
    while ((field = candidateFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "content" -> {
          if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            break;
          }
          contentFields.start();
          String f;
          while ((f = contentFields.next(p)) != null) {
            if (p.nextToken() == JsonToken.START_ARRAY && f.equals("parts")) {
              readParts(p);
            } else {
              p.skipChildren();
            }
          }
        }
        case "finishReason" -> finishReason = Json.valueText(p, value);
        default -> p.skipChildren();
      }
    }
  }

  private void readParts(JsonParser p) throws IOException {
    for (JsonToken t = p.nextToken(); more(t, JsonToken.END_ARRAY); t = p.nextToken()) {
      if (t == JsonToken.START_OBJECT) {
        readPart(p);
      } else {
        p.skipChildren(); // not a part: ignored
      }
    }
  }

  private void readPart(JsonParser p) throws IOException {
    text = null;
    textIsString = false;
    thought = false;
    hasSignature = false;
    call = null;
    String signed = null;
    partFields.start();
    String field;
    while ((field = partFields.next(p)) != null) {
      JsonToken value = p.nextToken();
      switch (field) {
        case "text" -> {
          textIsString = value == JsonToken.VALUE_STRING;
          text = value.isScalarValue() && value != JsonToken.VALUE_NULL ? p.getText() : null;
          p.skipChildren();
        }
        case "thought" -> thought = bool(p, value);
        case "thoughtSignature" -> {
          hasSignature = true;
          signed = Json.valueText(p, value);
        }
        case "functionCall" -> {
          if (value == JsonToken.START_OBJECT) {
            call = readCall(p);
          } else {
            call = null;
            p.skipChildren();
          }
        }
        default -> p.skipChildren();
      }
    }
    signature = signed == null || signed.isEmpty()
        ? null : ReasoningSignature.of(ReasoningSignature.GEMINI, signed);
    if (call != null) {
      call.signature = signature;
      if (calls == null) {
        calls = new ArrayList<>(2);
      }
      calls.add(call);
    }
    parts.onPart(this);
  }

  private static FunctionCall readCall(JsonParser p) throws IOException {
    FunctionCall call = new FunctionCall();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "name" -> call.name = Json.valueText(p, value);
        case "id" -> call.id = Json.valueText(p, value);
        case "args" -> {
          call.argsObject = value == JsonToken.START_OBJECT;
          call.args = Json.valueText(p, value);
        }
        case "willContinue" -> call.willContinue = bool(p, value);
        case "partialArgs" -> readPartialArgs(p, value, call);
        default -> p.skipChildren();
      }
    }
    return call;
  }

  private static void readPartialArgs(JsonParser p, JsonToken value, FunctionCall call)
      throws IOException {
    call.partialArgs = null;
    call.partialArgsNotList = false;
    call.partialArgsGiven = false;
    if (value == JsonToken.VALUE_NULL) {
      return;
    }
    if (value != JsonToken.START_ARRAY) {
      call.partialArgsNotList = true;
      // a scalar, or an empty object, counts as no pieces (as an empty list would)
      call.partialArgsGiven = value == JsonToken.START_OBJECT
          && p.nextToken() == JsonToken.FIELD_NAME;
      p.skipChildren();
      return;
    }
    List<PartialArg> args = new ArrayList<>(2);
    for (JsonToken t = p.nextToken(); more(t, JsonToken.END_ARRAY); t = p.nextToken()) {
      args.add(t == JsonToken.START_OBJECT ? readPartialArg(p) : notAPartialArg(p));
    }
    call.partialArgs = args;
    call.partialArgsGiven = !args.isEmpty();
  }

  private static PartialArg readPartialArg(JsonParser p) throws IOException {
    String path = null;
    JsonNode string = null;
    JsonNode number = null;
    JsonNode bool = null;
    boolean isNull = false;
    boolean more = false;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken value = p.nextToken();
      switch (field) {
        case "jsonPath" -> path = Json.valueText(p, value);
        case "stringValue" -> string = value == JsonToken.VALUE_STRING
            ? JsonNodeFactory.instance.textNode(p.getText()) : null;
        case "numberValue" -> number = value.isNumeric() ? number(p) : null;
        case "boolValue" -> bool = value.isBoolean()
            ? JsonNodeFactory.instance.booleanNode(value == JsonToken.VALUE_TRUE) : null;
        case "nullValue" -> isNull = true;
        case "willContinue" -> more = bool(p, value);
        default -> { }
      }
      p.skipChildren();
    }
    JsonNode v = string != null ? string : number != null ? number : bool != null ? bool
        : isNull ? JsonNodeFactory.instance.nullNode() : null;
    return new PartialArg(path, v, more);
  }

  /** An element of {@code partialArgs} that is no object: a piece with no path. */
  private static PartialArg notAPartialArg(JsonParser p) throws IOException {
    p.skipChildren();
    return new PartialArg(null, null, false);
  }

  /** A JSON number as the tree parser would hold it. */
  private static JsonNode number(JsonParser p) throws IOException {
    JsonNodeFactory f = JsonNodeFactory.instance;
    return switch (p.getNumberType()) {
      case INT -> f.numberNode(p.getIntValue());
      case LONG -> f.numberNode(p.getLongValue());
      case BIG_INTEGER -> f.numberNode(p.getBigIntegerValue());
      case BIG_DECIMAL -> f.numberNode(p.getDecimalValue());
      default -> f.numberNode(p.getDoubleValue());
    };
  }

  private void readUsage(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    usage = true;
    promptTokens = 0;
    toolUsePromptTokens = 0;
    candidatesTokens = 0;
    thoughtsTokens = 0;
    cachedTokens = 0;
    totalTokens = 0;
    hasTotal = false;
    usageFields.start();
    String field;
    while ((field = usageFields.next(p)) != null) {
      JsonToken v = p.nextToken();
      switch (field) {
        case "promptTokenCount" -> promptTokens = Json.intValue(p, v);
        case "toolUsePromptTokenCount" -> toolUsePromptTokens = Json.intValue(p, v);
        case "candidatesTokenCount" -> candidatesTokens = Json.intValue(p, v);
        case "thoughtsTokenCount" -> thoughtsTokens = Json.intValue(p, v);
        case "cachedContentTokenCount" -> cachedTokens = Json.intValue(p, v);
        case "totalTokenCount" -> {
          hasTotal = true;
          totalTokens = Json.intValue(p, v);
        }
        default -> p.skipChildren();
      }
    }
  }

  private void readPromptFeedback(JsonParser p, JsonToken value) throws IOException {
    if (value != JsonToken.START_OBJECT) {
      p.skipChildren();
      return;
    }
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String field = p.currentName();
      JsonToken v = p.nextToken();
      if (field.equals("blockReason")) {
        blockReason = Json.valueText(p, v);
      } else {
        p.skipChildren();
      }
    }
  }

  /** Whether an array's loop goes on: not at its end, and the input not cut short. */
  private static boolean more(@Nullable JsonToken t, JsonToken end) {
    return t != null && t != end && t != JsonToken.NOT_AVAILABLE;
  }

  /** A value as a boolean: true, a non-zero integer, or the string "true". */
  private static boolean bool(JsonParser p, JsonToken value) throws IOException {
    return switch (value) {
      case VALUE_TRUE -> true;
      case VALUE_NUMBER_INT -> p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
          ? p.getBigIntegerValue().signum() != 0 : p.getLongValue() != 0;
      case VALUE_STRING -> p.getText().strip().equals("true");
      default -> {
        p.skipChildren();
        yield false;
      }
    };
  }

  /** A {@code functionCall}: what the adapter reads of it. */
  static final class FunctionCall {
    @Nullable String name;
    @Nullable String id;
    /** {@code args} as JSON text; null when absent or JSON null. */
    @Nullable String args;
    /** Whether {@code args} is a JSON object. */
    boolean argsObject;
    boolean willContinue;
    /** {@code partialArgs} when it is a list; null when absent, JSON null or not a list. */
    @Nullable List<PartialArg> partialArgs;
    /** Whether {@code partialArgs} is present, not JSON null, and not a list. */
    boolean partialArgsNotList;
    /** Whether {@code partialArgs} holds anything: a non-empty list or object. */
    boolean partialArgsGiven;
    /** The signature of the part it came on. */
    @Nullable ReasoningSignature signature;
  }

  /**
   * One {@code partialArgs} piece: its {@code jsonPath} (null when it has none), its value (null
   * when it has none; a JSON null for {@code nullValue}), and its {@code willContinue}.
   */
  record PartialArg(@Nullable String jsonPath, @Nullable JsonNode value, boolean willContinue) {}
}
