package dev.aigateway.api.testing;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * An in-memory provider for tests. By default it answers {@code "<id>: <last user text>"} and
 * streams three chunks; both behaviours can be replaced. It records every request it received.
 */
public final class FakeProvider implements ChatProvider {
  private final String id;
  private final List<ChatRequest> chatRequests = new CopyOnWriteArrayList<>();
  private final List<ChatRequest> streamRequests = new CopyOnWriteArrayList<>();
  private final List<dev.aigateway.api.spi.AttemptContext> contexts = new CopyOnWriteArrayList<>();
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Function<ChatRequest, ChatResponse> chat;
  private volatile Function<ChatRequest, Flow.Publisher<ChatChunk>> stream;

  /** A provider called {@code id} with the default behaviour. */
  public FakeProvider(String id) {
    this.id = id;
    this.chat = r -> ChatResponse.builder()
        .id("resp-1").provider(id).model(r.model())
        .text(id + ": " + lastUserText(r))
        .finishReason(FinishReason.STOP)
        .usage(Usage.of(5, 3))
        .build();
    this.stream = r -> ChunkPublisher.of(ChunkPublisher.words(id, r.model(), 3));
  }

  /** The attempt context of every call the gateway made, chat and stream, in order. */
  public List<dev.aigateway.api.spi.AttemptContext> attemptContexts() {
    return contexts;
  }

  @Override
  public ChatResponse chat(ChatRequest request, dev.aigateway.api.spi.AttemptContext attempt) {
    contexts.add(attempt);
    return chat(request);
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request,
      dev.aigateway.api.spi.AttemptContext attempt) {
    contexts.add(attempt);
    return stream(request);
  }

  private volatile boolean inline;

  /**
   * Says that its streams deliver their first signal at once, on the requesting thread
   * ({@link ChatProvider#streamsInline()}); true only when the stream behaviour does.
   */
  public FakeProvider inline(boolean inline) {
    this.inline = inline;
    return this;
  }

  @Override
  public boolean streamsInline() {
    return inline;
  }

  /** Answers plain calls with {@code behaviour}, which may throw. */
  public FakeProvider onChat(Function<ChatRequest, ChatResponse> behaviour) {
    this.chat = behaviour;
    return this;
  }

  /** Answers streams with {@code behaviour}, which may throw. */
  public FakeProvider onStream(Function<ChatRequest, Flow.Publisher<ChatChunk>> behaviour) {
    this.stream = behaviour;
    return this;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    chatRequests.add(request);
    return chat.apply(request);
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    streamRequests.add(request);
    return stream.apply(request);
  }

  @Override
  public void close() {
    closed.set(true);
  }

  /** Requests received by {@link #chat}. */
  public List<ChatRequest> chatRequests() {
    return chatRequests;
  }

  /** Requests received by {@link #stream}. */
  public List<ChatRequest> streamRequests() {
    return streamRequests;
  }

  /** Whether {@link #close} was called. */
  public boolean isClosed() {
    return closed.get();
  }

  private static String lastUserText(ChatRequest r) {
    return r.messages().get(r.messages().size() - 1).text();
  }
}
