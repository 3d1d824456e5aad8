package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;

/** Runs one request through a gateway as a chat or as a stream, for tests of both paths. */
public final class GatewayCalls {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private GatewayCalls() {}

  /**
   * Runs {@code request} as a chat or as a stream; a stream is folded into a response, and its
   * error is thrown as a chat's would be.
   */
  public static ChatResponse call(AiGateway gateway, ChatRequest request, boolean stream) {
    if (!stream) {
      return gateway.chat(request);
    }
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    if (sub.error() != null) {
      throw Flows.propagate(sub.error());
    }
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }
}
