package dev.aigateway.providers.internal;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.GatewayExecutors;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/** The validated settings of one HTTP provider, as its builder collected them. Immutable. */
public final class HttpSettings {
  private final String id;
  private final HttpUrl baseUrl;
  private final @Nullable Secret apiKey;
  private final Map<String, Object> headers;
  private final @Nullable OkHttpClient httpClient;
  private final @Nullable Executor executor;
  private final Clock clock;
  private final long maxResponseSize;

  HttpSettings(String id, HttpUrl baseUrl, @Nullable Secret apiKey, Map<String, Object> headers,
      @Nullable OkHttpClient httpClient, @Nullable Executor executor, Clock clock,
      long maxResponseSize) {
    this.id = id;
    this.baseUrl = baseUrl;
    this.apiKey = apiKey;
    this.headers = Map.copyOf(new LinkedHashMap<>(headers));
    this.httpClient = httpClient;
    this.executor = executor;
    this.clock = clock;
    this.maxResponseSize = maxResponseSize;
  }

  /** The provider's id. */
  public String id() {
    return id;
  }

  /**
   * The server of the base URL as {@code scheme://host:port}: no path, user info or query, so
   * nothing secret ({@link dev.aigateway.api.spi.ChatProvider#serverUri()}).
   */
  public java.net.URI serverUri() {
    return java.net.URI.create(baseUrl.scheme() + "://"
        + (baseUrl.host().contains(":") ? "[" + baseUrl.host() + "]" : baseUrl.host())
        + ":" + baseUrl.port());
  }

  /** The base URL, without a trailing slash. */
  public HttpUrl baseUrl() {
    return baseUrl;
  }

  /**
   * {@code path} (such as {@code chat/completions}) resolved under the base URL, whether or not
   * the base URL ends with a slash.
   */
  public HttpUrl endpoint(String path) {
    HttpUrl.Builder b = baseUrl.newBuilder();
    int last = baseUrl.pathSize() - 1;
    if (last >= 0 && baseUrl.pathSegments().get(last).isEmpty()) {
      b.removePathSegment(last);
    }
    return b.addPathSegments(path).build();
  }

  /** The API key, or null when none was configured. */
  public @Nullable Secret apiKey() {
    return apiKey;
  }

  /**
   * Reads the API key now.
   *
   * @throws AuthenticationException with status 0 when the key is unavailable or was never set
   */
  public String revealApiKey() {
    if (apiKey == null) {
      throw new AuthenticationException(id, 0, "missing_api_key",
          id + ": no API key is configured; set one with apiKey(Secret)", null);
    }
    try {
      return apiKey.reveal();
    } catch (RuntimeException e) {
      throw new AuthenticationException(id, 0, "missing_api_key",
          id + ": the API key (" + apiKey.source() + ") is unavailable: " + e.getMessage(), null);
    }
  }

  /** Whether one of the extra headers is a {@link Secret}, that is a credential of its own. */
  public boolean hasSecretHeader() {
    return headers.values().stream().anyMatch(v -> v instanceof Secret);
  }

  /** Adds the application's extra headers to {@code request}, reading secret ones now. */
  public Request.Builder applyHeaders(Request.Builder request) {
    for (Map.Entry<String, Object> h : headers.entrySet()) {
      Object v = h.getValue();
      String value;
      if (v instanceof Secret s) {
        try {
          value = s.reveal();
        } catch (RuntimeException e) {
          throw new AuthenticationException(id, 0, "missing_header_secret",
              id + ": header " + h.getKey() + " (" + s.source() + ") is unavailable: "
                  + e.getMessage(), null);
        }
      } else {
        value = (String) v;
      }
      request.header(h.getKey(), value);
    }
    return request;
  }

  /** The default executor, or the application's. */
  public Executor executor() {
    return executor != null ? executor : GatewayExecutors.defaultExecutor();
  }

  /** The clock for dates in {@code Retry-After}. */
  public Clock clock() {
    return clock;
  }

  /** The most bytes a plain reply, or one stream event, may have. */
  public long maxResponseSize() {
    return maxResponseSize;
  }

  /**
   * A transport on these settings, reading vendor errors with {@code errorParser}. Its base
   * clients carry the default timeouts (see {@link HttpProviderBuilder}), or the application
   * client's own; an attempt's timeouts are applied per call on top of them.
   */
  public HttpTransport transport(VendorError.Parser errorParser) {
    boolean ours = httpClient == null;
    // The gateway owns retries, so that every attempt is counted and classified; OkHttp would
    // otherwise silently resend after a 408 or a failed connection.
    OkHttpClient.Builder chat = (ours ? HttpClients.shared() : httpClient).newBuilder()
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false);
    if (ours) {
      chat.connectTimeout(HttpProviderBuilder.DEFAULT_CONNECT_TIMEOUT)
          .readTimeout(HttpProviderBuilder.DEFAULT_CHAT_IDLE_TIMEOUT);
    }
    OkHttpClient chatClient = chat.build();
    OkHttpClient streamClient = !ours ? chatClient : chatClient.newBuilder()
        .readTimeout(HttpProviderBuilder.DEFAULT_STREAM_IDLE_TIMEOUT).build();
    Set<String> sensitive = headers.entrySet().stream()
        .filter(e -> e.getValue() instanceof Secret)
        .map(e -> e.getKey().toLowerCase(Locale.ROOT))
        .collect(Collectors.toUnmodifiableSet());
    return new HttpTransport(id, chatClient, streamClient,
        executor != null ? executor : GatewayExecutors.defaultExecutor(), clock, errorParser,
        sensitive, maxResponseSize);
  }

  @Override
  public String toString() {
    return "HttpSettings[id=" + id + ", baseUrl=" + baseUrl + ", apiKey=" + apiKey
        + ", headers=" + headers.keySet() + ", maxResponseSize=" + maxResponseSize + "]";
  }
}
