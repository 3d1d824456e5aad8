package dev.aigateway.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a {@link FakeVendor} answers to one request, written by the vendor in the wire format of
 * the path it was called on: the same {@code Reply.text("Hi")} becomes an OpenAI
 * {@code chat.completion}, an Anthropic {@code message}, or a Gemini {@code GenerateContentResponse},
 * and, for a streamed request, that vendor's SSE events.
 *
 * <p><b>Answers</b>: {@link #text}, {@link #chunks}, {@link #toolCall} and
 * {@link #withToolCall} (parallel calls, or text then calls), with {@link #withUsage},
 * {@link #withFinishReason}, {@link #withModel} and {@link #withReasoning}. A stream is cut into chunks
 * ({@link #chunkedByWords()}, the default, {@link #chunkedEvery(int)}, or the pieces given to
 * {@link #chunks}) and may be {@link #paced} (a real wait between chunks).
 *
 * <p><b>Faults</b>: {@link #error(int)} and {@link #error(int, String, String)} (the vendor's own
 * error body), {@link #overloaded()} (OpenAI 503, Anthropic 529 {@code overloaded_error}, Gemini
 * 503 {@code UNAVAILABLE}), {@link #rateLimited(Duration)} and {@link #withRetryAfter},
 * {@link #htmlPage(int)}, {@link #silence()} (no response at all), {@link #disconnect()} (the
 * connection closed before any response), {@link #raw} (any body); and on an answer,
 * {@link #cutAfter(int)} (the connection drops after N chunks, before the terminal event),
 * {@link #stallAfter(int)} (N chunks, then nothing while the connection stays open),
 * {@link #malformedAfter(int)} (a data line that is not JSON) and {@link #errorEventAfter(int)}
 * (the vendor's overload error event in the middle of the stream).
 *
 * <p>A <em>chunk</em> is one event that carries a piece of the answer: a text delta, or a piece
 * of a tool call (OpenAI and Anthropic split a call's argument JSON like text; Gemini sends each
 * call whole, one event per call). The events around them (OpenAI's role chunk, Anthropic's
 * {@code message_start} and block starts, the finish reason, usage, {@code [DONE]} or
 * {@code message_stop}) are not counted.
 *
 * <p>Immutable and thread safe: every {@code with...} method returns a new reply. Methods that
 * take a count or a duration reject negative ones with an {@link IllegalArgumentException}; a
 * stream fault on a reply that is not an answer is an {@link IllegalStateException}.
 */
public final class Reply {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What kind of reply this is. */
  enum Kind { ANSWER, ERROR, OVERLOADED, HTML, SILENCE, DISCONNECT, RAW }

  /** What goes wrong in an answer after {@link #faultAfter} chunks. */
  enum Fault { CUT, STALL, MALFORMED, ERROR_EVENT }

  /** A tool call as scripted; a null id is made up in the vendor's style. */
  record ScriptedCall(@Nullable String id, String name, String arguments) {}

  final Kind kind;
  final String text;
  final @Nullable List<String> pieces;
  final int chunkChars;
  final List<ScriptedCall> toolCalls;
  final @Nullable Usage usage;
  final @Nullable FinishReason finishReason;
  final @Nullable String model;
  final Duration pace;
  final @Nullable Fault fault;
  final int faultAfter;
  final int status;
  final @Nullable String errorCode;
  final @Nullable String errorMessage;
  final @Nullable Duration retryAfter;
  final @Nullable String contentType;
  final Map<String, String> headers;
  final String reasoning;

  private Reply(Spec s) {
    this.kind = s.kind;
    this.text = s.text;
    this.pieces = s.pieces == null ? null : List.copyOf(s.pieces);
    this.chunkChars = s.chunkChars;
    this.toolCalls = List.copyOf(s.toolCalls);
    this.usage = s.usage;
    this.finishReason = s.finishReason;
    this.model = s.model;
    this.pace = s.pace;
    this.fault = s.fault;
    this.faultAfter = s.faultAfter;
    this.status = s.status;
    this.errorCode = s.errorCode;
    this.errorMessage = s.errorMessage;
    this.retryAfter = s.retryAfter;
    this.contentType = s.contentType;
    this.headers = Map.copyOf(s.headers);
    this.reasoning = s.reasoning;
  }

  // ---- answers

  /** An answer of {@code text}, streamed one word (with the spaces after it) per chunk. */
  public static Reply text(String text) {
    Spec s = new Spec(Kind.ANSWER);
    s.text = Objects.requireNonNull(text, "text");
    return new Reply(s);
  }

  /** An answer whose text is {@code pieces} joined, streamed exactly one piece per chunk. */
  public static Reply chunks(String... pieces) {
    Spec s = new Spec(Kind.ANSWER);
    s.pieces = Arrays.asList(pieces.clone());
    s.pieces.forEach(p -> Objects.requireNonNull(p, "pieces"));
    s.text = String.join("", s.pieces);
    return new Reply(s);
  }

  /**
   * An answer that calls the tool {@code name} with {@code argumentsJson}, which must be a JSON
   * object (null or empty for {@code {}}); the vendor makes up the call's id in its own style.
   *
   * @throws IllegalArgumentException when the arguments are not a JSON object
   */
  public static Reply toolCall(String name, @Nullable String argumentsJson) {
    return text("").withToolCall(null, name, argumentsJson);
  }

  /** This answer with one more tool call, after its text and its other calls. */
  public Reply withToolCall(String name, @Nullable String argumentsJson) {
    return withToolCall(null, name, argumentsJson);
  }

  /**
   * This answer with one more tool call whose id is {@code id} (null to let the vendor make one
   * up: {@code call_...} for OpenAI, {@code toolu_...} for Anthropic, none for Gemini, whose
   * adapter then makes its own).
   *
   * @throws IllegalArgumentException when the name is blank or the arguments are not a JSON
   *     object
   */
  public Reply withToolCall(@Nullable String id, String name, @Nullable String argumentsJson) {
    requireAnswer("withToolCall");
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("tool name must not be blank");
    }
    String arguments = argumentsJson == null || argumentsJson.isBlank() ? "{}" : argumentsJson;
    try {
      JsonNode parsed = JSON.readTree(arguments);
      if (parsed == null || !parsed.isObject()) {
        throw new IllegalArgumentException(
            "arguments of tool " + name + " must be a JSON object: " + arguments);
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "arguments of tool " + name + " must be a JSON object: " + arguments, e);
    }
    Spec s = spec();
    s.toolCalls.add(new ScriptedCall(id, name, arguments));
    return new Reply(s);
  }

  /**
   * This answer with these token counts (total = input + output, nothing cached). Unless set,
   * the vendor counts words: the request's system prompt and last user message in, the answer
   * out (at least 1 each).
   */
  public Reply withUsage(int inputTokens, int outputTokens) {
    return withUsage(Usage.of(inputTokens, outputTokens));
  }

  /**
   * This answer with {@code usage}, in the unified meaning of {@link Usage}: the vendor writes
   * it in its own terms, so the adapter reads the same numbers back (Anthropic's
   * {@code input_tokens} is the input less the cached part, which goes in
   * {@code cache_read_input_tokens}; Gemini's {@code candidatesTokenCount} is the output less the
   * reasoning, which goes in {@code thoughtsTokenCount}). Anthropic has no reasoning count.
   */
  public Reply withUsage(Usage usage) {
    requireAnswer("withUsage");
    Spec s = spec();
    s.usage = Objects.requireNonNull(usage, "usage");
    return new Reply(s);
  }

  /**
   * This answer with {@code reason}, in each vendor's words ({@code length}, {@code max_tokens},
   * {@code MAX_TOKENS}, ...). Unless set: {@code TOOL_CALLS} when there are tool calls, else
   * {@code STOP}.
   */
  public Reply withFinishReason(FinishReason reason) {
    requireAnswer("withFinishReason");
    Spec s = spec();
    s.finishReason = Objects.requireNonNull(reason, "reason");
    return new Reply(s);
  }

  /**
   * This answer with the model's reasoning before it, in each vendor's shape, with the state the
   * vendor signs: OpenAI's {@code reasoning_content}; an Anthropic {@code thinking} block (first,
   * with the signature {@code fake-signature-<n>}, in a stream its {@code thinking_delta} and
   * {@code signature_delta}); a Gemini {@code thought: true} part, and the
   * {@code thoughtSignature} {@code fake-signature-<n>} on the first function call, or on the
   * thought when there is none. {@code n} is the request's number. In a stream the reasoning is
   * one chunk, before the text.
   */
  public Reply withReasoning(String reasoning) {
    requireAnswer("withReasoning");
    Spec s = spec();
    s.reasoning = Objects.requireNonNull(reasoning, "reasoning");
    return new Reply(s);
  }

  /**
   * This answer reporting {@code model} as the model that served it. Unless set, the vendor
   * reports the model asked for (Azure: the deployment; Gemini: the model in the path).
   */
  public Reply withModel(String model) {
    requireAnswer("withModel");
    Spec s = spec();
    s.model = Objects.requireNonNull(model, "model");
    return new Reply(s);
  }

  /** This reply with one more response header (replacing one of the same name). */
  public Reply withHeader(String name, String value) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("header name must not be blank");
    }
    Spec s = spec();
    s.headers.put(name, Objects.requireNonNull(value, "value"));
    return new Reply(s);
  }

  // ---- stream shape

  /**
   * Streams one word per chunk, each with the spaces that follow it (spaces before the first
   * word go with it): the default.
   */
  public Reply chunkedByWords() {
    requireAnswer("chunkedByWords");
    Spec s = spec();
    s.chunkChars = 0;
    s.pieces = null;
    return new Reply(s);
  }

  /** Streams {@code chars} characters per chunk (the last may be shorter). */
  public Reply chunkedEvery(int chars) {
    requireAnswer("chunkedEvery");
    if (chars < 1) {
      throw new IllegalArgumentException("chars must be >= 1 but was " + chars);
    }
    Spec s = spec();
    s.chunkChars = chars;
    s.pieces = null;
    return new Reply(s);
  }

  /**
   * Waits {@code between} between two chunks of a stream. This is real time: keep it to a few
   * milliseconds in tests (closing the vendor ends the wait at once).
   */
  public Reply paced(Duration between) {
    requireAnswer("paced");
    Objects.requireNonNull(between, "between");
    if (between.isNegative()) {
      throw new IllegalArgumentException("between must not be negative but was " + between);
    }
    Spec s = spec();
    s.pace = between;
    return new Reply(s);
  }

  // ---- faults in an answer

  /**
   * Drops the connection after {@code chunks} chunks, before the finish reason and the terminal
   * event: the chunked body never ends, as when a vendor's connection breaks. For a plain
   * (not streamed) request, the body breaks off in the middle.
   */
  public Reply cutAfter(int chunks) {
    return fault(Fault.CUT, chunks, "cutAfter");
  }

  /**
   * Sends {@code chunks} chunks (0: only the headers), then nothing, holding the connection open
   * until the client gives up or the vendor closes: for first-chunk and idle timeouts. For a
   * plain request, the headers then nothing.
   */
  public Reply stallAfter(int chunks) {
    return fault(Fault.STALL, chunks, "stallAfter");
  }

  /**
   * Sends {@code chunks} chunks, then an event whose data is not JSON, then ends the body. For a
   * plain request, a 200 whose JSON body is cut in half.
   */
  public Reply malformedAfter(int chunks) {
    return fault(Fault.MALFORMED, chunks, "malformedAfter");
  }

  /**
   * Sends {@code chunks} chunks, then the vendor's overload error as a stream event (OpenAI
   * {@code data: {"error":...}}, Anthropic {@code event: error} with {@code overloaded_error},
   * Gemini {@code UNAVAILABLE}), then ends the body. For a plain request, {@link #overloaded()}.
   */
  public Reply errorEventAfter(int chunks) {
    return fault(Fault.ERROR_EVENT, chunks, "errorEventAfter");
  }

  private Reply fault(Fault fault, int chunks, String method) {
    requireAnswer(method);
    if (chunks < 0) {
      throw new IllegalArgumentException("chunks must be >= 0 but was " + chunks);
    }
    Spec s = spec();
    s.fault = fault;
    s.faultAfter = chunks;
    return new Reply(s);
  }

  // ---- faults instead of an answer

  /**
   * HTTP {@code status} (a 4xx or 5xx) with the vendor's own error body for it: OpenAI's
   * {@code {"error":{"message","type","param","code"}}}, Anthropic's
   * {@code {"type":"error","error":{"type","message"}}}, Google's
   * {@code {"error":{"code","message","status"}}}, with the type, code or status the vendor
   * uses for that status (401 {@code invalid_api_key} / {@code authentication_error} /
   * {@code UNAUTHENTICATED}, 429 {@code rate_limit_exceeded} / {@code rate_limit_error} /
   * {@code RESOURCE_EXHAUSTED}, ...).
   *
   * @throws IllegalArgumentException when {@code status} is not within 400..599
   */
  public static Reply error(int status) {
    return error(status, null, null);
  }

  /**
   * HTTP {@code status} with the vendor's error body carrying {@code code} and {@code message}:
   * the code is OpenAI's {@code error.code} (such as {@code context_length_exceeded} or
   * {@code insufficient_quota}), Anthropic's {@code error.type} (such as
   * {@code overloaded_error}), or Google's {@code error.status} (such as
   * {@code RESOURCE_EXHAUSTED}); null for the vendor's usual one.
   *
   * @throws IllegalArgumentException when {@code status} is not within 400..599
   */
  public static Reply error(int status, @Nullable String code, @Nullable String message) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status must be within 400..599 but was " + status);
    }
    Spec s = new Spec(Kind.ERROR);
    s.status = status;
    s.errorCode = code;
    s.errorMessage = message;
    return new Reply(s);
  }

  /**
   * The vendor's own "overloaded": OpenAI and Azure 503 {@code server_error}, Anthropic 529
   * {@code overloaded_error}, Gemini 503 {@code UNAVAILABLE}.
   */
  public static Reply overloaded() {
    return new Reply(new Spec(Kind.OVERLOADED));
  }

  /**
   * HTTP 429 with the vendor's rate-limit body, asking the client to wait {@code retryAfter}:
   * see {@link #withRetryAfter}.
   */
  public static Reply rateLimited(Duration retryAfter) {
    return error(429).withRetryAfter(retryAfter);
  }

  /**
   * This error asking the client to wait {@code delay} before it tries again, where the vendor
   * says so: {@code Retry-After} in whole seconds (rounded up) for every vendor but Gemini, with
   * {@code retry-after-ms} too for OpenAI and Azure; for Gemini a {@code google.rpc.RetryInfo}
   * {@code retryDelay} in the body, as Google sends it.
   *
   * @throws IllegalStateException when this reply is not an error
   */
  public Reply withRetryAfter(Duration delay) {
    if (kind != Kind.ERROR && kind != Kind.OVERLOADED) {
      throw new IllegalStateException("withRetryAfter applies to error replies, not to " + this);
    }
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative but was " + delay);
    }
    Spec s = spec();
    s.retryAfter = delay;
    return new Reply(s);
  }

  /**
   * HTTP {@code status} with an HTML error page, as a proxy or load balancer in front of a
   * vendor sends it (its {@code <title>} is the status and its reason).
   */
  public static Reply htmlPage(int status) {
    Reply r = error(status);
    Spec s = r.spec();
    s.kind = Kind.HTML;
    return new Reply(s);
  }

  /**
   * No response at all: the request is read, and then nothing is sent until the client gives up
   * or the vendor closes.
   */
  public static Reply silence() {
    return new Reply(new Spec(Kind.SILENCE));
  }

  /** The connection is closed after the request is read, before any response. */
  public static Reply disconnect() {
    return new Reply(new Spec(Kind.DISCONNECT));
  }

  /** Exactly {@code body}, with {@code status} and {@code contentType}, whatever the vendor. */
  public static Reply raw(int status, String contentType, String body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("status must be within 100..599 but was " + status);
    }
    Spec s = new Spec(Kind.RAW);
    s.status = status;
    s.contentType = Objects.requireNonNull(contentType, "contentType");
    s.text = Objects.requireNonNull(body, "body");
    return new Reply(s);
  }

  // ---- internals

  private void requireAnswer(String method) {
    if (kind != Kind.ANSWER) {
      throw new IllegalStateException(method + " applies to answers, not to " + this);
    }
  }

  /** The finish reason the vendor reports: as set, else from the tool calls. */
  FinishReason effectiveFinishReason() {
    if (finishReason != null) {
      return finishReason;
    }
    return toolCalls.isEmpty() ? FinishReason.STOP : FinishReason.TOOL_CALLS;
  }

  /** The text's chunks, as this reply cuts them. */
  List<String> textPieces() {
    if (pieces != null) {
      return pieces;
    }
    return split(text, chunkChars);
  }

  /** A tool call's argument JSON in chunks: by the reply's size, or by words; never empty. */
  List<String> argumentPieces(String arguments) {
    List<String> split = pieces != null ? List.of(arguments) : split(arguments, chunkChars);
    return split.isEmpty() ? List.of(arguments) : split;
  }

  /** {@code s} in pieces of {@code chars} characters, or (0) word by word with trailing spaces. */
  static List<String> split(String s, int chars) {
    List<String> out = new ArrayList<>();
    if (chars > 0) {
      for (int i = 0; i < s.length(); i += chars) {
        out.add(s.substring(i, Math.min(s.length(), i + chars)));
      }
      return out;
    }
    // A piece is a word with the spaces after it; spaces before the first word go with it.
    int start = 0;
    boolean word = false;
    for (int i = 0; i < s.length(); i++) {
      boolean space = Character.isWhitespace(s.charAt(i));
      if (!space && word && Character.isWhitespace(s.charAt(i - 1))) {
        out.add(s.substring(start, i));
        start = i;
      }
      word |= !space;
    }
    if (start < s.length()) {
      out.add(s.substring(start));
    }
    return out;
  }

  /** The number of words in {@code s}. */
  static int words(@Nullable String s) {
    return s == null || s.isBlank() ? 0 : s.strip().split("\\s+").length;
  }

  private Spec spec() {
    Spec s = new Spec(kind);
    s.text = text;
    s.pieces = pieces == null ? null : new ArrayList<>(pieces);
    s.chunkChars = chunkChars;
    s.toolCalls.addAll(toolCalls);
    s.usage = usage;
    s.finishReason = finishReason;
    s.model = model;
    s.pace = pace;
    s.fault = fault;
    s.faultAfter = faultAfter;
    s.status = status;
    s.errorCode = errorCode;
    s.errorMessage = errorMessage;
    s.retryAfter = retryAfter;
    s.contentType = contentType;
    s.headers.putAll(headers);
    s.reasoning = reasoning;
    return s;
  }

  /** The mutable fields of a reply under construction. */
  private static final class Spec {
    Kind kind;
    String text = "";
    @Nullable List<String> pieces;
    int chunkChars;
    final List<ScriptedCall> toolCalls = new ArrayList<>();
    @Nullable Usage usage;
    @Nullable FinishReason finishReason;
    @Nullable String model;
    Duration pace = Duration.ZERO;
    @Nullable Fault fault;
    int faultAfter;
    int status;
    @Nullable String errorCode;
    @Nullable String errorMessage;
    @Nullable Duration retryAfter;
    @Nullable String contentType;
    final Map<String, String> headers = new LinkedHashMap<>();
    String reasoning = "";

    Spec(Kind kind) {
      this.kind = kind;
    }
  }

  /**
   * What it is, such as {@code Reply[text "It ships today." (15 chars), cut after 2 chunks]} or
   * {@code Reply[HTTP 429, Retry-After 3 s]}.
   */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Reply[");
    switch (kind) {
      case ANSWER -> {
        sb.append("text \"").append(text.length() > 40 ? text.substring(0, 40) + "…" : text)
            .append("\" (").append(text.length()).append(" chars)");
        toolCalls.forEach(c -> sb.append(", tool call ").append(c.name()));
        if (usage != null) {
          sb.append(", usage ").append(usage.inputTokens()).append(" in ")
              .append(usage.outputTokens()).append(" out");
        }
        if (finishReason != null) {
          sb.append(", finish ").append(finishReason);
        }
        if (!pace.isZero()) {
          sb.append(", paced ").append(pace.toMillis()).append(" ms");
        }
        if (fault != null) {
          sb.append(", ").append(fault.name().toLowerCase(Locale.ROOT).replace('_', ' '))
              .append(" after ").append(faultAfter).append(" chunks");
        }
      }
      case ERROR -> sb.append("HTTP ").append(status)
          .append(errorCode == null ? "" : " " + errorCode);
      case OVERLOADED -> sb.append("overloaded");
      case HTML -> sb.append("HTML page, HTTP ").append(status);
      case SILENCE -> sb.append("silence");
      case DISCONNECT -> sb.append("disconnect");
      case RAW -> sb.append("raw HTTP ").append(status).append(' ').append(contentType)
          .append(", ").append(text.length()).append(" chars");
      default -> throw new AssertionError(kind);
    }
    if (retryAfter != null) {
      sb.append(", Retry-After ").append(retryAfter.toMillis()).append(" ms");
    }
    return sb.append(']').toString();
  }
}
