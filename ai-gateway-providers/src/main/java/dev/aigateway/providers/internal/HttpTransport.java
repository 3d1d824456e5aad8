package dev.aigateway.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.Cancellation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Executes one provider's HTTP exchanges: plain calls that return a parsed JSON body, and SSE
 * streams (see {@link SseStream}). It maps every failure onto the gateway's exceptions with
 * credentials redacted, tracks calls in flight, and aborts them on {@link #close()}. Thread safe.
 */
public final class HttpTransport implements AutoCloseable {
  private final String provider;
  private final OkHttpClient chatClient;
  private final OkHttpClient streamClient;
  private final Executor executor;
  private final Clock clock;
  private final VendorError.Parser errorParser;
  private final Set<String> sensitiveHeaders;
  private final Set<Call> active = ConcurrentHashMap.newKeySet();
  private final Map<Duration, OkHttpClient> chatClients = new ConcurrentHashMap<>();
  private final Map<Duration, OkHttpClient> streamClients = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HttpTransport(String provider, OkHttpClient chatClient, OkHttpClient streamClient,
      Executor executor, Clock clock, VendorError.Parser errorParser,
      Set<String> sensitiveHeaders) {
    this.provider = provider;
    this.chatClient = chatClient;
    this.streamClient = streamClient;
    this.executor = executor;
    this.clock = clock;
    this.errorParser = errorParser;
    this.sensitiveHeaders = sensitiveHeaders;
  }

  /** Turns a successful reply's JSON body into a result. */
  @FunctionalInterface
  public interface BodyReader<T> {
    /**
     * Reads {@code body}.
     *
     * @throws RuntimeException when the body is not in the expected shape; it is reported as a
     *     {@link MalformedResponseException}, unless it already is an {@link AiGatewayException}
     */
    T read(JsonNode body);
  }

  /**
   * Sends {@code request}, the HTTP form of {@code call}, and reads the JSON reply with
   * {@code reader}. The exchange obeys the call's {@link ChatRequest#timeout()} as its total
   * deadline, its {@link CallOptions#CONNECT_TIMEOUT} when set, and its {@link Cancellation},
   * which aborts the HTTP call at once.
   *
   * @throws CancellationException when the call was cancelled
   */
  public <T> T execute(ChatRequest call, Request request, BodyReader<T> reader) {
    checkOpen();
    Redactor redactor = Redactor.forRequest(request, sensitiveHeaders);
    Cancellation cancellation = Cancellation.of(call);
    Call http = track(client(chatClient, chatClients, call.attribute(CallOptions.CONNECT_TIMEOUT))
        .newCall(request), call.timeout());
    try (Cancellation.Registration abort =
        cancellation == null ? null : cancellation.onCancel(http::cancel)) {
      return exchange(http, call.timeout(), reader, redactor);
    } catch (AiGatewayException e) {
      if (cancellation != null && cancellation.isCancelled()) {
        throw new CancellationException("the call was cancelled");
      }
      // Every error leaves through here, so this is where credentials are kept out of it.
      throw redactor.sanitize(e);
    }
  }

  private <T> T exchange(Call call, Duration timeout, BodyReader<T> reader, Redactor redactor) {
    try (Response response = call.execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(provider, response, errorParser, clock, redactor);
      }
      byte[] bytes;
      try {
        bytes = response.body().bytes();
      } catch (IOException e) {
        throw ioFailure(e, IoErrors.Stage.BODY, timeout != null, redactor);
      }
      JsonNode root;
      try {
        root = Json.parse(bytes);
      } catch (IOException e) {
        root = null;
      }
      if (root == null || !root.isObject()) {
        throw new MalformedResponseException(provider, response.code(),
            redactor.scrub(provider + ": expected a JSON object but got " + HttpErrors.describeBody(
                HttpErrors.contentType(response), new String(bytes, StandardCharsets.UTF_8))),
            null);
      }
      try {
        return reader.read(root);
      } catch (AiGatewayException e) {
        throw e;
      } catch (RuntimeException e) {
        throw new MalformedResponseException(provider, response.code(),
            redactor.scrub(provider + ": the response is not in the expected shape: "
                + (e.getMessage() != null ? e.getMessage() : e.toString())), e);
      }
    } catch (IOException e) {
      throw ioFailure(e, IoErrors.Stage.REQUEST, timeout != null, redactor);
    } finally {
      active.remove(call);
    }
  }

  /**
   * A cold publisher of the chunks of an SSE stream for {@code call}. {@code request} and
   * {@code decoder} are called once the subscriber first requests, so credentials are read per
   * stream. The call's {@link ChatRequest#timeout()} bounds the whole stream.
   */
  public Flow.Publisher<ChatChunk> stream(
      ChatRequest call, Supplier<Request> request, Supplier<StreamDecoder> decoder) {
    checkOpen();
    return new SseStream(this, request, call.timeout(),
        call.attribute(CallOptions.CONNECT_TIMEOUT), decoder);
  }

  /** Aborts every call in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    closed = true;
    for (Call call : active) {
      call.cancel();
    }
  }

  private AiGatewayException ioFailure(
      IOException e, IoErrors.Stage stage, boolean deadline, Redactor redactor) {
    if (closed) {
      return closedError();
    }
    return IoErrors.map(provider, e, stage, deadline, redactor);
  }

  private Call track(Call call, Duration timeout) {
    if (timeout != null) {
      call.timeout().timeout(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
    active.add(call);
    if (closed) {
      call.cancel();
    }
    return call;
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("provider " + provider + " is closed");
    }
  }

  Call newStreamCall(Request request, Duration timeout, Duration connectTimeout) {
    return track(client(streamClient, streamClients, connectTimeout).newCall(request), timeout);
  }

  /**
   * {@code base}, or a client sharing its pool and dispatcher with another connect timeout; one
   * per distinct timeout, kept, since building a client costs more than a call.
   */
  private static OkHttpClient client(
      OkHttpClient base, Map<Duration, OkHttpClient> derived, Duration connectTimeout) {
    if (connectTimeout == null || connectTimeout.toMillis() == base.connectTimeoutMillis()) {
      return base;
    }
    return derived.computeIfAbsent(connectTimeout,
        d -> base.newBuilder().connectTimeout(d).build());
  }

  void finished(Call call) {
    active.remove(call);
  }

  AiGatewayException closedError() {
    return new ProviderUnavailableException(provider, 0, "provider_closed",
        provider + ": the provider was closed while the call was in flight", null);
  }

  boolean isClosed() {
    return closed;
  }

  /** How many calls are in flight; for tests and diagnostics. */
  public int activeCalls() {
    return active.size();
  }

  /** The provider's id. */
  public String provider() {
    return provider;
  }

  Executor executor() {
    return executor;
  }

  Clock clock() {
    return clock;
  }

  VendorError.Parser errorParser() {
    return errorParser;
  }

  Set<String> sensitiveHeaders() {
    return sensitiveHeaders;
  }
}
