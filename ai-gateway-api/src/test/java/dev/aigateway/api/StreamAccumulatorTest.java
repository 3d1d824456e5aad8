package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAccumulatorTest {

  @Test
  void joinsTextAndKeepsTheLastFinishReasonUsageAndModel() {
    ChatResponse r = new StreamAccumulator()
        .accept(ChatChunk.of("id1", "p", "m-1", "Hel", null, null, null))
        .accept(ChatChunk.of(null, "p", "m-2", "lo", null, null, null))
        .accept(ChatChunk.of(null, "p", "m-2", "", null, FinishReason.STOP, Usage.of(2, 2)))
        .toResponse();
    assertThat(r.text()).isEqualTo("Hello");
    assertThat(r.id()).isEqualTo("id1");
    assertThat(r.model()).isEqualTo("m-2");
    assertThat(r.provider()).isEqualTo("p");
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.usage()).isEqualTo(Usage.of(2, 2));
  }

  @Test
  void attemptsAndTheCacheFlagComeFromTheGatewaysMarksAndDefaultToOneFreshAttempt() {
    ChatChunk plain = ChatChunk.text("p", "m", "a");
    ChatResponse unmarked = new StreamAccumulator().accept(plain).toResponse();
    assertThat(unmarked.attempts()).isEqualTo(1);
    assertThat(unmarked.fromCache()).isFalse();
    assertThat(plain.attempts()).isZero();
    ChatResponse r = new StreamAccumulator().accept(plain.withCallOutcome(3, false))
        .accept(ChatChunk.text("p", "m", "b").withCallOutcome(7, false)).toResponse();
    assertThat(r.attempts()).as("the highest mark counts: a rescue marks the chunk that took"
        + " over with the attempts so far").isEqualTo(7);
    ChatResponse first = new StreamAccumulator().accept(plain.withCallOutcome(3, false))
        .accept(ChatChunk.text("p", "m", "b")).toResponse();
    assertThat(first.attempts()).as("unmarked chunks do not lower it").isEqualTo(3);
    assertThat(r.text()).isEqualTo("ab");
    ChatResponse cached = new StreamAccumulator().accept(plain.withCallOutcome(0, true))
        .toResponse();
    assertThat(cached.attempts()).isZero();
    assertThat(cached.fromCache()).isTrue();
    assertThatThrownBy(() -> plain.withCallOutcome(-1, false)).hasMessageContaining("attempts");
  }

  @Test
  void aRestartChunkDiscardsWhatCameBeforeItButKeepsTheCallsMark() {
    StreamAccumulator acc = new StreamAccumulator()
        .accept(ChatChunk.text("a", "m1", "Hel").withCallOutcome(1, false))
        .accept(chunk(new ToolCallDelta(0, "call_a", "weather", "{\"ci")))
        .accept(ChatChunk.restart("b", "m2", "the stream from a/m1 broke"));
    assertThat(acc.chunkCount()).isZero();
    assertThat(acc.text()).isEmpty();
    ChatResponse r = acc.accept(ChatChunk.text("b", "m2", "Hello").withCallOutcome(2, false))
        .accept(ChatChunk.of("id2", "b", "m2", " world", null, FinishReason.STOP,
            Usage.of(10, 2)))
        .toResponse();
    assertThat(r.text()).isEqualTo("Hello world");
    assertThat(r.toolCalls()).isEmpty();
    assertThat(r.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(r.provider()).isEqualTo("b");
    assertThat(r.model()).isEqualTo("m2");
    assertThat(r.id()).isEqualTo("id2");
    assertThat(r.attempts()).isEqualTo(2);
    assertThat(r.usage()).isEqualTo(Usage.of(10, 2));
  }

  @Test
  void aRestartChunkCarriesItsReasonAndNothingElse() {
    ChatChunk restart = ChatChunk.restart("b", "m2", "why");
    assertThat(restart.isRestart()).isTrue();
    assertThat(restart.restartReason()).isEqualTo("why");
    assertThat(restart.textDelta()).isEmpty();
    assertThat(restart.toolCallDeltas()).isEmpty();
    assertThat(restart.finishReason()).isNull();
    assertThat(restart.usage()).isNull();
    assertThat(restart.toString()).contains("restart: why");
    assertThat(restart.withCallOutcome(3, false).isRestart()).isTrue();
    assertThat(ChatChunk.text("p", "m", "x").isRestart()).isFalse();
    assertThat(ChatChunk.text("p", "m", "x").restartReason()).isNull();
    assertThatThrownBy(() -> ChatChunk.restart("b", "m", "")).hasMessageContaining("reason");
  }

  @Test
  void reassemblesInterleavedParallelToolCallsByIndex() {
    StreamAccumulator acc = new StreamAccumulator();
    acc.accept(chunk(new ToolCallDelta(0, "call_a", "weather", "")));
    acc.accept(chunk(new ToolCallDelta(1, "call_b", "time", "{\"tz\"")));
    acc.accept(chunk(new ToolCallDelta(0, null, null, "{\"city\":")));
    acc.accept(chunk(new ToolCallDelta(1, null, null, ":\"UTC\"}")));
    acc.accept(chunk(new ToolCallDelta(0, null, null, "\"Paris\"}")));
    acc.accept(ChatChunk.of(null, "p", "m", "", null, FinishReason.STOP, null));
    ChatResponse r = acc.toResponse();
    assertThat(r.toolCalls()).containsExactly(
        ToolCall.of("call_a", "weather", "{\"city\":\"Paris\"}"),
        ToolCall.of("call_b", "time", "{\"tz\":\"UTC\"}"));
    assertThat(r.finishReason())
        .as("tool calls make the reason TOOL_CALLS whatever the vendor said")
        .isEqualTo(FinishReason.TOOL_CALLS);
  }

  @Test
  void lengthIsKeptEvenWithToolCallsAndMissingIdsAreSynthesized() {
    StreamAccumulator acc = new StreamAccumulator();
    acc.accept(chunk(new ToolCallDelta(0, null, "f", "{\"a\":")));
    acc.accept(ChatChunk.of(null, "p", "m", "", null, FinishReason.LENGTH, null));
    ChatResponse r = acc.toResponse();
    assertThat(r.finishReason()).isEqualTo(FinishReason.LENGTH);
    assertThat(r.toolCalls()).containsExactly(ToolCall.of("call_0", "f", "{\"a\":"));
  }

  @Test
  void aStreamWithoutFinishReasonReportsOtherAndAnEmptyOneCannotBeFolded() {
    assertThat(new StreamAccumulator().accept(ChatChunk.text("p", "m", "x")).toResponse()
        .finishReason()).isEqualTo(FinishReason.OTHER);
    assertThatThrownBy(() -> new StreamAccumulator().toResponse())
        .isInstanceOf(IllegalStateException.class);
  }

  private static ChatChunk chunk(ToolCallDelta delta) {
    return ChatChunk.of(null, "p", "m", "", List.of(delta), null, null);
  }
}
