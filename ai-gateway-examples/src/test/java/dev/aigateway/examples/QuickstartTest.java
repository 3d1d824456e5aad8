package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The quickstart runs offline and prints what the README says it prints. */
class QuickstartTest {

  @Test
  void runsOfflineAndPrintsAnAnswerAStreamUsageAndTheProvider() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Quickstart.run(new PrintStream(bytes, true, StandardCharsets.UTF_8), null);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out).contains("embedded stub vendor at http://127.0.0.1:")
        .contains("== chat()").contains("An AI gateway stands between")
        .contains("== stream()")
        .contains("This answer arrives one word at a time: each word is one chunk of the stream.")
        .contains("served by openai (gpt-4o-mini)")
        .contains("input +").contains("finish STOP");
  }
}
