package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AnswerCodecTest {

  @Test
  void aResponseRoundTripsAsAHit() throws Exception {
    ChatResponse original = ChatResponse.builder()
        .id("r-1").provider("openai").model("gpt-4o-2024-08-06")
        .message(Message.assistant("Calling…  ✓", List.of(
            ToolCall.of("c1", "weather", "{\"city\":\"Zürich\"}"),
            ToolCall.of("c2", "time", "{}"))))
        .finishReason(FinishReason.TOOL_CALLS)
        .usage(new Usage(10, 5, 15, 4, 2))
        .attempts(3)
        .build();
    CachedAnswer decoded = AnswerCodec.decode(AnswerCodec.encode(CachedAnswer.of(original)));
    assertThat(decoded.isStream()).isFalse();
    assertThat(decoded.response())
        .isEqualTo(original.toBuilder().attempts(0).fromCache(true).build());
  }

  @Test
  void aStreamRoundTripsChunkByChunk() throws Exception {
    List<ChatChunk> chunks = List.of(
        ChatChunk.of("s-1", "anthropic", "claude", "Hel", null, null, null),
        ChatChunk.of(null, "anthropic", "claude", "lo", null, null, null),
        ChatChunk.of(null, "anthropic", "claude", "", List.of(
            new ToolCallDelta(0, "t1", "weather", "{\"ci"),
            new ToolCallDelta(1, "t2", "time", "")), null, null),
        ChatChunk.of(null, "anthropic", "claude-2", "", List.of(
            new ToolCallDelta(0, null, null, "ty\":1}")), FinishReason.TOOL_CALLS,
            Usage.of(7, 3)));
    CachedAnswer decoded = AnswerCodec.decode(AnswerCodec.encode(CachedAnswer.ofChunks(chunks)));
    assertThat(decoded.isStream()).isTrue();
    assertThat(decoded.chunks()).hasSize(4);
    for (int i = 0; i < chunks.size(); i++) {
      ChatChunk want = chunks.get(i);
      ChatChunk got = decoded.chunks().get(i);
      assertThat(got.id()).isEqualTo(want.id());
      assertThat(got.provider()).isEqualTo(want.provider());
      assertThat(got.model()).isEqualTo(want.model());
      assertThat(got.textDelta()).isEqualTo(want.textDelta());
      assertThat(got.toolCallDeltas()).isEqualTo(want.toolCallDeltas());
      assertThat(got.finishReason()).isEqualTo(want.finishReason());
      assertThat(got.usage()).isEqualTo(want.usage());
    }
    ChatResponse folded = decoded.asHitResponse();
    assertThat(folded.text()).isEqualTo("Hello");
    assertThat(folded.toolCalls()).containsExactly(
        ToolCall.of("t1", "weather", "{\"city\":1}"), ToolCall.of("t2", "time", ""));
    assertThat(folded.fromCache()).isTrue();
    assertThat(folded.attempts()).isZero();
  }

  @Test
  void reasoningSignaturesAndARefusalRoundTripInAResponse() throws Exception {
    ChatResponse original = ChatResponse.builder()
        .id("r-2").provider("anthropic").model("claude-sonnet-4-5")
        .message(Message.assistantParts(List.of(
            ContentPart.reasoning("Think…", ReasoningSignature.of("anthropic", "EqQB+/=")),
            ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK")),
            ContentPart.reasoning("plain"),
            ContentPart.text("Calling.")), List.of(
            new ToolCall("fc-1", "weather", "{}", ReasoningSignature.of("gemini", "CiQB")),
            ToolCall.of("fc-2", "time", "{}"))))
        .finishReason(FinishReason.TOOL_CALLS)
        .refusal("")
        .build();
    CachedAnswer decoded = AnswerCodec.decode(AnswerCodec.encode(CachedAnswer.of(original)));
    assertThat(decoded.response())
        .isEqualTo(original.toBuilder().attempts(0).fromCache(true).build());
    assertThat(decoded.response().reasoning()).isEqualTo("Think…plain");
    assertThat(decoded.response().refusal()).isEmpty();
  }

  @Test
  void reasoningSignaturesAndARefusalRoundTripInAStream() throws Exception {
    ReasoningSignature sig = ReasoningSignature.of("anthropic", "EqQB");
    List<ChatChunk> chunks = List.of(
        ChatChunk.of("s-2", "anthropic", "claude", "", null, null, null)
            .withReasoning("Let me ", null),
        ChatChunk.of(null, "anthropic", "claude", "", null, null, null)
            .withReasoning("think.", ContentPart.reasoning("", sig)),
        ChatChunk.of(null, "anthropic", "claude", "", null, null, null).withReasoning(null,
            ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK"))),
        ChatChunk.of(null, "anthropic", "claude", "", List.of(new ToolCallDelta(0, "t1", "w",
            "{}", ReasoningSignature.of("gemini", "CiQB"))), null, null),
        ChatChunk.of(null, "anthropic", "claude", "No.", null, FinishReason.CONTENT_FILTER,
            null).withRefusal("I won't"));
    CachedAnswer decoded = AnswerCodec.decode(AnswerCodec.encode(CachedAnswer.ofChunks(chunks)));
    for (int i = 0; i < chunks.size(); i++) {
      ChatChunk want = chunks.get(i);
      ChatChunk got = decoded.chunks().get(i);
      assertThat(got.reasoningDelta()).isEqualTo(want.reasoningDelta());
      assertThat(got.reasoningEnd()).isEqualTo(want.reasoningEnd());
      assertThat(got.refusalDelta()).isEqualTo(want.refusalDelta());
      assertThat(got.toolCallDeltas()).isEqualTo(want.toolCallDeltas());
    }
    ChatResponse folded = decoded.asHitResponse();
    assertThat(folded.message().parts()).containsExactly(
        ContentPart.reasoning("Let me think.", sig),
        ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK")),
        ContentPart.text("No."));
    assertThat(folded.toolCalls().get(0).signature())
        .isEqualTo(ReasoningSignature.of("gemini", "CiQB"));
    assertThat(folded.refusal()).isEqualTo("I won't");
  }

  @Test
  void aValueOfTheFirstVersionIsUnreadable() {
    byte[] value = AnswerCodec.encode(CachedAnswer.of(response()));
    value[0] = 1;
    assertThat(AnswerCodec.VERSION).isEqualTo(2);
    assertThatThrownBy(() -> AnswerCodec.decode(value))
        .isInstanceOf(AnswerCodec.CorruptValueException.class);
  }

  @Test
  void anUnknownVersionIsRejected() {
    byte[] value = AnswerCodec.encode(CachedAnswer.of(response()));
    value[0] = (byte) (AnswerCodec.VERSION + 1);
    assertThatThrownBy(() -> AnswerCodec.decode(value))
        .isInstanceOf(AnswerCodec.CorruptValueException.class)
        .hasMessageContaining("version");
  }

  @Test
  void everyTruncationAndTrailingGarbageIsRejected() {
    byte[] value = AnswerCodec.encode(CachedAnswer.ofChunks(List.of(
        ChatChunk.of("i", "p", "m", "abc", null, FinishReason.STOP, Usage.of(1, 1)))));
    for (int n = 0; n < value.length; n++) {
      byte[] cut = Arrays.copyOf(value, n);
      assertThatThrownBy(() -> AnswerCodec.decode(cut))
          .as("cut at %d", n).isInstanceOf(AnswerCodec.CorruptValueException.class);
    }
    byte[] longer = Arrays.copyOf(value, value.length + 1);
    assertThatThrownBy(() -> AnswerCodec.decode(longer))
        .isInstanceOf(AnswerCodec.CorruptValueException.class);
  }

  @Test
  void garbageIsRejectedNotThrownAsSomethingElse() {
    byte[] value = AnswerCodec.encode(CachedAnswer.of(response()));
    value[3] = (byte) 0x7F; // a string length far beyond the value
    assertThatThrownBy(() -> AnswerCodec.decode(value))
        .isInstanceOf(AnswerCodec.CorruptValueException.class);
  }

  private static ChatResponse response() {
    return ChatResponse.builder().provider("p").model("m").text("hi")
        .finishReason(FinishReason.STOP).build();
  }
}
