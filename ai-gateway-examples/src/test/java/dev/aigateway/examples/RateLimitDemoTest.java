package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The rate-limit demo runs offline: the noisy client is throttled, the quiet one is not. */
class RateLimitDemoTest {

  @Test
  void theNoisyClientIsThrottledWhileTheQuietOneIsServed() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    RateLimitDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String out = bytes.toString(StandardCharsets.UTF_8);

    assertThat(out.lines().filter(l -> l.startsWith("noisy (chat) -> served"))).hasSize(3);
    assertThat(out.lines().filter(l -> l.startsWith("noisy (chat) -> throttled: client 'noisy'"
        + " is over its limit of 3 requests per 1min"))).hasSize(3);
    assertThat(out).contains("quiet (chat) -> served: \"Noted: quiet question 1\"")
        .contains("quiet (stream) -> served: \"Noted: quiet question 2\"")
        .contains("The vendor received 5 requests");
  }
}
