package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import java.util.concurrent.Flow;
import org.reactivestreams.tck.TestEnvironment;
import org.reactivestreams.tck.flow.FlowPublisherVerification;

/**
 * The Reactive Streams TCK against the publisher {@link AiGateway#stream} returns, over an
 * in-memory provider. The failed publisher is a stream subscribed after its gateway was closed.
 */
public class GatewayPublisherTckTest extends FlowPublisherVerification<ChatChunk> {
  private final boolean inline;

  public GatewayPublisherTckTest() {
    this(false);
  }

  GatewayPublisherTckTest(boolean inline) {
    super(new TestEnvironment(2_000, 200));
    this.inline = inline;
  }

  /** The same verification with a provider whose streams run inline on the requesting thread. */
  public static class Inline extends GatewayPublisherTckTest {
    public Inline() {
      super(true);
    }
  }

  @Override
  public Flow.Publisher<ChatChunk> createFlowPublisher(long elements) {
    FakeProvider provider = new FakeProvider("fake").inline(inline)
        .onStream(r -> ChunkPublisher.of(ChunkPublisher.words("fake", "m", (int) elements)));
    AiGateway gateway = AiGateway.builder().provider(provider).build();
    return gateway.stream(ChatRequest.of("m", "hi"));
  }

  @Override
  public Flow.Publisher<ChatChunk> createFailedFlowPublisher() {
    AiGateway gateway = AiGateway.builder().provider(new FakeProvider("fake")).build();
    Flow.Publisher<ChatChunk> stream = gateway.stream(ChatRequest.of("m", "hi"));
    gateway.close();
    return stream;
  }

  @Override
  public long maxElementsFromPublisher() {
    return 4096;
  }
}
