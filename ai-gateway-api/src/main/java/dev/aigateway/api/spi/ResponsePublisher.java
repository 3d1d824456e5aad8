package dev.aigateway.api.spi;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/** Replays a complete response as a stream of one chunk. One subscriber. */
final class ResponsePublisher implements Flow.Publisher<ChatChunk> {
  private final ChatResponse response;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ResponsePublisher(ChatResponse response) {
    this.response = response;
  }

  /** The single chunk that carries everything {@code response} holds. */
  static ChatChunk toChunk(ChatResponse response) {
    List<ToolCall> calls = response.toolCalls();
    List<ToolCallDelta> deltas = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      ToolCall c = calls.get(i);
      deltas.add(new ToolCallDelta(i, c.id(), c.name(), c.arguments()));
    }
    return ChatChunk.of(response.id(), response.provider(), response.model(), response.text(),
        deltas, response.finishReason(), response.usage());
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    subscriber.onSubscribe(new Once(subscriber, response));
  }

  private static final class Once implements Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> subscriber;
    private final ChatResponse response;
    private final AtomicBoolean done = new AtomicBoolean();
    private volatile boolean cancelled;

    Once(Flow.Subscriber<? super ChatChunk> subscriber, ChatResponse response) {
      this.subscriber = subscriber;
      this.response = response;
    }

    @Override
    public void request(long n) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (n <= 0) {
        subscriber.onError(Flows.nonPositiveRequest(n));
        return;
      }
      subscriber.onNext(toChunk(response));
      if (!cancelled) {
        subscriber.onComplete();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      done.set(true);
    }
  }
}
