package dev.aigateway.api.spi;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.StreamAccumulator;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * What the rest of the pipeline returned to an {@link ChatInterceptor}: either a complete
 * {@link ChatResponse} or a stream of {@link ChatChunk}s that has already started.
 *
 * <p>Either form can be read either way: {@link #response()} folds a stream into a response
 * (blocking until it ends), and {@link #chunks()} replays a complete response as a stream of one
 * chunk. A stream can be consumed once; a stream result is thread safe to hand over, but not to
 * consume from two threads.
 */
public final class ChatResult {
  private final @Nullable ChatResponse response;
  private final Flow.@Nullable Publisher<ChatChunk> chunks;
  private volatile boolean claimed;

  private ChatResult(
      @Nullable ChatResponse response, Flow.@Nullable Publisher<ChatChunk> chunks) {
    this.response = response;
    this.chunks = chunks;
  }

  /** A complete answer. */
  public static ChatResult of(ChatResponse response) {
    return new ChatResult(Objects.requireNonNull(response, "response"), null);
  }

  /** A stream of chunks; {@code chunks} must follow the streaming contract. */
  public static ChatResult ofStream(Flow.Publisher<ChatChunk> chunks) {
    return new ChatResult(null, Objects.requireNonNull(chunks, "chunks"));
  }

  /** Whether this is a stream rather than a complete answer. */
  public boolean isStream() {
    return chunks != null;
  }

  /**
   * The complete answer. For a stream this subscribes, waits for the end and folds the chunks;
   * the stream's error, if any, is thrown as it was signalled.
   *
   * @throws CancellationException when the waiting thread is interrupted; the stream is cancelled
   *     and the interrupt flag is restored
   */
  public ChatResponse response() {
    if (chunks == null) {
      return response;
    }
    claimed = true;
    return Collector.collect(chunks);
  }

  /**
   * The answer as a publisher of chunks. A complete answer becomes a single chunk that carries
   * its text, tool calls, finish reason, usage and refusal, preceded by one chunk per reasoning
   * part when it has reasoning; they fold back into the answer. A stream's publisher accepts one
   * subscriber.
   */
  public Flow.Publisher<ChatChunk> chunks() {
    claimed = true;
    return chunks != null ? chunks : new ResponsePublisher(response);
  }

  /**
   * This result with {@code observer} attached: for a complete answer the observer's
   * {@link ChatObserver#onComplete} runs now and this result is returned; for a stream a new
   * result is returned whose chunks pass through the observer.
   */
  public ChatResult observe(ChatObserver observer) {
    Objects.requireNonNull(observer, "observer");
    if (chunks == null) {
      observer.onComplete(response);
      return this;
    }
    claimed = true;
    return new ChatResult(null, new ObservingPublisher(chunks, observer));
  }

  /**
   * Whether {@link #chunks}, {@link #observe} or {@link #response} has been called, meaning that
   * someone took charge of the stream.
   */
  public boolean isClaimed() {
    return claimed;
  }

  /**
   * Cancels a stream nobody will read, which frees its connection. Does nothing for a complete
   * answer, or for a stream that already has a subscriber.
   */
  public void discard() {
    if (chunks == null) {
      return;
    }
    claimed = true;
    chunks.subscribe(Flows.cancellingSubscriber());
  }

  @Override
  public String toString() {
    return chunks == null ? "ChatResult[" + response + "]" : "ChatResult[stream]";
  }

  /** Folds a stream into a response on the calling thread. */
  private static final class Collector implements Flow.Subscriber<ChatChunk> {
    private final StreamAccumulator accumulator = new StreamAccumulator();
    private final java.util.concurrent.CountDownLatch done =
        new java.util.concurrent.CountDownLatch(1);
    private volatile Flow.@Nullable Subscription subscription;
    private @Nullable Throwable error;

    static ChatResponse collect(Flow.Publisher<ChatChunk> publisher) {
      Collector c = new Collector();
      publisher.subscribe(c);
      try {
        c.done.await();
      } catch (InterruptedException e) {
        Flow.Subscription s = c.subscription;
        if (s != null) {
          s.cancel();
        }
        Thread.currentThread().interrupt();
        CancellationException ce =
            new CancellationException("interrupted while waiting for the stream to end");
        ce.initCause(e);
        throw ce;
      }
      if (c.error != null) {
        throw Flows.propagate(c.error);
      }
      if (c.accumulator.chunkCount() == 0) {
        throw new AiGatewayException("the stream completed without any chunk", false);
      }
      return c.accumulator.toResponse();
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ChatChunk chunk) {
      accumulator.accept(chunk);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      done.countDown();
    }

    @Override
    public void onComplete() {
      done.countDown();
    }
  }
}
