package dev.aigateway.core.structured;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.aigateway.api.AttributeKey;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.StructuredOutputException.Problem;
import dev.aigateway.api.spi.CallOptions;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a chat, as a Java value: the JSON Schema of a record or bean, sent to the vendor
 * as the request's {@link ResponseFormat}, and the reply read back into that type.
 *
 * <pre>{@code
 * record Line(String sku, int quantity, BigDecimal price) {}
 * record Invoice(String number, LocalDate issued, List<Line> lines, @Nullable String note) {}
 *
 * Invoice invoice = gateway.chat(ChatRequest.of("extract", text), Invoice.class);
 *
 * // or, step by step, with any ChatClient:
 * StructuredOutput<Invoice> output = StructuredOutput.of(Invoice.class);
 * Invoice same = output.parse(client.chat(output.request(ChatRequest.of("extract", text))));
 * Invoice streamed = output.fold(client, ChatRequest.of("extract", text)).join();
 * }</pre>
 *
 * <p><b>The schema</b> is derived once per type, with victools' {@code jsonschema-generator} and
 * its Jackson module, in the form every vendor's strict mode accepts: the root is an object,
 * every property is required, no other property is allowed, a property that may be null (an
 * {@code Optional}, or one annotated with any {@code @Nullable}) is a {@code ["type", "null"]}
 * union, and only keywords that OpenAI, Anthropic and Gemini all take are written. Records,
 * beans (a getter per property, and a no-argument constructor with setters, as Jackson reads
 * them), nested types, lists, sets, arrays, enums, {@code java.time} types and {@code UUID} are
 * supported; Jackson's annotations rename ({@code @JsonProperty}), describe
 * ({@code @JsonPropertyDescription}, {@code @JsonClassDescription}) and leave out
 * ({@code @JsonIgnore}). {@link #of} refuses a type strict mode cannot express (a map, an
 * {@code Object}, a list at the root) with an {@link IllegalArgumentException} naming it.
 *
 * <p><b>The reply</b> fits when its text is one JSON value (one Markdown code fence around it is
 * tolerated) that the schema accepts and Jackson reads into the type. Two leniencies, both where
 * the value is still exact: a property the type does not have is ignored, and a missing property
 * that may be null reads as null. Anything else throws {@link StructuredOutputException} with the
 * raw text, the JSON path that failed and what was expected there.
 *
 * <p><b>In the gateway</b>, a request made with {@link #request} carries this object (see
 * {@link #expectedBy}), so each attempt's answer is checked where it arrives, and a route can
 * retry or fail over on an answer that does not fit ({@link InvalidOutput}).
 *
 * <p>Immutable and thread safe; {@link #of} returns the same instance for the same class.
 *
 * @param <T> the type of the value
 */
public final class StructuredOutput<T> {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .addModule(new JavaTimeModule())
      .addModule(new Jdk8Module())
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Decimals exactly as written (19.90 stays 19.90 for a BigDecimal), not through a double.
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(com.fasterxml.jackson.databind.cfg.JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
      .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
      .build();

  private static final ClassValue<StructuredOutput<?>> BY_CLASS = new ClassValue<>() {
    @Override
    protected StructuredOutput<?> computeValue(Class<?> type) {
      return new StructuredOutput<>(type);
    }
  };

  /** What a request carries to say what its answer must be. */
  private record Expected(StructuredOutput<?> output) {}

  private static final AttributeKey<Expected> EXPECTED =
      AttributeKey.of("structuredOutput", Expected.class);

  private final Class<T> type;
  private final String name;
  private final String schema;
  private final ResponseFormat format;
  private final SchemaCheck check;
  private final ObjectReader reader;

  private StructuredOutput(Class<T> type) {
    this.type = type;
    ObjectNode node = SchemaDerivation.derive(type, MAPPER);
    this.name = schemaName(type);
    try {
      this.schema = MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the schema of " + type.getName() + " cannot be written", e);
    }
    this.format = ResponseFormat.jsonSchema(name, schema, true);
    this.check = new SchemaCheck(node);
    this.reader = MAPPER.readerFor(type);
  }

  /**
   * The structured output of {@code type}: its schema derived now, once per class (later calls
   * return the same instance).
   *
   * @throws IllegalArgumentException when {@code type} cannot be expressed in strict JSON Schema
   *     (the message names the property and what to use instead)
   */
  @SuppressWarnings("unchecked")
  public static <T> StructuredOutput<T> of(Class<T> type) {
    Objects.requireNonNull(type, "type");
    return (StructuredOutput<T>) BY_CLASS.get(type);
  }

  /**
   * The structured output {@code request} was made for with {@link #request}, or null when it
   * asks for none. The gateway's attempt stages use it to check each answer.
   */
  public static @Nullable StructuredOutput<?> expectedBy(ChatRequest request) {
    Expected expected = request.attribute(EXPECTED);
    return expected == null ? null : expected.output();
  }

  /** The Java type answers are read into. */
  public Class<T> type() {
    return type;
  }

  /**
   * The schema's name, as vendors that want one (OpenAI, Azure) receive it: the type's simple
   * name, with any character outside {@code [A-Za-z0-9_-]} replaced by {@code _}, at most 64
   * characters.
   */
  public String name() {
    return name;
  }

  /** The JSON Schema, as compact JSON text. */
  public String schema() {
    return schema;
  }

  /** {@code ResponseFormat.jsonSchema(name(), schema(), true)}: strict where the vendor has it. */
  public ResponseFormat format() {
    return format;
  }

  /**
   * {@code request} asking for this output: its response format replaced by {@link #format()},
   * and the request marked so that the gateway checks every attempt's answer against this type
   * (and a route's {@link InvalidOutput} policy applies). Everything else is kept.
   */
  public ChatRequest request(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return request.toBuilder().responseFormat(format).build()
        .withAttribute(EXPECTED, new Expected(this));
  }

  /**
   * The value in {@code response}.
   *
   * @throws StructuredOutputException when the answer is a tool call, is not JSON, does not fit
   *     the type, or was cut short or refused; it carries the raw text
   */
  public T parse(ChatResponse response) {
    Objects.requireNonNull(response, "response");
    if (!response.toolCalls().isEmpty()) {
      throw failure(Problem.TOOL_CALLS, "", response.toolCalls().size() + " tool call(s);"
          + " run them, send their results and ask again", response.text(), response.provider(),
          response.model(), response.finishReason());
    }
    String refusal = response.refusal();
    if (refusal != null && response.text().isEmpty()) {
      // A refusal is no answer: REFUSED, with the refusal's words as the raw text.
      throw new StructuredOutputException(Problem.REFUSED, type.getName(), "$",
          "the model refused", refusal, response.provider(), response.model(),
          response.finishReason());
    }
    return read(response.text(), response.provider(), response.model(),
        response.finishReason());
  }

  /**
   * The value in {@code json}, text the model wrote (for example a tool call's arguments).
   *
   * @throws StructuredOutputException when it is not JSON or does not fit the type
   */
  public T parse(String json) {
    return read(Objects.requireNonNull(json, "json"), null, null, null);
  }

  /**
   * Folds {@code stream} and reads the value from the answer: the future completes with it when
   * the stream completes, or exceptionally with the stream's error or the
   * {@link StructuredOutputException} of an answer that does not fit. A restart chunk discards
   * what came before it. Cancelling the future cancels the stream.
   *
   * <p>For the gateway to apply a route's {@link InvalidOutput} policy the stream must come from a
   * request made with {@link #request}; {@link #fold(ChatClient, ChatRequest)} does that.
   */
  public CompletableFuture<T> fold(Flow.Publisher<ChatChunk> stream) {
    Objects.requireNonNull(stream, "stream");
    Folding folding = new Folding();
    stream.subscribe(folding);
    return folding.result;
  }

  /**
   * Streams {@code request}, made with {@link #request}, from {@code client} and folds the answer
   * into the value. The request is marked as understanding restart chunks
   * ({@link CallOptions#STREAM_RESTARTS}, unless it says otherwise), since the fold discards what
   * came before one: so a route that retries or fails over on an answer that does not fit can do
   * it for a stream too, and the future completes with the answer that fits.
   */
  public CompletableFuture<T> fold(ChatClient client, ChatRequest request) {
    Objects.requireNonNull(client, "client");
    ChatRequest prepared = request(request);
    if (prepared.attribute(CallOptions.STREAM_RESTARTS) == null) {
      prepared = prepared.withAttribute(CallOptions.STREAM_RESTARTS, true);
    }
    return fold(client.stream(prepared));
  }

  private T read(String text, @Nullable String provider, @Nullable String model,
      @Nullable FinishReason finish) {
    String json = unfenced(text);
    if (json.isEmpty()) {
      throw failure(Problem.NOT_JSON, "", "the answer is empty", text, provider, model, finish);
    }
    JsonNode tree;
    try {
      tree = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      // Jackson's message quotes the text; only its position is kept.
      String where = e.getLocation() == null ? ""
          : " (line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr() + ")";
      throw failure(Problem.NOT_JSON, "", "expected one JSON value" + where, text, provider,
          model, finish);
    }
    SchemaCheck.Violation violation = check.check(tree);
    if (violation != null) {
      throw failure(Problem.DOES_NOT_FIT, violation.path(), violation.detail(), text, provider,
          model, finish);
    }
    try {
      return reader.readValue(tree);
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw failure(Problem.DOES_NOT_FIT, pathOf(e), readError(e), text, provider, model,
          finish);
    }
  }

  private StructuredOutputException failure(Problem problem, String path, String detail,
      String text, @Nullable String provider, @Nullable String model,
      @Nullable FinishReason finish) {
    Problem p = problem;
    if (problem == Problem.NOT_JSON || problem == Problem.DOES_NOT_FIT) {
      // An answer cut at the limit or filtered is that first, whatever it looks like.
      if (finish == FinishReason.LENGTH) {
        p = Problem.TRUNCATED;
      } else if (finish == FinishReason.CONTENT_FILTER) {
        p = Problem.REFUSED;
      }
    }
    return new StructuredOutputException(p, type.getName(), path, detail, text, provider, model,
        finish);
  }

  /** The JSON path of a Jackson reading failure, as {@code $.a[0].b}. */
  private static String pathOf(Exception e) {
    if (!(e instanceof JsonMappingException m)) {
      return "$";
    }
    StringBuilder sb = new StringBuilder("$");
    for (JsonMappingException.Reference r : m.getPath()) {
      if (r.getFieldName() != null) {
        sb.append(SchemaCheck.member(r.getFieldName()));
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** What went wrong reading the tree into the type, without the value (it may be content). */
  private String readError(Exception e) {
    if (e instanceof ValueInstantiationException v) {
      Throwable cause = v.getCause();
      return v.getType().getRawClass().getSimpleName() + "'s constructor refused the value"
          + (cause == null ? "" : " (" + cause.getClass().getSimpleName() + ")");
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "cannot be read as " + m.getTargetType().getSimpleName();
    }
    return "cannot be read into " + type.getSimpleName() + " (" + e.getClass().getSimpleName()
        + ")";
  }

  /** The text without surrounding whitespace and without one Markdown code fence around it. */
  static String unfenced(String text) {
    String t = text.strip();
    if (t.startsWith("```") && t.endsWith("```") && t.length() > 6) {
      int newline = t.indexOf('\n');
      if (newline > 0 && newline < t.length() - 3) {
        return t.substring(newline + 1, t.length() - 3).strip();
      }
    }
    return t;
  }

  private static String schemaName(Class<?> type) {
    String simple = type.getSimpleName();
    if (simple.isEmpty()) {
      simple = "output";
    }
    StringBuilder sb = new StringBuilder(Math.min(simple.length(), 64));
    for (int i = 0; i < simple.length() && sb.length() < 64; i++) {
      char c = simple.charAt(i);
      sb.append(c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '-') ? c : '_');
    }
    return sb.toString();
  }

  @Override
  public String toString() {
    return "StructuredOutput[" + type.getName() + "]";
  }

  /** Folds one stream; completes {@link #result} at its end. */
  private final class Folding implements Flow.Subscriber<ChatChunk> {
    final StreamAccumulator accumulator = new StreamAccumulator();
    final AtomicReference<Flow.@Nullable Subscription> subscription = new AtomicReference<>();
    final CompletableFuture<T> result = new CompletableFuture<>() {
      @Override
      public boolean cancel(boolean mayInterruptIfRunning) {
        boolean cancelled = super.cancel(mayInterruptIfRunning);
        Flow.Subscription s = subscription.getAndSet(CANCELLED);
        if (s != null && s != CANCELLED) {
          s.cancel();
        }
        return cancelled;
      }
    };

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (!subscription.compareAndSet(null, s)) {
        s.cancel(); // cancelled before the stream started, or a second subscription
        return;
      }
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      accumulator.accept(chunk);
    }

    @Override
    public void onError(Throwable error) {
      result.completeExceptionally(error);
    }

    @Override
    public void onComplete() {
      if (accumulator.chunkCount() == 0) {
        result.completeExceptionally(failure(Problem.NOT_JSON, "",
            "the stream completed without any chunk", "", null, null, null));
        return;
      }
      try {
        result.complete(parse(accumulator.toResponse()));
      } catch (RuntimeException e) {
        result.completeExceptionally(e);
      }
    }
  }

  private static final Flow.Subscription CANCELLED = new Flow.Subscription() {
    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  };
}
