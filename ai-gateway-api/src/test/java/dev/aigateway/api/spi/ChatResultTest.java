package dev.aigateway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ChatResultTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  @Test
  void responseFoldsAStream() {
    ChatResult result = ChatResult.ofStream(ChunkPublisher.of(ChunkPublisher.words("p", "m", 3)));
    ChatResponse r = result.response();
    assertThat(r.text()).isEqualTo("w0 w1 w2 ");
    assertThat(r.usage()).isEqualTo(Usage.of(3, 3));
    assertThat(result.isClaimed()).isTrue();
  }

  @Test
  void responseRethrowsTheStreamsErrorAsSignalled() {
    ProviderUnavailableException cut = new ProviderUnavailableException("p", 0, null, "cut", null);
    ChatResult result = ChatResult.ofStream(
        ChunkPublisher.failingAfter(ChunkPublisher.words("p", "m", 1), cut));
    assertThatThrownBy(result::response).isSameAs(cut);
  }

  @Test
  void aCompleteResponseReplaysAsOneChunkCarryingEverything() {
    ChatResponse response = ChatResponse.builder().id("r1").provider("p").model("m")
        .message(Message.assistant("hi", List.of(ToolCall.of("c1", "f", "{\"a\":1}"))))
        .finishReason(FinishReason.TOOL_CALLS).usage(Usage.of(1, 2)).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(1);
    ChatResult.of(response).chunks().subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).isTrue();
    assertThat(sub.violations()).isEmpty();
    ChatChunk only = sub.items().get(0);
    assertThat(only.textDelta()).isEqualTo("hi");
    assertThat(only.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(only.usage()).isEqualTo(Usage.of(1, 2));
    assertThat(only.toolCallDeltas()).hasSize(1);
    assertThat(new dev.aigateway.api.StreamAccumulator().accept(only).toResponse().toolCalls())
        .containsExactly(ToolCall.of("c1", "f", "{\"a\":1}"));
  }

  @Test
  void observeSeesEveryChunkThenTheFoldedResponse() {
    List<String> seen = new ArrayList<>();
    AtomicReference<ChatResponse> done = new AtomicReference<>();
    ChatResult observed = ChatResult.ofStream(ChunkPublisher.of(ChunkPublisher.words("p", "m", 2)))
        .observe(new ChatObserver() {
          @Override
          public void onChunk(ChatChunk chunk) {
            seen.add(chunk.textDelta());
          }

          @Override
          public void onComplete(ChatResponse response) {
            done.set(response);
          }
        });
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    observed.chunks().subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(seen).containsExactly("w0 ", "w1 ");
    assertThat(done.get().text()).isEqualTo("w0 w1 ");
  }

  @Test
  void anObserverThatNeedsNoResponseSeesTheEndWithoutAFold() {
    List<String> seen = new ArrayList<>();
    AtomicReference<String> done = new AtomicReference<>();
    ChatResult observed = ChatResult.ofStream(ChunkPublisher.of(ChunkPublisher.words("p", "m", 2)))
        .observe(new ChatObserver() {
          @Override
          public boolean needsResponse() {
            return false;
          }

          @Override
          public void onChunk(ChatChunk chunk) {
            seen.add(chunk.textDelta());
          }

          @Override
          public void onComplete(ChatResponse response) {
            done.set("completed with " + response);
          }
        });
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    observed.chunks().subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).hasSize(2);
    assertThat(seen).containsExactly("w0 ", "w1 ");
    assertThat(done.get()).isEqualTo("completed with null");
  }

  @Test
  void observeOnACompleteResponseRunsAtOnce() {
    ChatResponse response = ChatResponse.builder().provider("p").model("m").text("x")
        .finishReason(FinishReason.STOP).build();
    AtomicReference<ChatResponse> done = new AtomicReference<>();
    ChatResult result = ChatResult.of(response);
    assertThat(result.observe(new ChatObserver() {
      @Override
      public void onComplete(ChatResponse r) {
        done.set(r);
      }
    })).isSameAs(result);
    assertThat(done.get()).isSameAs(response);
  }

  @Test
  void anObserverThatThrowsFailsTheStreamAndCancelsTheSource() {
    ChunkPublisher source = ChunkPublisher.of(ChunkPublisher.words("p", "m", 3));
    IllegalStateException boom = new IllegalStateException("boom");
    ChatResult observed = ChatResult.ofStream(source).observe(new ChatObserver() {
      @Override
      public void onChunk(ChatChunk chunk) {
        throw boom;
      }
    });
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    observed.chunks().subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.error()).isSameAs(boom);
    assertThat(sub.items()).isEmpty();
    assertThat(source.cancelled.getCount()).isZero();
  }

  @Test
  void discardCancelsAnUnreadStreamAndLeavesASubscribedOneAlone() {
    ChunkPublisher unread = ChunkPublisher.of(ChunkPublisher.words("p", "m", 2));
    ChatResult.ofStream(unread).discard();
    assertThat(unread.cancelled.getCount()).isZero();
    assertThat(unread.emitted()).isZero();

    ChunkPublisher read = ChunkPublisher.of(ChunkPublisher.words("p", "m", 2));
    ChatResult result = ChatResult.ofStream(read);
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    result.chunks().subscribe(sub);
    result.discard();
    sub.request(5);
    sub.awaitTerminal(WAIT);
    assertThat(sub.items()).hasSize(2);
    assertThat(read.cancelled.getCount()).isEqualTo(1);
  }
}
