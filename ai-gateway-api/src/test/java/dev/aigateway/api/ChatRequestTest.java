package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatRequestTest {
  private static final String SCHEMA = "{\"type\":\"object\"}";

  @Test
  void ofBuildsOneUserMessage() {
    ChatRequest r = ChatRequest.of("gpt-4o", "hi");
    assertThat(r.model()).isEqualTo("gpt-4o");
    assertThat(r.messages()).containsExactly(Message.user("hi"));
    assertThat(r.cacheMode()).isEqualTo(CacheMode.DEFAULT);
    assertThat(r.temperature()).isNull();
    assertThat(r.stop()).isEmpty();
  }

  @Test
  void buildRejectsAMissingModelAndNamesTheField() {
    assertThatThrownBy(() -> ChatRequest.builder().user("hi").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model");
    assertThatThrownBy(() -> ChatRequest.builder().model(" ").user("hi").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model");
  }

  @Test
  void buildRejectsNoMessagesAndNamesTheField() {
    assertThatThrownBy(() -> ChatRequest.builder().model("m").build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("messages");
  }

  @Test
  void buildRejectsOutOfRangeSettingsAndNamesEach() {
    assertThatThrownBy(() -> base().temperature(-0.1).build()).hasMessageContaining("temperature");
    assertThatThrownBy(() -> base().temperature(Double.NaN).build())
        .hasMessageContaining("temperature");
    assertThatThrownBy(() -> base().topP(1.5).build()).hasMessageContaining("topP");
    assertThatThrownBy(() -> base().maxTokens(0).build()).hasMessageContaining("maxTokens");
    assertThatThrownBy(() -> base().timeout(Duration.ZERO).build()).hasMessageContaining("timeout");
    assertThatThrownBy(() -> base().stop("").build()).hasMessageContaining("stop[0]");
    assertThatThrownBy(() -> base().clientId(" ").build()).hasMessageContaining("clientId");
  }

  @Test
  void toolChoiceMustNameADefinedTool() {
    assertThatThrownBy(() -> base().tool(ToolDefinition.of("a", null, SCHEMA))
            .toolChoice(ToolChoice.tool("b")).build())
        .hasMessageContaining("toolChoice").hasMessageContaining("'b'");
    assertThatThrownBy(() -> base().toolChoice(ToolChoice.required()).build())
        .hasMessageContaining("REQUIRED");
    assertThatThrownBy(() -> base().tool(ToolDefinition.of("a", null, SCHEMA))
            .tool(ToolDefinition.of("a", null, SCHEMA)).build())
        .hasMessageContaining("duplicate tool name 'a'");
  }

  @Test
  void theRequestIsImmutableAndIndependentOfItsBuilder() {
    List<Message> history = new ArrayList<>(List.of(Message.user("one")));
    ChatRequest.Builder b = ChatRequest.builder().model("m").messages(history);
    ChatRequest r = b.build();
    history.add(Message.user("two"));
    b.user("three");
    assertThat(r.messages()).containsExactly(Message.user("one"));
    assertThatThrownBy(() -> r.messages().add(Message.user("x")))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> r.metadata().put("k", "v"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void messagesReplacesWhileUserAndSystemAppend() {
    ChatRequest r = ChatRequest.builder().model("m").user("dropped")
        .messages(List.of(Message.user("kept"))).system("sys").user("last").build();
    assertThat(r.messages()).extracting(Message::text).containsExactly("kept", "sys", "last");
  }

  @Test
  void toBuilderRoundTripsEveryField() {
    ChatRequest r = base()
        .system("s").temperature(0.2).topP(0.9).maxTokens(100).stop("x", "y")
        .tool(ToolDefinition.of("t", "d", SCHEMA)).toolChoice(ToolChoice.auto())
        .responseFormat(ResponseFormat.jsonObject()).seed(7L).clientId("c")
        .metadata("k", "v").cacheMode(CacheMode.REFRESH).timeout(Duration.ofSeconds(3))
        .extra("logprobs", true)
        .build();
    assertThat(r.toBuilder().build()).isEqualTo(r).hasSameHashCodeAs(r);
    assertThat(r.toBuilder().temperature(0.3).build()).isNotEqualTo(r);
  }

  @Test
  void attributesAreTypedCarriedByToBuilderAndIgnoredByEquals() {
    AttributeKey<Integer> attempt = AttributeKey.of("attempt", Integer.class);
    ChatRequest r = ChatRequest.of("m", "hi");
    ChatRequest tagged = r.withAttribute(attempt, 2);
    assertThat(tagged.attribute(attempt)).isEqualTo(2);
    assertThat(r.attribute(attempt)).isNull();
    assertThat(tagged).isEqualTo(r);
    assertThat(tagged.withAttribute(attempt, 3).attribute(attempt)).isEqualTo(3);
    assertThat(tagged.withAttribute(attempt, null).attribute(attempt)).isNull();
    assertThat(tagged.toBuilder().build().attribute(attempt)).isEqualTo(2);
    assertThat(tagged.withModel("other").attribute(attempt)).isEqualTo(2);
  }

  @Test
  void extraValuesAreDeepCopiedAndOnlyJsonLikeValuesAreAccepted() {
    Map<String, Object> nested = new HashMap<>();
    nested.put("a", new ArrayList<>(List.of(1, "two")));
    ChatRequest r = base().extra("opts", nested).build();
    nested.put("b", 2);
    @SuppressWarnings("unchecked")
    Map<String, Object> copy = (Map<String, Object>) r.extra().get("opts");
    assertThat(copy).containsOnlyKeys("a");
    assertThatThrownBy(() -> copy.put("c", 3)).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> base().extra("when", new Object()))
        .hasMessageContaining("extra.when").hasMessageContaining("java.lang.Object");
    assertThatThrownBy(() -> base().extra("x", Double.POSITIVE_INFINITY))
        .hasMessageContaining("extra.x");
  }

  @Test
  void toStringShowsNoMessageContent() {
    ChatRequest r = ChatRequest.builder().model("m").user("my secret diagnosis").clientId("c1")
        .build();
    assertThat(r.toString()).contains("model=m", "messages=1", "clientId=c1")
        .doesNotContain("secret diagnosis");
  }

  @Test
  void hasImagesLooksAtEveryMessage() {
    assertThat(ChatRequest.of("m", "x").hasImages()).isFalse();
    ChatRequest r = base().message(Message.user(ContentPart.text("look"),
        ContentPart.imageUrl("https://example.com/a.png"))).build();
    assertThat(r.hasImages()).isTrue();
  }

  private static ChatRequest.Builder base() {
    return ChatRequest.builder().model("m").user("hi");
  }
}
