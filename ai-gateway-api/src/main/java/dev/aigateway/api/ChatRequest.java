package dev.aigateway.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A chat request, independent of any vendor. Immutable and thread safe.
 *
 * <p>Build one with {@link #builder()}, {@link #of(String, String)} or {@link #toBuilder()}.
 * {@link Builder#build()} validates every field and names the one that is wrong; a request with
 * no model or no messages is rejected.
 *
 * <p>{@link #model()} is what the application asked for: a route name, {@code providerId/model}, or
 * a bare model name for the default provider. By the time a request reaches a
 * {@link dev.aigateway.api.spi.ChatProvider}, the gateway has replaced it with that vendor's model
 * name.
 *
 * <p>Optional numeric settings are null when unset, and then the vendor's default applies.
 * {@link #equals} compares everything but {@linkplain #attribute attributes}. {@link #toString()}
 * never shows message content.
 */
public final class ChatRequest {
  private final String model;
  private final List<Message> messages;
  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Integer maxTokens;
  private final List<String> stop;
  private final List<ToolDefinition> tools;
  private final @Nullable ToolChoice toolChoice;
  private final @Nullable ResponseFormat responseFormat;
  private final @Nullable Long seed;
  private final @Nullable String clientId;
  private final Map<String, String> metadata;
  private final CacheMode cacheMode;
  private final @Nullable Duration timeout;
  private final Map<String, @Nullable Object> extra;
  private final @Nullable Attr attributes;

  private ChatRequest(Builder b, List<Message> messages, @Nullable Attr attributes) {
    this.model = b.model;
    this.messages = messages;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.stop = b.stop;
    this.tools = Collections.unmodifiableList(new ArrayList<>(b.tools));
    this.toolChoice = b.toolChoice;
    this.responseFormat = b.responseFormat;
    this.seed = b.seed;
    this.clientId = b.clientId;
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.cacheMode = b.cacheMode;
    this.timeout = b.timeout;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
    this.attributes = attributes;
  }

  private ChatRequest(ChatRequest base, String model, @Nullable Attr attributes) {
    this.model = model;
    this.messages = base.messages;
    this.temperature = base.temperature;
    this.topP = base.topP;
    this.maxTokens = base.maxTokens;
    this.stop = base.stop;
    this.tools = base.tools;
    this.toolChoice = base.toolChoice;
    this.responseFormat = base.responseFormat;
    this.seed = base.seed;
    this.clientId = base.clientId;
    this.metadata = base.metadata;
    this.cacheMode = base.cacheMode;
    this.timeout = base.timeout;
    this.extra = base.extra;
    this.attributes = attributes;
  }

  /** A new, empty builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** A request of one user message for {@code model}. */
  public static ChatRequest of(String model, String userText) {
    return builder().model(model).user(userText).build();
  }

  /** A builder that starts from this request's values, attributes included. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** The model, route or {@code providerId/model} asked for. Never null. */
  public String model() {
    return model;
  }

  /** The conversation, in order; unmodifiable and never empty. */
  public List<Message> messages() {
    return messages;
  }

  /** Sampling temperature, or null for the vendor's default. */
  public @Nullable Double temperature() {
    return temperature;
  }

  /** Nucleus sampling probability, or null for the vendor's default. */
  public @Nullable Double topP() {
    return topP;
  }

  /** Maximum output tokens, or null for the vendor's (or adapter's documented) default. */
  public @Nullable Integer maxTokens() {
    return maxTokens;
  }

  /** Stop sequences; unmodifiable, possibly empty. */
  public List<String> stop() {
    return stop;
  }

  /** Tools the model may call; unmodifiable, possibly empty. */
  public List<ToolDefinition> tools() {
    return tools;
  }

  /** Which tool the model must call, or null for the vendor's default. */
  public @Nullable ToolChoice toolChoice() {
    return toolChoice;
  }

  /** The required answer format, or null for free text. */
  public @Nullable ResponseFormat responseFormat() {
    return responseFormat;
  }

  /** Sampling seed, or null. */
  public @Nullable Long seed() {
    return seed;
  }

  /** Who is calling, for per-client limits and metrics, or null when the caller is anonymous. */
  public @Nullable String clientId() {
    return clientId;
  }

  /** Application metadata; unmodifiable, possibly empty. Never sent to a vendor. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** How this request uses the response cache. Never null. */
  public CacheMode cacheMode() {
    return cacheMode;
  }

  /** The total time this call may take, retries included, or null for the gateway's default. */
  public @Nullable Duration timeout() {
    return timeout;
  }

  /**
   * Vendor-specific body fields, passed through to the vendor as they are. An extra field
   * replaces the field of the same name that the adapter would otherwise write. Unmodifiable.
   */
  public Map<String, @Nullable Object> extra() {
    return extra;
  }

  /** Whether any message carries an image. */
  public boolean hasImages() {
    for (Message m : messages) {
      if (m.hasImages()) {
        return true;
      }
    }
    return false;
  }

  /** The value stored under {@code key}, or null. */
  public <T> @Nullable T attribute(AttributeKey<T> key) {
    for (Attr a = attributes; a != null; a = a.next) {
      if (a.key == key) {
        return key.type().cast(a.value);
      }
    }
    return null;
  }

  /**
   * This request with {@code value} stored under {@code key} (or removed, when {@code value} is
   * null). Cheaper than {@link #toBuilder()}: nothing else is copied or validated again.
   */
  public <T> ChatRequest withAttribute(AttributeKey<T> key, @Nullable T value) {
    Checks.requireNonNull(key, "key");
    if (value != null && !key.type().isInstance(value)) {
      throw new IllegalArgumentException(
          "attribute " + key.name() + " takes " + key.type().getName() + " but got "
              + value.getClass().getName());
    }
    return new ChatRequest(this, model, new Attr(key, value, attributes));
  }

  /** This request for a different model, keeping everything else, attributes included. */
  public ChatRequest withModel(String model) {
    Checks.requireNonBlank(model, "model");
    return model.equals(this.model) ? this : new ChatRequest(this, model, attributes);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ChatRequest r
        && model.equals(r.model)
        && messages.equals(r.messages)
        && Objects.equals(temperature, r.temperature)
        && Objects.equals(topP, r.topP)
        && Objects.equals(maxTokens, r.maxTokens)
        && stop.equals(r.stop)
        && tools.equals(r.tools)
        && Objects.equals(toolChoice, r.toolChoice)
        && Objects.equals(responseFormat, r.responseFormat)
        && Objects.equals(seed, r.seed)
        && Objects.equals(clientId, r.clientId)
        && metadata.equals(r.metadata)
        && cacheMode == r.cacheMode
        && Objects.equals(timeout, r.timeout)
        && extra.equals(r.extra);
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        model, messages, temperature, topP, maxTokens, stop, tools, toolChoice, responseFormat,
        seed, clientId, metadata, cacheMode, timeout, extra);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ChatRequest[model=").append(model);
    sb.append(", messages=").append(messages.size());
    if (!tools.isEmpty()) {
      sb.append(", tools=").append(tools.size());
    }
    if (clientId != null) {
      sb.append(", clientId=").append(clientId);
    }
    if (cacheMode != CacheMode.DEFAULT) {
      sb.append(", cacheMode=").append(cacheMode);
    }
    if (timeout != null) {
      sb.append(", timeout=").append(timeout);
    }
    return sb.append(']').toString();
  }

  /** One attribute in an immutable, newest-first list; requests rarely carry more than a few. */
  private static final class Attr {
    final AttributeKey<?> key;
    final @Nullable Object value;
    final @Nullable Attr next;

    Attr(AttributeKey<?> key, @Nullable Object value, @Nullable Attr next) {
      this.key = key;
      this.value = value;
      this.next = next;
    }
  }

  /**
   * Builds a {@link ChatRequest}. Not thread safe. Methods that add ({@link #message},
   * {@link #system}, {@link #user}, {@link #tool}, {@link #metadata}, {@link #extra}) append;
   * methods that take a whole list ({@link #messages(List)}, {@link #tools(List)}) replace.
   */
  public static final class Builder {
    private @Nullable String model;
    private final List<Message> messages = new ArrayList<>();
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxTokens;
    private List<String> stop = List.of();
    private final List<ToolDefinition> tools = new ArrayList<>();
    private @Nullable ToolChoice toolChoice;
    private @Nullable ResponseFormat responseFormat;
    private @Nullable Long seed;
    private @Nullable String clientId;
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private CacheMode cacheMode = CacheMode.DEFAULT;
    private @Nullable Duration timeout;
    private final Map<String, @Nullable Object> extra = new LinkedHashMap<>();
    private @Nullable Attr attributes;

    private Builder() {}

    private Builder(ChatRequest r) {
      model = r.model;
      messages.addAll(r.messages);
      temperature = r.temperature;
      topP = r.topP;
      maxTokens = r.maxTokens;
      stop = r.stop;
      tools.addAll(r.tools);
      toolChoice = r.toolChoice;
      responseFormat = r.responseFormat;
      seed = r.seed;
      clientId = r.clientId;
      metadata.putAll(r.metadata);
      cacheMode = r.cacheMode;
      timeout = r.timeout;
      extra.putAll(r.extra);
      attributes = r.attributes;
    }

    /** The route name, {@code providerId/model}, or model name. Required. */
    public Builder model(String model) {
      this.model = model;
      return this;
    }

    /** Appends a system message. */
    public Builder system(String text) {
      return message(Message.system(text));
    }

    /** Appends a user message of plain text. */
    public Builder user(String text) {
      return message(Message.user(text));
    }

    /** Appends a message. */
    public Builder message(Message message) {
      messages.add(Checks.requireNonNull(message, "message"));
      return this;
    }

    /** Replaces all messages with {@code messages}, in order. */
    public Builder messages(List<Message> messages) {
      List<Message> copy = Checks.copyOf(messages, "messages");
      this.messages.clear();
      this.messages.addAll(copy);
      return this;
    }

    /** Sampling temperature, at least 0; null restores the vendor's default. */
    public Builder temperature(@Nullable Double temperature) {
      this.temperature = temperature;
      return this;
    }

    /** Nucleus sampling probability, from 0 to 1; null restores the vendor's default. */
    public Builder topP(@Nullable Double topP) {
      this.topP = topP;
      return this;
    }

    /** Maximum output tokens, at least 1; null restores the default. */
    public Builder maxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
      return this;
    }

    /** Replaces the stop sequences. */
    public Builder stop(String... sequences) {
      Checks.requireNonNull(sequences, "stop");
      this.stop = Checks.copyOf(List.of(sequences.clone()), "stop");
      return this;
    }

    /** Appends a tool the model may call. */
    public Builder tool(ToolDefinition tool) {
      tools.add(Checks.requireNonNull(tool, "tool"));
      return this;
    }

    /** Replaces all tools. */
    public Builder tools(List<ToolDefinition> tools) {
      List<ToolDefinition> copy = Checks.copyOf(tools, "tools");
      this.tools.clear();
      this.tools.addAll(copy);
      return this;
    }

    /** Which tool the model must call; null restores the vendor's default. */
    public Builder toolChoice(@Nullable ToolChoice toolChoice) {
      this.toolChoice = toolChoice;
      return this;
    }

    /** The answer's required format; null restores free text. */
    public Builder responseFormat(@Nullable ResponseFormat responseFormat) {
      this.responseFormat = responseFormat;
      return this;
    }

    /** Sampling seed; null clears it. */
    public Builder seed(@Nullable Long seed) {
      this.seed = seed;
      return this;
    }

    /** Who is calling, for per-client limits, policies and metrics; null for anonymous. */
    public Builder clientId(@Nullable String clientId) {
      this.clientId = clientId;
      return this;
    }

    /** Adds application metadata. It is never sent to a vendor. */
    public Builder metadata(String key, String value) {
      metadata.put(Checks.requireNonBlank(key, "metadata key"),
          Checks.requireNonNull(value, "metadata[" + key + "]"));
      return this;
    }

    /** How this request uses the response cache. */
    public Builder cacheMode(CacheMode cacheMode) {
      this.cacheMode = Checks.requireNonNull(cacheMode, "cacheMode");
      return this;
    }

    /** The total time the call may take, retries included; null for the gateway's default. */
    public Builder timeout(@Nullable Duration timeout) {
      this.timeout = timeout;
      return this;
    }

    /**
     * Adds a vendor-specific body field, passed through as is. {@code value} must be null, a
     * String, Number, Boolean, or a List or String-keyed Map of those; it is deep-copied.
     */
    public Builder extra(String key, @Nullable Object value) {
      Checks.requireNonBlank(key, "extra key");
      extra.put(key, JsonValues.copy(value, "extra." + key));
      return this;
    }

    /** Stores an attribute for the interceptor chain; a null value removes it. */
    public <T> Builder attribute(AttributeKey<T> key, @Nullable T value) {
      Checks.requireNonNull(key, "key");
      if (value != null && !key.type().isInstance(value)) {
        throw new IllegalArgumentException(
            "attribute " + key.name() + " takes " + key.type().getName());
      }
      attributes = new Attr(key, value, attributes);
      return this;
    }

    /**
     * Validates and builds the request.
     *
     * @throws IllegalArgumentException naming the first field that is missing or out of range
     */
    public ChatRequest build() {
      Checks.requireNonBlank(model, "model");
      if (messages.isEmpty()) {
        throw new IllegalArgumentException("messages must not be empty: add at least one message");
      }
      if (temperature != null && (!Double.isFinite(temperature) || temperature < 0)) {
        throw new IllegalArgumentException(
            "temperature must be a finite number >= 0 but was " + temperature);
      }
      if (topP != null && (!(topP >= 0) || topP > 1)) {
        throw new IllegalArgumentException("topP must be between 0 and 1 but was " + topP);
      }
      if (maxTokens != null && maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
      }
      for (int i = 0; i < stop.size(); i++) {
        if (stop.get(i).isEmpty()) {
          throw new IllegalArgumentException("stop[" + i + "] must not be empty");
        }
      }
      Set<String> toolNames = new LinkedHashSet<>();
      for (ToolDefinition tool : tools) {
        if (!toolNames.add(tool.name())) {
          throw new IllegalArgumentException("tools: duplicate tool name '" + tool.name() + "'");
        }
      }
      if (toolChoice != null && toolChoice.type() == ToolChoice.Type.TOOL
          && !toolNames.contains(toolChoice.toolName())) {
        throw new IllegalArgumentException(
            "toolChoice names tool '" + toolChoice.toolName() + "', which is not among tools "
                + toolNames);
      }
      if (toolChoice != null && toolChoice.type() == ToolChoice.Type.REQUIRED
          && tools.isEmpty()) {
        throw new IllegalArgumentException("toolChoice is REQUIRED but no tools are defined");
      }
      if (clientId != null && clientId.isBlank()) {
        throw new IllegalArgumentException("clientId must not be blank; use null for anonymous");
      }
      if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
        throw new IllegalArgumentException("timeout must be positive but was " + timeout);
      }
      return new ChatRequest(this, Collections.unmodifiableList(new ArrayList<>(messages)),
          attributes);
    }
  }
}
