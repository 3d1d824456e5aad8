package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.testing.ChunkPublisher;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/** The Reactive Streams TCK against the publisher that replays a cached stream. */
public class ReplayPublisherTckTest extends FlowPublisherVerification<ChatChunk> {

  public ReplayPublisherTckTest() {
    super(new TestEnvironment(1_000, 200));
  }

  @Override
  public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
    return new ReplayPublisher(ChunkPublisher.words("p", "m", (int) elements));
  }

  @Override
  public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
    return null; // a replay of stored chunks cannot fail
  }

  @Override
  public long maxElementsFromPublisher() {
    return 4096;
  }
}
