package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Request parameters one route target sets for itself, over what the caller asked: a sampling
 * temperature tuned for that model, a lower output limit for a costly one, a vendor field through
 * {@code extra}. Immutable.
 *
 * <pre>{@code
 * Route.builder("support")
 *     .target("openai", "gpt-4o", 90)
 *     .target("anthropic", "claude-sonnet-4-5", 10,
 *         Overrides.builder().temperature(0.3).maxTokens(800).build())
 *     .build();
 * }</pre>
 */
public final class Overrides {
  /** No overrides: the request goes as the caller built it. */
  public static final Overrides NONE = new Builder().build();

  private final @Nullable Double temperature;
  private final @Nullable Double topP;
  private final @Nullable Integer maxTokens;
  private final Map<String, Object> extra;
  private final @Nullable Boolean assistantPrefill;

  private Overrides(Builder b) {
    this.assistantPrefill = b.assistantPrefill;
    this.temperature = b.temperature;
    this.topP = b.topP;
    this.maxTokens = b.maxTokens;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(b.extra));
  }

  /** A builder with nothing overridden. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Whether this target continues an answer from an assistant prefill, over its provider's own
   * {@code supportsAssistantPrefill()}; null to follow the provider. Used when the gateway
   * rescues a stream cut mid-answer (see the README's streaming section).
   */
  public @Nullable Boolean assistantPrefill() {
    return assistantPrefill;
  }

  /** Whether no request parameter is overridden ({@link #assistantPrefill()} aside). */
  public boolean isEmpty() {
    return temperature == null && topP == null && maxTokens == null && extra.isEmpty();
  }

  /** {@code request} with these parameters set; {@code request} itself when there are none. */
  public ChatRequest applyTo(ChatRequest request) {
    if (isEmpty()) {
      return request;
    }
    ChatRequest.Builder b = request.toBuilder();
    if (temperature != null) {
      b.temperature(temperature);
    }
    if (topP != null) {
      b.topP(topP);
    }
    if (maxTokens != null) {
      b.maxTokens(maxTokens);
    }
    extra.forEach(b::extra);
    return b.build();
  }

  @Override
  public String toString() {
    if (isEmpty() && assistantPrefill == null) {
      return "Overrides[]";
    }
    StringBuilder sb = new StringBuilder("Overrides[");
    if (assistantPrefill != null) {
      sb.append("assistantPrefill=").append(assistantPrefill).append(' ');
    }
    if (temperature != null) {
      sb.append("temperature=").append(temperature).append(' ');
    }
    if (topP != null) {
      sb.append("topP=").append(topP).append(' ');
    }
    if (maxTokens != null) {
      sb.append("maxTokens=").append(maxTokens).append(' ');
    }
    if (!extra.isEmpty()) {
      sb.append("extra=").append(extra.keySet()).append(' ');
    }
    sb.setLength(sb.length() - 1);
    return sb.append(']').toString();
  }

  /** Builds {@link Overrides}. Values are validated when applied, as a request's are. */
  public static final class Builder {
    private @Nullable Double temperature;
    private @Nullable Double topP;
    private @Nullable Integer maxTokens;
    private final Map<String, Object> extra = new LinkedHashMap<>();
    private @Nullable Boolean assistantPrefill;

    private Builder() {}

    /**
     * Whether this target continues an answer from an assistant prefill, whatever its provider
     * says: true for an OpenAI-compatible server known to continue one, false for a model that
     * rejects or ignores one.
     */
    public Builder assistantPrefill(boolean supported) {
      this.assistantPrefill = supported;
      return this;
    }

    /** The sampling temperature this target uses. */
    public Builder temperature(double temperature) {
      if (!(temperature >= 0)) {
        throw new IllegalArgumentException("temperature must be >= 0 but was " + temperature);
      }
      this.temperature = temperature;
      return this;
    }

    /** The nucleus sampling mass this target uses. */
    public Builder topP(double topP) {
      if (!(topP > 0 && topP <= 1)) {
        throw new IllegalArgumentException("topP must be within (0, 1] but was " + topP);
      }
      this.topP = topP;
      return this;
    }

    /** The output limit this target uses. */
    public Builder maxTokens(int maxTokens) {
      if (maxTokens < 1) {
        throw new IllegalArgumentException("maxTokens must be >= 1 but was " + maxTokens);
      }
      this.maxTokens = maxTokens;
      return this;
    }

    /** A vendor body field for this target (see {@code ChatRequest.Builder.extra}). */
    public Builder extra(String key, Object value) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("extra key must not be blank");
      }
      extra.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /** The overrides. */
    public Overrides build() {
      return new Overrides(this);
    }
  }
}
