package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MessageTest {

  @Test
  void factoriesSetRolesAndText() {
    assertThat(Message.system("s").role()).isEqualTo(Role.SYSTEM);
    assertThat(Message.user("u").text()).isEqualTo("u");
    assertThat(Message.assistant("a").role()).isEqualTo(Role.ASSISTANT);
    Message tool = Message.tool("call_1", "{\"ok\":true}");
    assertThat(tool.role()).isEqualTo(Role.TOOL);
    assertThat(tool.toolCallId()).isEqualTo("call_1");
    assertThat(tool.text()).isEqualTo("{\"ok\":true}");
  }

  @Test
  void multiPartUserTextJoinsOnlyTheTextParts() {
    Message m = Message.user(ContentPart.text("a "), ContentPart.image(new byte[] {1}, "image/png"),
        ContentPart.text("b"));
    assertThat(m.text()).isEqualTo("a b");
    assertThat(m.parts()).hasSize(3);
    assertThat(m.hasImages()).isTrue();
  }

  @Test
  void assistantToolCallsMayComeWithOrWithoutText() {
    ToolCall call = ToolCall.of("c1", "f", "{}");
    Message only = Message.assistant(List.of(call));
    assertThat(only.parts()).isEmpty();
    assertThat(only.text()).isEmpty();
    assertThat(only.toolCalls()).containsExactly(call);
    assertThat(Message.assistant("thinking", List.of(call)).text()).isEqualTo("thinking");
    assertThatThrownBy(() -> Message.assistant(List.of()))
        .hasMessageContaining("text or toolCalls");
  }

  @Test
  void invalidInputNamesTheField() {
    assertThatThrownBy(() -> Message.user((String) null)).hasMessageContaining("text");
    assertThatThrownBy(() -> Message.user()).hasMessageContaining("parts");
    assertThatThrownBy(() -> Message.tool(" ", "x")).hasMessageContaining("toolCallId");
    assertThatThrownBy(() -> ContentPart.image(new byte[0], "image/png"))
        .hasMessageContaining("data");
    assertThatThrownBy(() -> ContentPart.image(new byte[] {1}, "text/plain"))
        .hasMessageContaining("mediaType");
    assertThatThrownBy(() -> ToolDefinition.of("bad name", null, "{}"))
        .hasMessageContaining("name");
    assertThatThrownBy(() -> ToolDefinition.of("f", null, "[1]"))
        .hasMessageContaining("parametersJsonSchema");
  }

  @Test
  void imageBytesAreCopiedInAndOut() {
    byte[] data = {1, 2, 3};
    ContentPart.Image image = ContentPart.image(data, "image/png");
    data[0] = 9;
    byte[] out = image.data();
    out[1] = 9;
    assertThat(image.data()).containsExactly(1, 2, 3);
    assertThat(image.base64()).isEqualTo("AQID");
    assertThat(image).isEqualTo(ContentPart.image(new byte[] {1, 2, 3}, "image/png"));
    assertThat(image.toString()).isEqualTo("Image[mediaType=image/png, 3 bytes]");
  }

  @Test
  void toStringShowsNoContent() {
    assertThat(Message.user("private words").toString())
        .isEqualTo("Message[USER, 13 chars]").doesNotContain("private");
  }
}
