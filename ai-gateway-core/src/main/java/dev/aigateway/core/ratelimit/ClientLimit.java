package dev.aigateway.core.ratelimit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one client may do: how many requests and how many tokens (input plus output) per window,
 * and which models or routes it may ask for. Immutable and thread safe.
 *
 * <pre>{@code
 * ClientLimit limit = ClientLimit.builder()
 *     .requests(10, Duration.ofSeconds(1))
 *     .requests(500, Duration.ofMinutes(1))
 *     .tokens(100_000, Duration.ofMinutes(1))
 *     .allowedModels("support", "gpt-4o-mini")
 *     .build();
 * }</pre>
 *
 * <p>Every window holds its amount and refills smoothly over its period (a token bucket of that
 * capacity, refilled greedily), so "10 per second" also allows a burst of 10. A call must fit
 * every window at once, and is charged against all of them or none. A limit with no request
 * windows does not count requests; one with no token windows does not count tokens. An empty
 * {@link #allowedModels()} allows every model.
 */
public final class ClientLimit {
  private final List<Window> requestWindows;
  private final List<Window> tokenWindows;
  private final Set<String> allowedModels;

  private ClientLimit(Builder b) {
    this.requestWindows = List.copyOf(b.requests);
    this.tokenWindows = List.copyOf(b.tokens);
    this.allowedModels = Collections.unmodifiableSet(new LinkedHashSet<>(b.models));
  }

  /** A new, empty builder: no windows, every model allowed. */
  public static Builder builder() {
    return new Builder();
  }

  /** A limit of {@code n} requests per {@code per}, and nothing else. */
  public static ClientLimit requests(long n, Duration per) {
    return builder().requests(n, per).build();
  }

  /**
   * The models and routes this client may use, as the application names them in
   * {@code ChatRequest.model()}; unmodifiable, empty when every model is allowed.
   */
  public Set<String> allowedModels() {
    return allowedModels;
  }

  /** Whether this client may ask for {@code model}. */
  public boolean allows(String model) {
    return allowedModels.isEmpty() || allowedModels.contains(model);
  }

  /** The request windows; unmodifiable. */
  public List<Window> requestWindows() {
    return requestWindows;
  }

  /** The token windows; unmodifiable. */
  public List<Window> tokenWindows() {
    return tokenWindows;
  }

  /** Whether the limit counts tokens. */
  public boolean countsTokens() {
    return !tokenWindows.isEmpty();
  }

  /** Whether the limit has any window (else it only restricts models). */
  public boolean hasWindows() {
    return !requestWindows.isEmpty() || !tokenWindows.isEmpty();
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("ClientLimit[");
    String sep = "";
    for (Window w : requestWindows) {
      sb.append(sep).append(w.describe("requests"));
      sep = ", ";
    }
    for (Window w : tokenWindows) {
      sb.append(sep).append(w.describe("tokens"));
      sep = ", ";
    }
    if (!allowedModels.isEmpty()) {
      sb.append(sep).append("allowedModels=").append(allowedModels);
    }
    return sb.append(']').toString();
  }

  /** Builds a {@link ClientLimit}. Not thread safe. Each method validates its arguments. */
  public static final class Builder {
    private final List<Window> requests = new ArrayList<>(2);
    private final List<Window> tokens = new ArrayList<>(2);
    private final Set<String> models = new LinkedHashSet<>();

    private Builder() {}

    /**
     * Adds a window of at most {@code n} requests per {@code per}.
     *
     * @throws IllegalArgumentException when {@code n < 1} or {@code per} is not positive
     */
    public Builder requests(long n, Duration per) {
      requests.add(Window.of(n, per, "requests"));
      return this;
    }

    /**
     * Adds a window of at most {@code n} tokens (input plus output) per {@code per}.
     *
     * @throws IllegalArgumentException when {@code n < 1} or {@code per} is not positive
     */
    public Builder tokens(long n, Duration per) {
      tokens.add(Window.of(n, per, "tokens"));
      return this;
    }

    /**
     * Restricts the client to these models or routes (as named in {@code ChatRequest.model()});
     * adds to those given before. Never calling it allows every model.
     *
     * @throws IllegalArgumentException when a name is null or blank
     */
    public Builder allowedModels(String... models) {
      if (models == null) {
        throw new IllegalArgumentException("allowedModels must not be null");
      }
      for (int i = 0; i < models.length; i++) {
        if (models[i] == null || models[i].isBlank()) {
          throw new IllegalArgumentException(
              "allowedModels[" + i + "] must not be blank but was '" + models[i] + "'");
        }
        this.models.add(models[i]);
      }
      return this;
    }

    /** Builds the limit. */
    public ClientLimit build() {
      return new ClientLimit(this);
    }
  }
}
