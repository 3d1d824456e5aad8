package dev.aigateway.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import java.util.Objects;
import java.util.concurrent.Flow;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * What every HTTP adapter shares: it posts a JSON body and either reads one JSON reply, or an SSE
 * stream through a {@link StreamDecoder}, over one {@link HttpTransport} that maps failures,
 * redacts credentials and aborts calls on {@link #close()}. An adapter supplies only its vendor's
 * parts: the URL, the body, its headers, and how to read replies and stream events.
 *
 * <p>Guarantees, for every adapter: {@link #chat(ChatRequest, AttemptContext)} and
 * {@link #stream(ChatRequest, AttemptContext)} obey the attempt's cancellation, deadline, connect
 * and idle timeouts (see {@link HttpTransport}), and the one-argument forms are those with
 * {@link AttemptContext#none()}, the provider's defaults; {@link #stream} returns a cold
 * publisher that follows the gateway's streaming contract; a
 * request that cannot be expressed in the vendor's format fails with an
 * {@link dev.aigateway.api.InvalidRequestException} (status 0) before anything is sent, thrown
 * from {@code chat} and signalled by the stream. Thread safe.
 */
public abstract class HttpChatProvider implements ChatProvider {
  private static final MediaType JSON = MediaType.get("application/json");

  /** The adapter's validated settings. */
  protected final HttpSettings settings;
  private final HttpTransport transport;

  /** An adapter on {@code settings} whose vendor's error bodies {@code errorParser} reads. */
  protected HttpChatProvider(HttpSettings settings, VendorError.Parser errorParser) {
    this.settings = settings;
    this.transport = settings.transport(errorParser);
  }

  /** Where {@code request} goes. */
  protected abstract HttpUrl url(ChatRequest request, boolean stream);

  /** The JSON body for {@code request}. */
  protected abstract byte[] body(ChatRequest request, boolean stream);

  /** Adds the credential and the vendor's own headers; the key is read here, per request. */
  protected abstract void addHeaders(Request.Builder request);

  /** Reads a successful plain reply. */
  protected abstract ChatResponse readResponse(JsonNode body, ChatRequest request);

  /** A decoder for one stream of {@code request}. */
  protected abstract StreamDecoder streamDecoder(ChatRequest request);

  @Override
  public final String id() {
    return settings.id();
  }

  @Override
  public final ChatResponse chat(ChatRequest request) {
    return chat(request, AttemptContext.none());
  }

  @Override
  public final ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(attempt, "attempt");
    return transport.execute(request, attempt, () -> httpRequest(request, false),
        body -> readResponse(body, request));
  }

  @Override
  public final Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return stream(request, AttemptContext.none());
  }

  @Override
  public final Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(attempt, "attempt");
    return transport.stream(request, attempt, () -> httpRequest(request, true),
        () -> streamDecoder(request));
  }

  private Request httpRequest(ChatRequest request, boolean stream) {
    Request.Builder b = new Request.Builder()
        .url(url(request, stream))
        .post(RequestBody.create(body(request, stream), JSON))
        .header("Accept", stream ? "text/event-stream" : "application/json");
    addHeaders(b);
    return settings.applyHeaders(b).build();
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public final void close() {
    transport.close();
  }
}
