package dev.aigateway.providers.openai.internal;

import com.fasterxml.jackson.core.JsonParser;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.StreamDecoder;
import java.io.IOException;

/**
 * What every server of the Chat Completions format shares: the body, replies and streams
 * ({@link ChatCompletions}). Subclasses say where a request goes and how it authenticates; that
 * is all OpenAI and Azure OpenAI differ in. Thread safe when the subclass is.
 */
public abstract class ChatCompletionsVendor implements HttpChatProvider.Vendor {
  private final ChatCompletions codec;

  /** A vendor part that reports {@code provider} and writes the body in {@code dialect}. */
  protected ChatCompletionsVendor(String provider, ChatCompletions.Dialect dialect) {
    this.codec = new ChatCompletions(provider, dialect);
  }

  /** The model name to write in the body, where the server wants one. */
  protected String bodyModel(ChatRequest request) {
    return request.model();
  }

  @Override
  public final byte[] body(ChatRequest request, boolean stream) {
    return codec.writeRequest(request, bodyModel(request), stream);
  }

  @Override
  public final ChatResponse readResponse(JsonParser body, ChatRequest request)
      throws IOException {
    return codec.readResponse(body, request.model());
  }

  @Override
  public final StreamDecoder streamDecoder(ChatRequest request) {
    return codec.streamDecoder(request.model());
  }
}
