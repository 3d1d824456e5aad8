package dev.aigateway.providers.openai;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.HttpTransport;
import java.util.Objects;
import java.util.concurrent.Flow;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;

/**
 * What every server of the Chat Completions format shares: the body ({@link ChatCompletions}),
 * the transport, plain calls and streams. Subclasses say where a request goes and how it
 * authenticates; that is all OpenAI and Azure OpenAI differ in.
 */
abstract class ChatCompletionsProvider implements ChatProvider {
  private static final MediaType JSON = MediaType.get("application/json");

  final HttpSettings settings;
  final ChatCompletions codec;
  final HttpTransport transport;

  ChatCompletionsProvider(HttpSettings settings, ChatCompletions.Dialect dialect) {
    this.settings = settings;
    this.codec = new ChatCompletions(settings.id(), dialect);
    this.transport = settings.transport(ChatCompletions.ERROR_PARSER);
  }

  /** The URL {@code request} is posted to. */
  abstract HttpUrl url(ChatRequest request);

  /** The model name to write in the body, where the server wants one. */
  String bodyModel(ChatRequest request) {
    return request.model();
  }

  /** Adds the credential and the server's own headers. */
  abstract void authenticate(Request.Builder request);

  @Override
  public final String id() {
    return settings.id();
  }

  @Override
  public final ChatResponse chat(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.execute(request, httpRequest(request, false),
        body -> codec.readResponse(body, request.model()));
  }

  @Override
  public final Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    return transport.stream(request, () -> httpRequest(request, true),
        () -> codec.streamDecoder(request.model()));
  }

  private Request httpRequest(ChatRequest request, boolean stream) {
    Request.Builder b = new Request.Builder()
        .url(url(request))
        .post(RequestBody.create(codec.writeRequest(request, bodyModel(request), stream), JSON))
        .header("Accept", stream ? "text/event-stream" : "application/json");
    authenticate(b);
    return settings.applyHeaders(b).build();
  }

  /** Aborts calls in flight; later calls fail with {@link IllegalStateException}. */
  @Override
  public final void close() {
    transport.close();
  }
}
