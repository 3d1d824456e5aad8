package dev.aigateway.core.resilience;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.ChunkPublisher;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;

/**
 * A provider that plays a script of outcomes, one per call, the same for chat() and stream():
 * an answer, or a failure (for a stream: before its first chunk). When the script runs out it
 * answers. It records every request it received, and the attempt context it came with.
 */
final class Scripted implements ChatProvider {
  private final String id;
  private final ConcurrentLinkedQueue<Object> script = new ConcurrentLinkedQueue<>();
  final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
  final List<AttemptContext> contexts = new CopyOnWriteArrayList<>();

  Scripted(String id) {
    this.id = id;
  }

  /** The next calls fail with these, in order. */
  Scripted failing(RuntimeException... failures) {
    Collections.addAll(script, (Object[]) failures);
    return this;
  }

  /** The next {@code n} calls fail with {@code failure}. */
  Scripted failing(int n, RuntimeException failure) {
    for (int i = 0; i < n; i++) {
      script.add(failure);
    }
    return this;
  }

  /** The next call answers. */
  Scripted answering() {
    script.add("ok");
    return this;
  }

  /** The next call streams two words, then fails with {@code failure}. */
  Scripted breakingMidStream(RuntimeException failure) {
    script.add(new MidStream(failure));
    return this;
  }

  int calls() {
    return requests.size();
  }

  private record MidStream(RuntimeException failure) {}

  private Object next(ChatRequest request) {
    requests.add(request);
    Object step = script.poll();
    return step == null ? "ok" : step;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    contexts.add(attempt);
    return chat(request);
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    contexts.add(attempt);
    return stream(request);
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    Object step = next(request);
    if (step instanceof RuntimeException e) {
      throw e;
    }
    return ChatResponse.builder().provider(id).model(request.model())
        .text("answer from " + id).finishReason(FinishReason.STOP).usage(Usage.of(3, 4))
        .build();
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    Object step = next(request);
    if (step instanceof RuntimeException e) {
      return ChunkPublisher.failingAfter(List.of(), e);
    }
    if (step instanceof MidStream m) {
      return ChunkPublisher.failingAfter(ChunkPublisher.words(id, request.model(), 2), m.failure);
    }
    List<ChatChunk> chunks = new ArrayList<>();
    chunks.add(ChatChunk.text(id, request.model(), "answer "));
    chunks.add(ChatChunk.of(null, id, request.model(), "from " + id, null, FinishReason.STOP,
        Usage.of(3, 4)));
    return ChunkPublisher.of(chunks);
  }

  @Override
  public void close() {}
}
