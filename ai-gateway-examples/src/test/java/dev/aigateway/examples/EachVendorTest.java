package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Each adapter's wire format round-trips through the stub, plain and streamed. */
class EachVendorTest {

  @Test
  void everyVendorServesOneChatAndOneStream() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    EachVendor.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    String answer = "Hello! This answer came back in my own vendor's wire format.";
    assertThat(out.split("chat\\(\\):   " + java.util.regex.Pattern.quote(answer), -1))
        .as("four plain answers").hasSize(5);
    assertThat(out.split("stream\\(\\): " + java.util.regex.Pattern.quote(answer), -1))
        .as("four streamed answers").hasSize(5);
    assertThat(out)
        .contains("served by openai (gpt-4o-mini)")
        .contains("served by azure (my-gpt-4o-mini-deployment)")
        .contains("served by anthropic (claude-sonnet-4-5)")
        .contains("served by gemini (gemini-2.5-flash)")
        .doesNotContain("finish OTHER").contains("The stub served 8 requests.");
  }
}
