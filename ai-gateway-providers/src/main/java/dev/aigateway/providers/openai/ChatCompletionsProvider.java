package dev.aigateway.providers.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.providers.internal.HttpChatProvider;
import dev.aigateway.providers.internal.HttpSettings;
import dev.aigateway.providers.internal.StreamDecoder;

/**
 * What every server of the Chat Completions format shares: the body, replies and streams
 * ({@link ChatCompletions}). Subclasses say where a request goes and how it authenticates; that
 * is all OpenAI and Azure OpenAI differ in. Shared by the adapters; not a supported API of its
 * own.
 */
public abstract class ChatCompletionsProvider extends HttpChatProvider {
  private final ChatCompletions codec;

  /** An adapter on {@code settings} that writes the body in {@code dialect}. */
  protected ChatCompletionsProvider(HttpSettings settings, ChatCompletions.Dialect dialect) {
    super(settings, ChatCompletions.ERROR_PARSER);
    this.codec = new ChatCompletions(settings.id(), dialect);
  }

  /** The model name to write in the body, where the server wants one. */
  protected String bodyModel(ChatRequest request) {
    return request.model();
  }

  @Override
  protected final byte[] body(ChatRequest request, boolean stream) {
    return codec.writeRequest(request, bodyModel(request), stream);
  }

  @Override
  protected final ChatResponse readResponse(JsonNode body, ChatRequest request) {
    return codec.readResponse(body, request.model());
  }

  @Override
  protected final StreamDecoder streamDecoder(ChatRequest request) {
    return codec.streamDecoder(request.model());
  }
}
