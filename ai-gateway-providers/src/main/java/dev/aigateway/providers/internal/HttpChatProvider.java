package dev.aigateway.providers.internal;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import java.io.IOException;
import java.util.Objects;
import java.util.concurrent.Flow;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * The HTTP provider every adapter runs on: it posts a JSON body and either reads one JSON reply,
 * or a stream in the vendor's {@link Framing} (SSE unless it says otherwise) through a
 * {@link StreamDecoder}, over one {@link HttpTransport} that maps
 * failures, redacts credentials and aborts calls on {@link #close()}. An adapter supplies only its
 * vendor's parts, as a {@link Vendor}: the URL, the body, its headers (or a signature over the
 * final request), the framing, and how to read replies and stream events; its public class holds
 * one of these and delegates to it.
 *
 * <p>Guarantees, for every adapter: {@link #chat(ChatRequest, AttemptContext)} and
 * {@link #stream(ChatRequest, AttemptContext)} obey the attempt's cancellation, deadline, connect
 * and idle timeouts (see {@link HttpTransport}), and the one-argument forms are those with
 * {@link AttemptContext#none()}, the provider's defaults; a stream is a cold publisher that
 * follows the gateway's streaming contract; a request that cannot be expressed in the vendor's
 * format fails with an {@link dev.aigateway.api.InvalidRequestException} (status 0) before
 * anything is sent, thrown from {@code chat} and signalled by the stream. Thread safe.
 */
public final class HttpChatProvider implements ChatProvider {
  private static final MediaType JSON = MediaType.get("application/json");

  /** One vendor's part of the exchange. Implementations must be thread safe. */
  public interface Vendor {
    /** Where {@code request} goes. */
    HttpUrl url(ChatRequest request, boolean stream);

    /** The JSON body for {@code request}. */
    byte[] body(ChatRequest request, boolean stream);

    /** Adds the credential and the vendor's own headers; the key is read here, per request. */
    void addHeaders(Request.Builder request);

    /**
     * Reads a successful plain reply with Jackson's streaming parser, which stands on the body's
     * {@code START_OBJECT}; see {@link HttpTransport.BodyReader#read}.
     */
    ChatResponse readResponse(JsonParser body, ChatRequest request) throws IOException;

    /** A decoder for one stream of {@code request}. */
    StreamDecoder streamDecoder(ChatRequest request);

    /** How the vendor's streams are framed; {@link Framing#SSE} unless it says otherwise. */
    default Framing framing() {
      return Framing.SSE;
    }

    /**
     * The last step before a request is sent: sees the final request, with the application's
     * headers and {@code body}, the exact bytes it carries, and returns the request to send. For
     * an auth scheme that signs the whole request (such as AWS SigV4). Credentials are read here,
     * per request; a failure to get them is an {@link dev.aigateway.api.AuthenticationException}.
     * The default sends {@code request} as it is.
     */
    default Request sign(Request request, byte[] body) {
      return request;
    }
  }

  private final HttpSettings settings;
  private final Vendor vendor;
  private final HttpTransport transport;

  /**
   * A provider on {@code settings} that speaks {@code vendor}'s format and whose error bodies
   * {@code errorParser} reads.
   */
  public HttpChatProvider(HttpSettings settings, VendorError.Parser errorParser, Vendor vendor) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.vendor = Objects.requireNonNull(vendor, "vendor");
    this.transport = settings.transport(errorParser);
  }

  /** The validated settings. */
  public HttpSettings settings() {
    return settings;
  }

  @Override
  public String id() {
    return settings.id();
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return chat(request, AttemptContext.none());
  }

  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(attempt, "attempt");
    return transport.execute(request, attempt, () -> httpRequest(request, false),
        body -> vendor.readResponse(body, request));
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return stream(request, AttemptContext.none());
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(attempt, "attempt");
    return transport.stream(request, attempt, () -> httpRequest(request, true),
        () -> vendor.streamDecoder(request), vendor.framing());
  }

  private Request httpRequest(ChatRequest request, boolean stream) {
    byte[] body = vendor.body(request, stream);
    Request.Builder b = new Request.Builder()
        .url(vendor.url(request, stream))
        .post(RequestBody.create(body, JSON))
        .header("Accept", stream ? vendor.framing().accept() : "application/json");
    vendor.addHeaders(b);
    return vendor.sign(settings.applyHeaders(b).build(), body);
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public void close() {
    transport.close();
  }
}
