package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.ratelimit.TokenCounter;
import java.time.Duration;
import java.util.List;

/** Runs one call as chat() or as stream(), and says what the caller got. */
final class Calls {
  static final Duration WAIT = Duration.ofSeconds(10);

  private Calls() {}

  /** What one call gave the caller: the answer or the failure. */
  record Outcome(ChatResponse response, Throwable error) {
    boolean ok() {
      return error == null;
    }
  }

  static Outcome call(AiGateway gateway, ChatRequest request, boolean stream) {
    if (!stream) {
      try {
        return new Outcome(gateway.chat(request), null);
      } catch (RuntimeException e) {
        return new Outcome(null, e);
      }
    }
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    gateway.stream(request).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.violations()).isEmpty();
    if (sub.error() != null) {
      return new Outcome(null, sub.error());
    }
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return new Outcome(acc.toResponse(), null);
  }

  /** A provider whose answers, plain or streamed (three chunks), report {@code usage}. */
  static FakeProvider provider(String id, Usage usage) {
    FakeProvider p = new FakeProvider(id);
    p.onChat(r -> ChatResponse.builder().id("r").provider(id).model(r.model())
        .text(id + " answers").finishReason(FinishReason.STOP).usage(usage).build());
    p.onStream(r -> ChunkPublisher.of(List.of(
        ChatChunk.text(id, r.model(), id + " "),
        ChatChunk.text(id, r.model(), "answers"),
        ChatChunk.of("r", id, r.model(), "", null, FinishReason.STOP, usage))));
    return p;
  }

  /** How many calls, plain and streamed, reached {@code provider}. */
  static int calls(FakeProvider provider) {
    return provider.chatRequests().size() + provider.streamRequests().size();
  }

  /** A request whose estimated input is given by metadata, see {@link #FIXED}. */
  static ChatRequest request(String client, int tokens) {
    return ChatRequest.builder().model("gpt-4o").user("hi").clientId(client)
        .metadata("tokens", Integer.toString(tokens)).build();
  }

  /** A counter that reads the estimate from the request's metadata "tokens" (default 1). */
  static final TokenCounter FIXED = r -> Integer.parseInt(r.metadata().getOrDefault("tokens", "1"));
}
