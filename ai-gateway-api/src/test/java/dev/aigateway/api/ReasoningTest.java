package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Reasoning and refusals are kept apart from the answer, and fold back with their signatures. */
class ReasoningTest {
  private static final ReasoningSignature SIG = ReasoningSignature.of("anthropic", "EqQBsecret");

  private static ChatChunk chunk() {
    return ChatChunk.of(null, "anthropic", "claude", "", null, null, null);
  }

  @Test
  void reasoningIsNotTheMessagesTextAndNeverShowsInToString() {
    Message m = Message.assistantParts(List.of(
        ContentPart.reasoning("secret thoughts", SIG), ContentPart.text("Answer")), List.of());
    assertThat(m.text()).isEqualTo("Answer");
    assertThat(m.reasoning()).isEqualTo("secret thoughts");
    assertThat(m.hasImages()).isFalse();
    assertThat(m + " " + m.parts() + " " + SIG)
        .doesNotContain("secret").doesNotContain("EqQB");
  }

  @Test
  void anAssistantMessageHoldsNoImagesAndARedactedPartNoText() {
    assertThatThrownBy(() -> Message.assistantParts(
        List.of(ContentPart.imageUrl("https://x/y.png")), List.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Message.user(ContentPart.reasoning("mine")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reasoning");
    assertThatThrownBy(() -> new ContentPart.Reasoning("text", SIG, true))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ReasoningSignature.of("anthropic", ""))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyTheSigningFormatGetsTheReasoningBack() {
    ContentPart.Reasoning signed = ContentPart.reasoning("t", SIG);
    assertThat(signed.signedFor("anthropic")).isTrue();
    assertThat(signed.signedFor("gemini")).isFalse();
    assertThat(ContentPart.reasoning("t").signedFor("anthropic")).isFalse();
  }

  @Test
  void theAccumulatorRebuildsReasoningPartsInOrderBeforeTheText() {
    StreamAccumulator acc = new StreamAccumulator()
        .accept(chunk().withReasoning("Let me ", null))
        .accept(chunk().withReasoning("think.", null))
        .accept(chunk().withReasoning(null, ContentPart.reasoning("", SIG)))
        .accept(chunk().withReasoning(null,
            ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK"))))
        .accept(chunk().withReasoning("unsigned", null))
        .accept(ChatChunk.text("anthropic", "claude", "Hi"))
        .accept(ChatChunk.of(null, "anthropic", "claude", "", null, FinishReason.STOP, null));
    assertThat(acc.reasoning()).isEqualTo("Let me think.unsigned");
    ChatResponse r = acc.toResponse();
    assertThat(r.message().parts()).containsExactly(
        ContentPart.reasoning("Let me think.", SIG),
        ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK")),
        ContentPart.reasoning("unsigned"),
        ContentPart.text("Hi"));
    assertThat(r.text()).isEqualTo("Hi");
    assertThat(r.refusal()).isNull();
  }

  @Test
  void aRestartDiscardsReasoningAndRefusal() {
    StreamAccumulator acc = new StreamAccumulator()
        .accept(chunk().withReasoning("old", ContentPart.reasoning("", SIG)).withRefusal("no"))
        .accept(ChatChunk.restart("anthropic", "claude", "vendor failed"))
        .accept(ChatChunk.text("anthropic", "claude", "Fresh"));
    ChatResponse r = acc.toResponse();
    assertThat(r.reasoning()).isEmpty();
    assertThat(r.message().parts()).containsExactly(ContentPart.text("Fresh"));
    assertThat(r.refusal()).isNull();
  }

  @Test
  void aResponseReplayedAsAStreamFoldsBackWithItsReasoningAndRefusal() {
    ChatResponse original = ChatResponse.builder().id("r").provider("anthropic").model("claude")
        .message(Message.assistantParts(List.of(
            ContentPart.reasoning("a", SIG),
            ContentPart.redactedReasoning(ReasoningSignature.of("anthropic", "EmwK")),
            ContentPart.text("b")), List.of(
            new ToolCall("c1", "f", "{}", ReasoningSignature.of("gemini", "CiQB")))))
        .finishReason(FinishReason.TOOL_CALLS)
        .refusal("")
        .build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    ChatResult.of(original).chunks().subscribe(sub);
    sub.awaitTerminal(Duration.ofSeconds(5));
    assertThat(sub.isCompleted()).isTrue();
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    assertThat(acc.toResponse()).isEqualTo(original);
  }

  @Test
  void aReplayHonoursDemandOneChunkAtATime() {
    ChatResponse original = ChatResponse.builder().provider("p").model("m")
        .message(Message.assistantParts(List.of(ContentPart.reasoning("a", SIG),
            ContentPart.text("b")), List.of()))
        .finishReason(FinishReason.STOP).build();
    TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(0);
    ChatResult.of(original).chunks().subscribe(sub);
    sub.request(1);
    assertThat(sub.items()).hasSize(1);
    assertThat(sub.isCompleted()).isFalse();
    sub.request(1);
    assertThat(sub.items()).hasSize(2);
    assertThat(sub.isCompleted()).isTrue();
  }
}
