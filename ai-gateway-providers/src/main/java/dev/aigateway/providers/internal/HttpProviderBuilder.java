package dev.aigateway.providers.internal;

import dev.aigateway.api.Secret;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Function;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * The settings every HTTP adapter's builder shares: id, base URL, API key, extra headers, and
 * optionally the application's own {@link OkHttpClient} and executor. Each adapter's public
 * builder holds one and delegates to it, so that no public builder shows this type. Not thread
 * safe.
 *
 * <p>Timeouts are not set here: the gateway resolves them (its default, the route's, the
 * request's) and passes them with each attempt in an {@link dev.aigateway.api.spi.AttemptContext}.
 * What the attempt leaves unset, and everything when a provider is called without an attempt
 * ({@link dev.aigateway.api.spi.AttemptContext#none()}), takes the provider's defaults:
 * <ul>
 *   <li>connect: {@link #DEFAULT_CONNECT_TIMEOUT} (10 s);
 *   <li>idle, for {@code chat()}: {@link #DEFAULT_CHAT_IDLE_TIMEOUT} (10 min), the longest
 *       silence while waiting for a plain reply, which covers the whole generation since a plain
 *       reply arrives at once;
 *   <li>idle, for {@code stream()}: {@link #DEFAULT_STREAM_IDLE_TIMEOUT} (5 min), the longest
 *       silence between two stream events, or before the first (reasoning models may think for
 *       minutes before their first token);
 *   <li>the whole exchange: the attempt's {@code timeout()} or the request's
 *       {@link dev.aigateway.api.ChatRequest#timeout()}, whichever is shorter; no limit when
 *       neither is set.
 * </ul>
 * When the application passes its own client, that client's connect and read timeouts are the
 * defaults instead. Redirects are never followed, so credentials never travel to another host,
 * and OkHttp's own silent retries are off, since the gateway's retry policy decides and counts
 * every attempt.
 *
 * <p>What one reply may make the gateway hold is capped by {@link #maxResponseSize(long)}
 * ({@link #DEFAULT_MAX_RESPONSE_SIZE}, 32 MiB, by default).
 *
 * <p><b>The environment.</b> A vendor's builder names the variables its vendor's SDKs read
 * ({@link #baseUrlVariable}, {@link #keyVariables}). What the builder was given always wins; a
 * variable is read only for a setting that was not given, at {@link #settings()}, through
 * {@link #environment} (the process environment unless a test says otherwise). A key from the
 * environment becomes a {@link Secret} like any other: read per request, never shown.
 */
public final class HttpProviderBuilder {
  /** How long connecting may take when the attempt does not say: 10 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(10);
  /** The longest silence while waiting for a plain reply when the attempt does not say: 10 min. */
  public static final Duration DEFAULT_CHAT_IDLE_TIMEOUT = Duration.ofMinutes(10);
  /** The longest silence between two stream events when the attempt does not say: 5 min. */
  public static final Duration DEFAULT_STREAM_IDLE_TIMEOUT = Duration.ofMinutes(5);
  /**
   * The largest plain reply, and the largest single stream event, when the builder does not say:
   * 32 MiB. Big enough for the largest replies vendors send today (images and audio inlined as
   * base64 run to a few MB, text answers to well under one), and small enough that a broken or
   * hostile endpoint cannot exhaust a service's heap.
   */
  public static final long DEFAULT_MAX_RESPONSE_SIZE = 32L * 1024 * 1024;

  /** The process environment, {@link System#getenv(String)}: the default of every builder. */
  public static final Function<String, @Nullable String> PROCESS_ENVIRONMENT = System::getenv;

  private String id;
  private final @Nullable String defaultBaseUrl;
  private @Nullable String baseUrl;
  private @Nullable Secret apiKey;
  private Function<String, @Nullable String> environment = PROCESS_ENVIRONMENT;
  private @Nullable String baseUrlVariable;
  private List<String> keyVariables = List.of();
  private final Map<String, Object> headers = new LinkedHashMap<>();
  private @Nullable OkHttpClient httpClient;
  private @Nullable Executor executor;
  private Clock clock = Clock.systemUTC();
  private long maxResponseSize = DEFAULT_MAX_RESPONSE_SIZE;

  /**
   * Settings whose id and base URL start at the vendor's defaults ({@code baseUrl} may be null).
   */
  public HttpProviderBuilder(String defaultId, @Nullable String defaultBaseUrl) {
    this.id = defaultId;
    this.defaultBaseUrl = defaultBaseUrl;
  }

  /** The provider's id, unique within a gateway. */
  public void id(String id) {
    this.id = id;
  }

  /** The base URL, as the vendor's documentation and SDKs give it. */
  public void baseUrl(String baseUrl) {
    this.baseUrl = baseUrl;
  }

  /** The API key, read on every request. */
  public void apiKey(Secret apiKey) {
    this.apiKey = Objects.requireNonNull(apiKey, "apiKey");
  }

  /** The base URL the builder was given, or null when it was left to the environment or default. */
  public @Nullable String givenBaseUrl() {
    return baseUrl;
  }

  /**
   * Whether {@code settings} carry a credential: an API key (given or from the environment), or a
   * header whose value is a {@link Secret} (a proxy's own credential).
   */
  public static boolean hasCredential(HttpSettings settings) {
    return settings.apiKey() != null || settings.hasSecretHeader();
  }

  /**
   * Where variables are read; {@link #PROCESS_ENVIRONMENT} by default. For tests, which must not
   * depend on the machine's environment.
   */
  public void environment(Function<String, @Nullable String> environment) {
    this.environment = Objects.requireNonNull(environment, "environment");
  }

  /** The variable that gives the base URL when none was given, or null for none. */
  public void baseUrlVariable(@Nullable String variable) {
    this.baseUrlVariable = variable;
  }

  /**
   * The variables that give the API key when none was given, in order: the first one set wins.
   * None by default.
   */
  public void keyVariables(String... variables) {
    this.keyVariables = List.of(variables);
  }

  /** The variables that give the API key when none was given, in the order they are read. */
  public List<String> keyVariables() {
    return keyVariables;
  }

  /** {@code variable}'s value, stripped, or null when it is unset or blank. */
  public @Nullable String variable(String variable) {
    String value = environment.apply(variable);
    return value == null || value.isBlank() ? null : value.strip();
  }

  /**
   * The failure of a builder that has no credential: an {@link IllegalStateException} whose
   * message names the variables to set ({@link #keyVariables()}, or {@code variables} when given)
   * and the builder method that takes a key, never a value.
   *
   * @param method the builder method to name, such as {@code OpenAiProvider.builder().apiKey(Secret)}
   */
  public IllegalStateException missingKey(String method, String... variables) {
    List<String> names = variables.length > 0 ? List.of(variables) : keyVariables;
    String set = names.isEmpty() ? ""
        : "set the environment variable " + String.join(" or ", names) + ", or ";
    return new IllegalStateException(id + ": no API key is configured; " + set + "give one with "
        + method);
  }

  /** A header sent with every request; replaces one the adapter would send by that name. */
  public void header(String name, String value) {
    headers.put(requireHeaderName(name), Objects.requireNonNull(value, "value"));
  }

  /** A header whose value is a credential: read per request and redacted like the API key. */
  public void header(String name, Secret value) {
    headers.put(requireHeaderName(name), Objects.requireNonNull(value, "value"));
  }

  /** The application's own client; its connection pool, proxy and interceptors are kept. */
  public void httpClient(OkHttpClient client) {
    this.httpClient = Objects.requireNonNull(client, "client");
  }

  /** The executor that reads streams; by default the gateway's shared executor. */
  public void executor(Executor executor) {
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  /** The clock used to read {@code Retry-After} dates; for tests. */
  public void clock(Clock clock) {
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * The most bytes one reply may make the gateway hold: the whole body of a plain reply, and any
   * one event of a stream (a stream as a whole may be longer). A reply over it fails with a
   * {@link dev.aigateway.api.ProviderException} whose code is {@code response_too_large} and whose
   * message names the limit; it is not retryable, so a gateway fails over to the next target.
   * Whatever a vendor sends, a call holds at most a small multiple of this in memory (the bytes,
   * and the text and JSON tree made of them). {@link #DEFAULT_MAX_RESPONSE_SIZE} by default.
   *
   * @throws IllegalArgumentException when {@code bytes} is not positive
   */
  public void maxResponseSize(long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("maxResponseSize must be positive: " + bytes);
    }
    this.maxResponseSize = bytes;
  }

  /**
   * The validated settings.
   *
   * @throws IllegalArgumentException naming the setting that is missing or invalid
   */
  public HttpSettings settings() {
    if (id == null || id.isBlank()) {
      throw new IllegalArgumentException("id must not be blank");
    }
    if (id.contains("/")) {
      throw new IllegalArgumentException("id '" + id + "' must not contain '/'");
    }
    String base = baseUrl;
    String from = "baseUrl";
    if (base == null && baseUrlVariable != null) {
      base = variable(baseUrlVariable);
      from = "baseUrl (from " + baseUrlVariable + ")";
    }
    if (base == null) {
      base = defaultBaseUrl;
      from = "baseUrl";
    }
    if (base == null || base.isBlank()) {
      throw new IllegalArgumentException("baseUrl must not be blank"
          + (baseUrlVariable != null ? "; set it, or the environment variable " + baseUrlVariable
              : ""));
    }
    HttpUrl url = HttpUrl.parse(base.strip());
    if (url == null) {
      throw new IllegalArgumentException(
          from + " '" + base + "' is not an http:// or https:// URL");
    }
    if (url.querySize() > 0 || url.fragment() != null) {
      throw new IllegalArgumentException(
          from + " '" + base + "' must not have a query or fragment");
    }
    return new HttpSettings(id, url, apiKey != null ? apiKey : keyFromEnvironment(), headers,
        httpClient, executor, clock, maxResponseSize);
  }

  /** The key of the first of {@link #keyVariables} that is set, or null. */
  private @Nullable Secret keyFromEnvironment() {
    for (String name : keyVariables) {
      if (variable(name) != null) {
        if (environment == PROCESS_ENVIRONMENT) {
          return Secret.env(name); // what a user would write, labelled "env NAME"
        }
        Function<String, @Nullable String> env = environment;
        return Secret.from(() -> { // read per request and stripped, as Secret.env does
          String value = env.apply(name);
          return value == null ? null : value.strip();
        });
      }
    }
    return null;
  }

  /**
   * {@code value}, checked for an adapter's own setting.
   *
   * @throws IllegalArgumentException naming {@code field} when it is null or blank
   */
  public static String requireNonBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }

  private static String requireHeaderName(String name) {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("header name must not be blank");
    }
    return name;
  }
}
