package dev.aigateway.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The model answered, but its answer is not the value that was asked for: the text is not JSON,
 * or it is JSON that does not fit the expected type (a required property missing, a value of the
 * wrong type, a string outside an enum), or the answer was cut short, refused, or a tool call.
 * Unchecked, like every gateway error.
 *
 * <p>It carries what is needed to act on it without reaching back into the call:
 * {@link #problem()} (what failed), {@link #path()} (where, as a JSON path such as
 * {@code $.lines[1].quantity}, or empty), {@link #typeName()} (the Java type asked for),
 * {@link #rawText()} (the answer's text as the model wrote it), and {@link #provider()},
 * {@link #model()} and {@link #finishReason()} of the answer.
 *
 * <p><b>Content stays out of the message.</b> {@link #getMessage()} names the type, the problem,
 * the path and what was expected, never a value from the answer, so that logging this exception
 * does not log a completion; the text is only in {@link #rawText()}. It never holds a
 * credential.
 *
 * <p>{@link #retryable()} is true for {@link Problem#NOT_JSON} and {@link Problem#DOES_NOT_FIT}
 * (the same request, sampled again, may well fit) and false for the others: an answer cut at the
 * output limit is cut again at the same limit, a refusal tends to repeat, and a tool call is an
 * answer to act on, not to retry.
 *
 * <p>Immutable, apart from {@link #initPartialText}; safe to share between threads.
 */
public class StructuredOutputException extends AiGatewayException {
  private static final long serialVersionUID = 1L;

  /** What was wrong with the answer. */
  public enum Problem {
    /** The text is not one JSON value (prose, Markdown fences around JSON, an empty answer). */
    NOT_JSON,
    /** Valid JSON that does not fit the type: see {@link #path()} and the message. */
    DOES_NOT_FIT,
    /** The answer stopped at the output limit ({@link FinishReason#LENGTH}) before it fit. */
    TRUNCATED,
    /** The vendor refused or filtered the answer ({@link FinishReason#CONTENT_FILTER}). */
    REFUSED,
    /** The model called tools instead of answering ({@link FinishReason#TOOL_CALLS}). */
    TOOL_CALLS
  }

  private final Problem problem;
  private final String typeName;
  private final String path;
  private final String rawText;
  private final @Nullable String provider;
  private final @Nullable String model;
  private final @Nullable FinishReason finishReason;

  /**
   * @param problem what was wrong
   * @param typeName the expected Java type's name
   * @param path where in the JSON it went wrong, as a JSON path ({@code $}, {@code $.a[0].b}),
   *     or empty when there is no place to point at
   * @param detail what was expected there, without any value from the answer
   * @param rawText the answer's text as received, possibly empty
   * @param provider the provider that answered, or null when unknown
   * @param model the model that answered, or null when unknown
   * @param finishReason the answer's finish reason, or null when unknown
   */
  public StructuredOutputException(Problem problem, String typeName, String path, String detail,
      String rawText, @Nullable String provider, @Nullable String model,
      @Nullable FinishReason finishReason) {
    super(message(problem, typeName, path, detail, rawText, provider, model), null,
        Objects.requireNonNull(problem, "problem") == Problem.NOT_JSON
            || problem == Problem.DOES_NOT_FIT);
    this.problem = problem;
    this.typeName = Objects.requireNonNull(typeName, "typeName");
    this.path = Objects.requireNonNull(path, "path");
    this.rawText = Objects.requireNonNull(rawText, "rawText");
    this.provider = provider;
    this.model = model;
    this.finishReason = finishReason;
  }

  private static String message(Problem problem, String typeName, String path, String detail,
      String rawText, @Nullable String provider, @Nullable String model) {
    StringBuilder sb = new StringBuilder();
    if (provider != null) {
      sb.append(provider);
      if (model != null) {
        sb.append('/').append(model);
      }
      sb.append(": ");
    }
    sb.append(switch (problem) {
      case NOT_JSON -> "the answer is not JSON, so it is not a ";
      case DOES_NOT_FIT -> "the answer's JSON does not fit ";
      case TRUNCATED -> "the answer was cut at the output limit before it made a ";
      case REFUSED -> "the answer was refused or filtered instead of giving a ";
      case TOOL_CALLS -> "the model called tools instead of answering with a ";
    }).append(typeName);
    if (!path.isEmpty()) {
      sb.append(" at ").append(path);
    }
    if (!detail.isEmpty()) {
      sb.append(": ").append(detail);
    }
    return sb.append(" (").append(rawText.length()).append(" chars of text)").toString();
  }

  /** What was wrong with the answer. */
  public Problem problem() {
    return problem;
  }

  /** The name of the Java type the answer was to be read into. */
  public String typeName() {
    return typeName;
  }

  /** Where in the JSON it went wrong ({@code $.lines[1].quantity}), or empty. */
  public String path() {
    return path;
  }

  /** The answer's text exactly as the model wrote it; empty when there was none. */
  public String rawText() {
    return rawText;
  }

  /** The id of the provider that answered, or null when unknown. */
  public @Nullable String provider() {
    return provider;
  }

  /** The model that answered, as the vendor reported it, or null when unknown. */
  public @Nullable String model() {
    return model;
  }

  /** The answer's finish reason, or null when unknown. */
  public @Nullable FinishReason finishReason() {
    return finishReason;
  }
}
