package dev.aigateway.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ToolDefinition;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.junit.jupiter.api.Test;

class RequestPredicatesTest {
  private static final ChatRequest PLAIN = ChatRequest.of("m", "hello");

  private static ChatRequest withMetadata(String key, String value) {
    return ChatRequest.builder().model("m").user("hi").metadata(key, value).build();
  }

  @Test
  void hasImagesIsTrueOnlyWhenAMessageCarriesAnImage() {
    ChatRequest byUrl = ChatRequest.builder().model("m").system("s")
        .message(Message.user(ContentPart.text("what?"), ContentPart.imageUrl("https://x/a.png")))
        .build();
    ChatRequest inline = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.image(new byte[] {1}, "image/png")))
        .build();
    assertThat(RequestPredicates.hasImages()).accepts(byUrl, inline).rejects(PLAIN);
    assertThat(RequestPredicates.hasImages()).hasToString("hasImages");
  }

  @Test
  void hasToolsIsTrueOnlyWhenToolsAreDefined() {
    ChatRequest withTool = PLAIN.toBuilder().tool(ToolDefinition.of("f", null, "{}")).build();
    assertThat(RequestPredicates.hasTools()).accepts(withTool).rejects(PLAIN);
    assertThat(RequestPredicates.hasTools()).hasToString("hasTools");
  }

  @Test
  void estimatedInputTokensOverComparesStrictly() {
    ChatRequest request = ChatRequest.of("m", "a".repeat(40)); // 10 + 4 = 14 tokens
    assertThat(TokenEstimate.approximate(request)).isEqualTo(14);
    assertThat(RequestPredicates.estimatedInputTokensOver(13)).accepts(request);
    assertThat(RequestPredicates.estimatedInputTokensOver(14)).rejects(request);
    assertThat(RequestPredicates.estimatedInputTokensOver(0)).accepts(request);
    assertThat(RequestPredicates.estimatedInputTokensOver(8000))
        .rejects(request).hasToString("estimatedInputTokens > 8000");
  }

  @Test
  void estimatedInputTokensOverRejectsANegativeThreshold() {
    assertThatThrownBy(() -> RequestPredicates.estimatedInputTokensOver(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("n must be >= 0 but was -1");
  }

  @Test
  void metadataEqualsWantsTheKeyWithExactlyThatValue() {
    Predicate<ChatRequest> gold = RequestPredicates.metadataEquals("tier", "gold");
    assertThat(gold).accepts(withMetadata("tier", "gold"))
        .rejects(withMetadata("tier", "Gold"), withMetadata("tier", "golden"),
            withMetadata("plan", "gold"), PLAIN);
    assertThat(gold).hasToString("metadata[tier] == gold");
  }

  @Test
  void metadataMatchesWantsTheWholeValueToMatch() {
    Predicate<ChatRequest> acme = RequestPredicates.metadataMatches("tenant", "acme-.*");
    assertThat(acme).accepts(withMetadata("tenant", "acme-eu"), withMetadata("tenant", "acme-"))
        .rejects(withMetadata("tenant", "not-acme-eu"), withMetadata("other", "acme-eu"), PLAIN);
    assertThat(acme).hasToString("metadata[tenant] ~ acme-.*");

    Predicate<ChatRequest> digits =
        RequestPredicates.metadataMatches("shard", Pattern.compile("[0-9]+"));
    assertThat(digits).accepts(withMetadata("shard", "42"))
        .rejects(withMetadata("shard", "42a"), withMetadata("shard", "a42"));
    assertThat(digits).hasToString("metadata[shard] ~ [0-9]+");
  }

  @Test
  void anInvalidRegexFailsWhenTheRuleIsMade() {
    assertThatThrownBy(() -> RequestPredicates.metadataMatches("k", "("))
        .isInstanceOf(PatternSyntaxException.class);
  }

  @Test
  void ofDescribesAUserPredicate() {
    Predicate<ChatRequest> batch =
        RequestPredicates.of("clientId is batch", r -> "batch".equals(r.clientId()));
    assertThat(batch).accepts(PLAIN.toBuilder().clientId("batch").build()).rejects(PLAIN);
    assertThat(batch).hasToString("clientId is batch");
  }

  @Test
  void composingKeepsTheDescriptions() {
    Predicate<ChatRequest> images = RequestPredicates.hasImages();
    Predicate<ChatRequest> gold = RequestPredicates.metadataEquals("tier", "gold");
    Predicate<ChatRequest> goldText = gold.and(images.negate());
    Predicate<ChatRequest> either = images.or(gold);

    assertThat(goldText).hasToString("(metadata[tier] == gold && !hasImages)")
        .accepts(withMetadata("tier", "gold")).rejects(PLAIN);
    assertThat(either).hasToString("(hasImages || metadata[tier] == gold)")
        .accepts(withMetadata("tier", "gold")).rejects(PLAIN);
    assertThat(images.negate()).accepts(PLAIN);
  }

  @Test
  void nullArgumentsAreNamed() {
    assertThatThrownBy(() -> RequestPredicates.metadataEquals(null, "v"))
        .isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> RequestPredicates.metadataEquals("k", null))
        .isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> RequestPredicates.metadataMatches(null, "v"))
        .isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> RequestPredicates.metadataMatches("k", (String) null))
        .isInstanceOf(NullPointerException.class).hasMessage("regex");
    assertThatThrownBy(() -> RequestPredicates.metadataMatches(null, Pattern.compile("v")))
        .isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> RequestPredicates.metadataMatches("k", (Pattern) null))
        .isInstanceOf(NullPointerException.class).hasMessage("pattern");
    assertThatThrownBy(() -> RequestPredicates.of(null, r -> true))
        .isInstanceOf(NullPointerException.class).hasMessage("description");
    assertThatThrownBy(() -> RequestPredicates.of("d", null))
        .isInstanceOf(NullPointerException.class).hasMessage("predicate");
    assertThatThrownBy(() -> RequestPredicates.hasImages().and(null))
        .isInstanceOf(NullPointerException.class).hasMessage("other");
  }
}
