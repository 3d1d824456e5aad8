package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The cache demo runs offline, and the vendor sees one call per distinct question. */
class CacheDemoTest {

  @Test
  void theRepeatedQuestionIsAnsweredFromTheCacheForChatAndStream() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CacheDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("#1: A response cache answers a repeated prompt without calling the vendor.")
        .contains("fromCache=false, attempts=1, vendor calls so far: 1")
        .contains("#2: A response cache answers a repeated prompt without calling the vendor.")
        .contains("fromCache=true, attempts=0, vendor calls so far: 1")
        .contains("#2: Streams are cached too, and replayed one chunk at a time.")
        .containsPattern("(\\d+) chunks, vendor calls so far: 2\\R.*\\R\\s+\\1 chunks, vendor calls so far: 2");
    assertThat(out).doesNotContain("vendor calls so far: 3");
  }
}
