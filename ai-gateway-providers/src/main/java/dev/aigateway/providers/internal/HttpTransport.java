package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.AttemptContext;
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
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Executes one provider's HTTP exchanges: plain calls that return a parsed JSON body, and SSE
 * streams (see {@link SseStream}). It maps every failure onto the gateway's exceptions with
 * credentials redacted, tracks calls in flight, and aborts them on {@link #close()}. Thread safe.
 *
 * <p>Each exchange obeys its attempt ({@link AttemptContext}): the cancellation aborts the OkHttp
 * call at once; the total deadline is the shorter of the attempt's {@code timeout()} and the
 * request's {@link ChatRequest#timeout()}; the connect timeout and the idle timeout (the read
 * timeout: for a plain call the wait for the reply, for a stream the gap between events) are the
 * attempt's, or the base client's when the attempt leaves them unset. A client with other
 * timeouts than the base is derived once per distinct pair with {@link OkHttpClient#newBuilder()},
 * which shares the connection pool and dispatcher, and kept, since building a client costs more
 * than a call.
 */
public final class HttpTransport implements AutoCloseable {
  private final String provider;
  private final OkHttpClient chatClient;
  private final OkHttpClient streamClient;
  private final Executor executor;
  private final Clock clock;
  private final VendorError.Parser errorParser;
  private final Set<String> sensitiveHeaders;
  private final long maxResponseSize;
  private final Set<Call> active = ConcurrentHashMap.newKeySet();
  private final Map<Timeouts, OkHttpClient> derived = new ConcurrentHashMap<>();
  private volatile boolean closed;

  HttpTransport(String provider, OkHttpClient chatClient, OkHttpClient streamClient,
      Executor executor, Clock clock, VendorError.Parser errorParser,
      Set<String> sensitiveHeaders, long maxResponseSize) {
    this.provider = provider;
    this.chatClient = chatClient;
    this.streamClient = streamClient;
    this.executor = executor;
    this.clock = clock;
    this.errorParser = errorParser;
    this.sensitiveHeaders = sensitiveHeaders;
    this.maxResponseSize = maxResponseSize;
  }

  /** Turns a successful reply's JSON body into a result. */
  @FunctionalInterface
  public interface BodyReader<T> {
    /**
     * Reads the body's object with Jackson's streaming parser, which stands on its
     * {@code START_OBJECT}; reads the object to its {@code END_OBJECT} (skipping what it does not
     * use), as the bytes arrive, never holding the body whole.
     *
     * @throws IOException when reading fails; a {@link com.fasterxml.jackson.core.JsonProcessingException}
     *     (JSON cut short or broken) is reported as a {@link MalformedResponseException}
     * @throws RuntimeException when the body is not in the expected shape; it is reported as a
     *     {@link MalformedResponseException}, unless it already is an {@link AiGatewayException}
     */
    T read(JsonParser body) throws IOException;
  }

  /**
   * Sends {@code request}, the HTTP form of {@code call}, and reads the JSON reply with
   * {@code reader}, obeying {@code attempt} (see the class documentation). {@code request} is
   * called once, unless the attempt was cancelled already, in which case nothing is sent.
   *
   * @throws CancellationException when the attempt's cancellation was cancelled
   */
  public <T> T execute(ChatRequest call, AttemptContext attempt, Supplier<Request> request,
      BodyReader<T> reader) {
    checkOpen();
    Cancellation cancellation = attempt.cancellation();
    if (cancellation != null && cancellation.isCancelled()) {
      throw cancelled();
    }
    Request httpRequest = request.get();
    Redactor redactor = Redactor.forRequest(httpRequest, sensitiveHeaders);
    Duration deadline = deadline(call, attempt);
    Call http = track(clientFor(false, attempt).newCall(httpRequest), deadline);
    try (Cancellation.Registration abort =
        cancellation == null ? null : cancellation.onCancel(http::cancel)) {
      return exchange(http, deadline, reader, redactor);
    } catch (AiGatewayException e) {
      if (cancellation != null && cancellation.isCancelled()) {
        throw cancelled();
      }
      // Every error leaves through here, so this is where credentials are kept out of it.
      throw redactor.sanitize(e);
    }
  }

  static CancellationException cancelled() {
    return new CancellationException("the call was cancelled");
  }

  /**
   * The total deadline of an exchange: the shorter of the attempt's time left and the request's
   * own timeout, which bounds a standalone call; null when neither is set.
   */
  static @Nullable Duration deadline(ChatRequest call, AttemptContext attempt) {
    Duration a = attempt.timeout();
    Duration r = call.timeout();
    if (a == null) {
      return r;
    }
    return r == null || a.compareTo(r) <= 0 ? a : r;
  }

  private <T> T exchange(
      Call call, @Nullable Duration timeout, BodyReader<T> reader, Redactor redactor) {
    try (Response response = call.execute()) {
      if (!response.isSuccessful()) {
        throw HttpErrors.fromResponse(provider, response, errorParser, clock, redactor);
      }
      return readBody(call, response, timeout, reader, redactor);
    } catch (IOException e) {
      throw ioFailure(e, IoErrors.Stage.REQUEST, timeout != null, redactor);
    } finally {
      active.remove(call);
    }
  }

  /**
   * Reads a successful reply's body, a JSON object, with {@code reader} as it arrives, so that
   * neither the body nor its text is ever held whole and no tree is built: garbage fails at its
   * first bytes, and a body over {@link #maxResponseSize} fails once that much was read (or at
   * once, when its {@code Content-Length} says so). A body that is not used to its end is not
   * drained: the call is cancelled, which drops the connection.
   */
  private <T> T readBody(Call call, Response response, @Nullable Duration timeout,
      BodyReader<T> reader, Redactor redactor) {
    ResponseBody body = response.body();
    ResponseLimit.Body in = new ResponseLimit.Body(body.source(), maxResponseSize);
    try {
      if (body.contentLength() > maxResponseSize && in.startsLikeJsonObject()) {
        call.cancel();
        throw ResponseLimit.exceeded(provider, "the response", maxResponseSize);
      }
      try (JsonParser p = Json.MAPPER.getFactory().createParser(in)) {
        JsonToken first;
        try {
          first = p.nextToken();
        } catch (JsonProcessingException e) {
          first = null;
        }
        if (first != JsonToken.START_OBJECT) {
          call.cancel(); // not JSON: the rest is not worth reading
          throw notAnObject(response, in, redactor, null);
        }
        try {
          return reader.read(p);
        } catch (JsonProcessingException e) {
          call.cancel();
          throw notAnObject(response, in, redactor, e);
        } catch (AiGatewayException e) {
          throw e;
        } catch (RuntimeException e) {
          throw new MalformedResponseException(provider, response.code(),
              redactor.scrub(provider + ": the response is not in the expected shape: "
                  + (e.getMessage() != null ? e.getMessage() : e.toString())), e);
        }
      }
    } catch (ResponseLimit.Exceeded e) {
      call.cancel();
      throw ResponseLimit.exceeded(provider, "the response", maxResponseSize);
    } catch (IOException e) {
      throw ioFailure(e, IoErrors.Stage.BODY, timeout != null, redactor);
    }
  }

  /**
   * The reply is not one whole JSON object; names what it is from its first bytes, and where the
   * JSON broke. Jackson's exception is not the cause: callers see the gateway's types only.
   */
  private MalformedResponseException notAnObject(Response response, ResponseLimit.Body in,
      Redactor redactor, @Nullable JsonProcessingException broken) {
    String what = broken == null ? "" : " (the JSON breaks off or is broken at byte "
        + broken.getLocation().getByteOffset() + ": " + broken.getOriginalMessage() + ")";
    return new MalformedResponseException(provider, response.code(),
        redactor.scrub(provider + ": expected a JSON object but got " + HttpErrors.describeBody(
            HttpErrors.contentType(response),
            new String(in.head(), StandardCharsets.UTF_8)) + what), null);
  }

  /**
   * A cold publisher of the chunks of a stream for {@code call} in {@code framing}, obeying
   * {@code attempt}
   * (see the class documentation; the idle timeout is the longest gap between two events).
   * {@code request} and {@code decoder} are called once the subscriber first requests, so
   * credentials are read per stream. When the attempt is cancelled, the exchange is aborted and
   * the stream ends with {@code onError(CancellationException)}, unless the subscriber cancelled
   * first.
   */
  public Flow.Publisher<ChatChunk> stream(ChatRequest call, AttemptContext attempt,
      Supplier<Request> request, Supplier<StreamDecoder> decoder, Framing framing) {
    checkOpen();
    return new SseStream(this, request, decoder, framing, deadline(call, attempt),
        attempt.connectTimeout(), attempt.idleTimeout(), attempt.cancellation());
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

  private Call track(Call call, @Nullable Duration deadline) {
    if (deadline != null) {
      call.timeout().timeout(nanos(deadline), TimeUnit.NANOSECONDS);
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

  Call newStreamCall(Request request, @Nullable Duration deadline,
      @Nullable Duration connectTimeout, @Nullable Duration idleTimeout) {
    return track(client(streamClient, connectTimeout, idleTimeout).newCall(request), deadline);
  }

  /** The client a plain call ({@code stream} false) or a stream in {@code attempt} runs on. */
  OkHttpClient clientFor(boolean stream, AttemptContext attempt) {
    return client(stream ? streamClient : chatClient, attempt.connectTimeout(),
        attempt.idleTimeout());
  }

  /** A connect and a read timeout, in OkHttp's milliseconds. */
  private record Timeouts(long connectMillis, long readMillis) {}

  /**
   * {@code base}, or, when the attempt asks for other timeouts, a client derived from it with
   * those: one per distinct pair, kept.
   */
  private OkHttpClient client(
      OkHttpClient base, @Nullable Duration connectTimeout, @Nullable Duration idleTimeout) {
    long connect = connectTimeout == null ? base.connectTimeoutMillis() : millis(connectTimeout);
    long read = idleTimeout == null ? base.readTimeoutMillis() : millis(idleTimeout);
    if (connect == base.connectTimeoutMillis() && read == base.readTimeoutMillis()) {
      return base;
    }
    return derived.computeIfAbsent(new Timeouts(connect, read), t -> base.newBuilder()
        .connectTimeout(t.connectMillis(), TimeUnit.MILLISECONDS)
        .readTimeout(t.readMillis(), TimeUnit.MILLISECONDS)
        .build());
  }

  private static final Duration MAX_MILLIS = Duration.ofMillis(Integer.MAX_VALUE);

  /**
   * {@code d} (positive) in whole milliseconds, rounded up so that a sub-millisecond timeout does
   * not become OkHttp's 0, "no timeout", and capped at what OkHttp accepts (about 24 days).
   */
  static long millis(Duration d) {
    if (d.compareTo(MAX_MILLIS) >= 0) {
      return Integer.MAX_VALUE;
    }
    long m = d.toMillis();
    return d.equals(Duration.ofMillis(m)) ? m : m + 1;
  }

  private static long nanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE; // about 292 years: no deadline in practice
    }
  }

  /** How many derived clients are kept; for tests. */
  int derivedClients() {
    return derived.size();
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

  /** The most bytes a plain reply, or one stream event, may have. */
  long maxResponseSize() {
    return maxResponseSize;
  }
}
