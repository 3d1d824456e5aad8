package dev.aigateway.api.spi;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Replays a complete response as a stream: one chunk that carries everything, preceded by one
 * chunk per reasoning part when the answer has reasoning (so that its signatures fold back part
 * by part). One subscriber; honours demand.
 */
final class ResponsePublisher implements Flow.Publisher<ChatChunk> {
  private final ChatResponse response;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  ResponsePublisher(ChatResponse response) {
    this.response = response;
  }

  /** The chunks that carry everything {@code response} holds, which fold back into it. */
  static List<ChatChunk> toChunks(ChatResponse response) {
    List<ChatChunk> chunks = new ArrayList<>(1);
    for (ContentPart part : response.message().parts()) {
      if (part instanceof ContentPart.Reasoning r) {
        chunks.add(ChatChunk.of(chunks.isEmpty() ? response.id() : null, response.provider(),
            response.model(), null, null, null, null).withReasoning(null, r));
      }
    }
    List<ToolCall> calls = response.toolCalls();
    List<ToolCallDelta> deltas = new ArrayList<>(calls.size());
    for (int i = 0; i < calls.size(); i++) {
      ToolCall c = calls.get(i);
      deltas.add(new ToolCallDelta(i, c.id(), c.name(), c.arguments(), c.signature()));
    }
    ChatChunk last = ChatChunk.of(response.id(), response.provider(), response.model(),
        response.text(), deltas, response.finishReason(), response.usage());
    chunks.add(response.refusal() == null ? last : last.withRefusal(response.refusal()));
    return chunks;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
      return;
    }
    subscriber.onSubscribe(new Replay(subscriber, toChunks(response)));
  }

  private static final class Replay implements Flow.Subscription {
    private final Flow.Subscriber<? super ChatChunk> subscriber;
    private final List<ChatChunk> chunks;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private int next; // guarded by wip
    private volatile boolean done;

    Replay(Flow.Subscriber<? super ChatChunk> subscriber, List<ChatChunk> chunks) {
      this.subscriber = subscriber;
      this.chunks = chunks;
    }

    @Override
    public void request(long n) {
      if (done) {
        return;
      }
      if (n <= 0) {
        done = true;
        subscriber.onError(Flows.nonPositiveRequest(n));
        return;
      }
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      if (wip.getAndIncrement() != 0) {
        return; // the running drain sees the new demand
      }
      do {
        while (!done && next < chunks.size() && demand.get() > 0) {
          demand.decrementAndGet();
          subscriber.onNext(chunks.get(next++));
        }
        if (!done && next == chunks.size()) {
          done = true;
          subscriber.onComplete();
        }
      } while (wip.decrementAndGet() != 0);
    }

    @Override
    public void cancel() {
      done = true;
    }
  }
}
