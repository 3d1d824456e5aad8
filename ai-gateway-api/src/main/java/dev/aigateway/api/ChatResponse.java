package dev.aigateway.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A complete answer. Immutable and thread safe.
 *
 * <p>Besides the answer itself it says what happened: {@link #provider()} served it,
 * {@link #model()} is the model as that vendor reported it, {@link #attempts()} counts the
 * upstream attempts made (0 for a cache hit), and {@link #fromCache()} tells a cache hit apart.
 * {@link #toString()} never shows the answer's content.
 */
public final class ChatResponse {
  private final @Nullable String id;
  private final String provider;
  private final String model;
  private final Message message;
  private final FinishReason finishReason;
  private final @Nullable Usage usage;
  private final boolean fromCache;
  private final int attempts;
  private final @Nullable String refusal;

  private ChatResponse(Builder b) {
    this.id = b.id;
    this.provider = Checks.requireNonBlank(b.provider, "provider");
    this.model = Checks.requireNonBlank(b.model, "model");
    this.message = Checks.requireNonNull(b.message, "message");
    if (message.role() != Role.ASSISTANT) {
      throw new IllegalArgumentException("message must be an ASSISTANT message but was "
          + message.role());
    }
    this.finishReason = Checks.requireNonNull(b.finishReason, "finishReason");
    this.usage = b.usage;
    this.fromCache = b.fromCache;
    if (b.attempts < 0) {
      throw new IllegalArgumentException("attempts must be >= 0 but was " + b.attempts);
    }
    this.attempts = b.attempts;
    this.refusal = b.refusal;
  }

  /** A new builder; {@link Builder#attempts} defaults to 1. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder that starts from this response's values. */
  public Builder toBuilder() {
    Builder b = new Builder();
    b.id = id;
    b.provider = provider;
    b.model = model;
    b.message = message;
    b.finishReason = finishReason;
    b.usage = usage;
    b.fromCache = fromCache;
    b.attempts = attempts;
    b.refusal = refusal;
    return b;
  }

  /** The vendor's id for this answer, or null when it gave none. */
  public @Nullable String id() {
    return id;
  }

  /** The id of the provider that served this answer, such as {@code openai}. */
  public String provider() {
    return provider;
  }

  /** The model as the vendor reported it, such as {@code gpt-4o-2024-08-06}. */
  public String model() {
    return model;
  }

  /** The answer as an assistant message, ready to append to the conversation. */
  public Message message() {
    return message;
  }

  /** The answer's text; empty when it holds only tool calls. */
  public String text() {
    return message.text();
  }

  /**
   * The model's reasoning (its "thinking"), apart from the answer's {@link #text()}: the text of
   * the message's {@link ContentPart.Reasoning reasoning} parts; empty when the vendor returned
   * none (it may have reasoned without showing it; see {@link Usage#reasoningTokens()}).
   */
  public String reasoning() {
    return message.reasoning();
  }

  /**
   * The model's refusal, apart from the answer: OpenAI's {@code refusal} text, or the empty
   * string when the vendor only said that it refused (Anthropic's {@code refusal} stop reason,
   * with {@link FinishReason#CONTENT_FILTER}). Null when the model did not refuse.
   */
  public @Nullable String refusal() {
    return refusal;
  }

  /** The tool calls the model asks for; unmodifiable, possibly empty. */
  public List<ToolCall> toolCalls() {
    return message.toolCalls();
  }

  /** Why the model stopped. Never null. */
  public FinishReason finishReason() {
    return finishReason;
  }

  /** Token counts, or null when the vendor reported none. */
  public @Nullable Usage usage() {
    return usage;
  }

  /** Whether this answer came from the gateway's response cache. */
  public boolean fromCache() {
    return fromCache;
  }

  /** Upstream attempts made for this answer: 1 or more, or 0 for a cache hit. */
  public int attempts() {
    return attempts;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ChatResponse r
        && Objects.equals(id, r.id)
        && provider.equals(r.provider)
        && model.equals(r.model)
        && message.equals(r.message)
        && finishReason == r.finishReason
        && Objects.equals(usage, r.usage)
        && fromCache == r.fromCache
        && attempts == r.attempts
        && Objects.equals(refusal, r.refusal);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        id, provider, model, message, finishReason, usage, fromCache, attempts, refusal);
  }

  @Override
  public String toString() {
    return "ChatResponse[provider=" + provider + ", model=" + model
        + ", finishReason=" + finishReason + ", " + text().length() + " chars"
        + (toolCalls().isEmpty() ? "" : ", " + toolCalls().size() + " tool calls")
        + (reasoning().isEmpty() ? "" : ", " + reasoning().length() + " chars of reasoning")
        + (refusal == null ? "" : ", refused")
        + ", usage=" + usage + ", attempts=" + attempts + (fromCache ? ", fromCache" : "") + "]";
  }

  /** Builds a {@link ChatResponse}. Not thread safe. */
  public static final class Builder {
    private @Nullable String id;
    private @Nullable String provider;
    private @Nullable String model;
    private @Nullable Message message;
    private @Nullable FinishReason finishReason;
    private @Nullable Usage usage;
    private boolean fromCache;
    private int attempts = 1;
    private @Nullable String refusal;

    private Builder() {}

    /** The vendor's id for the answer; may be null. */
    public Builder id(@Nullable String id) {
      this.id = id;
      return this;
    }

    /** The provider's id. Required. */
    public Builder provider(String provider) {
      this.provider = provider;
      return this;
    }

    /** The model as the vendor reported it. Required. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** The answer as an assistant message. Required, unless {@link #text} is used. */
    public Builder message(Message message) {
      this.message = message;
      return this;
    }

    /** Shorthand for {@code message(Message.assistant(text))}. */
    public Builder text(String text) {
      return message(Message.assistant(text));
    }

    /** Why the model stopped. Required. */
    public Builder finishReason(FinishReason finishReason) {
      this.finishReason = finishReason;
      return this;
    }

    /** Token counts; may be null. */
    public Builder usage(@Nullable Usage usage) {
      this.usage = usage;
      return this;
    }

    /** Whether the answer came from the cache. */
    public Builder fromCache(boolean fromCache) {
      this.fromCache = fromCache;
      return this;
    }

    /** The model's refusal (see {@link ChatResponse#refusal()}); null when it did not refuse. */
    public Builder refusal(@Nullable String refusal) {
      this.refusal = refusal;
      return this;
    }

    /** Upstream attempts made; 0 or more. */
    public Builder attempts(int attempts) {
      this.attempts = attempts;
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the first missing or invalid field
     */
    public ChatResponse build() {
      return new ChatResponse(this);
    }
  }
}
