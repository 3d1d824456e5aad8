package dev.aigateway.core.routing;

import static dev.aigateway.core.routing.TokenEstimate.CHARS_PER_TOKEN;
import static dev.aigateway.core.routing.TokenEstimate.TOKENS_PER_IMAGE;
import static dev.aigateway.core.routing.TokenEstimate.TOKENS_PER_MESSAGE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenEstimateTest {

  @Test
  void theDocumentedConstants() {
    assertThat(CHARS_PER_TOKEN).isEqualTo(4);
    assertThat(TOKENS_PER_MESSAGE).isEqualTo(4);
    assertThat(TOKENS_PER_IMAGE).isEqualTo(1600);
  }

  @Test
  void aKnownRequestFollowsTheDocumentedArithmetic() {
    ChatRequest request = ChatRequest.builder().model("m")
        .system("You are terse.") // 14 chars
        .user("Hello, world") // 12 chars
        .build();
    // ceil(26 / 4) = 7, plus 2 messages x 4 = 8
    assertThat(TokenEstimate.approximate(request)).isEqualTo(15);
  }

  @Test
  void aFullConversationCountsEveryPart() {
    ChatRequest request = ChatRequest.builder().model("m")
        .system("Be brief.") // 9 chars
        .message(Message.user(
            ContentPart.text("What is this?"), // 13 chars
            ContentPart.imageUrl("https://example.com/a.png"), // 1 image
            ContentPart.image(new byte[] {1, 2, 3}, "image/png"))) // 1 image
        .message(Message.assistant("Let me look.", // 12 chars
            List.of(ToolCall.of("call_1", "get_weather", "{\"city\":\"Paris\"}")))) // 11 + 16
        .message(Message.tool("call_1", "18C")) // 3 chars
        .tool(ToolDefinition.of("get_weather", "Weather now", "{\"type\":\"object\"}")) // 11+11+17
        .tool(ToolDefinition.of("noop", null, "{}")) // 4 + 2
        .build();
    int chars = 9 + 13 + 12 + (11 + 16) + 3 + (11 + 11 + 17) + (4 + 2); // 109
    assertThat(chars).isEqualTo(109);
    // ceil(109 / 4) = 28, plus 4 messages x 4 = 16, plus 2 images x 1600 = 3200
    assertThat(TokenEstimate.approximate(request)).isEqualTo(28 + 16 + 3200);
  }

  @Test
  void eachImageCostsTheFixedAmountWhateverItsSize() {
    ChatRequest one = ChatRequest.builder().model("m")
        .message(Message.user(
            ContentPart.text("abcd"), ContentPart.image(new byte[1], "image/png")))
        .build();
    ChatRequest big = ChatRequest.builder().model("m")
        .message(Message.user(
            ContentPart.text("abcd"), ContentPart.image(new byte[1_000_000], "image/jpeg")))
        .build();
    ChatRequest two = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.text("abcd"), ContentPart.imageUrl("https://x/1.png"),
            ContentPart.imageUrl("https://x/2.png")))
        .build();
    assertThat(TokenEstimate.approximate(one)).isEqualTo(1 + 4 + 1600);
    assertThat(TokenEstimate.approximate(big)).isEqualTo(1 + 4 + 1600);
    assertThat(TokenEstimate.approximate(two)).isEqualTo(1 + 4 + 2 * 1600);
  }

  @Test
  void toolDefinitionsAreCounted() {
    ChatRequest plain = ChatRequest.of("m", "hi");
    ChatRequest withTool = plain.toBuilder()
        .tool(ToolDefinition.of("lookup", "Finds a thing", "{\"type\":\"object\"}"))
        .build();
    // "hi" is 2 chars; the tool adds 6 + 13 + 17 = 36: ceil(38 / 4) = 10, plus 4 for the message
    assertThat(TokenEstimate.approximate(plain)).isEqualTo(1 + 4);
    assertThat(TokenEstimate.approximate(withTool)).isEqualTo(10 + 4);
  }

  @Test
  void toolCallArgumentsAreCounted() {
    ChatRequest small = ChatRequest.builder().model("m").user("q")
        .message(Message.assistant(List.of(ToolCall.of("c1", "f", "{}"))))
        .build();
    ChatRequest large = ChatRequest.builder().model("m").user("q")
        .message(Message.assistant(List.of(ToolCall.of("c1", "f", "{\"q\":\"" + "x".repeat(100)
            + "\"}"))))
        .build();
    // 1 + 1 + 2 = 4 chars: 1 token, plus 2 messages x 4
    assertThat(TokenEstimate.approximate(small)).isEqualTo(1 + 8);
    // 1 + 1 + 108 = 110 chars: 28 tokens, plus 8
    assertThat(TokenEstimate.approximate(large)).isEqualTo(28 + 8);
  }

  @Test
  void theEstimateNeverDecreasesAsTextGrowsAndRoundsUp() {
    int previous = -1;
    for (int length = 0; length <= 200; length++) {
      int estimate = TokenEstimate.approximate(ChatRequest.of("m", "a".repeat(length)));
      assertThat(estimate).as("length %d", length)
          .isGreaterThanOrEqualTo(previous)
          .isEqualTo((length + 3) / 4 + 4);
      previous = estimate;
    }
  }

  @Test
  void moreMessagesCostMore() {
    ChatRequest one = ChatRequest.of("m", "");
    ChatRequest two = one.toBuilder().user("").build();
    assertThat(TokenEstimate.approximate(one)).isEqualTo(4);
    assertThat(TokenEstimate.approximate(two)).isEqualTo(8);
  }

  @Test
  void theEstimateSaturatesAtIntegerMaxValue() {
    // 1,342,178 images x 1,600 tokens is just over Integer.MAX_VALUE; one shared part is cheap.
    ContentPart[] parts = new ContentPart[1_342_178];
    Arrays.fill(parts, ContentPart.imageUrl("https://example.com/a.png"));
    ChatRequest request = ChatRequest.builder().model("m").message(Message.user(parts)).build();
    assertThat(TokenEstimate.approximate(request)).isEqualTo(Integer.MAX_VALUE);
  }

  @Test
  void aNullRequestIsNamed() {
    assertThatThrownBy(() -> TokenEstimate.approximate(null))
        .isInstanceOf(NullPointerException.class).hasMessage("request");
  }
}
