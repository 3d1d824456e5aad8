package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The customer service A/B example runs offline, on a simulated clock, and prints who answered
 * each call and why. Its output is the same on every run, so the assertions are exact.
 */
class CustomerServiceABTest {

  private static String output;

  @BeforeAll
  static void runTheExampleOnce() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CustomerServiceAB.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    output = bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n");
  }

  private static String run() {
    return output;
  }

  private static String section(String out, String start, String end) {
    int from = out.indexOf(start);
    int to = out.indexOf(end, from);
    assertThat(from).as("section " + start).isNotNegative();
    assertThat(to).as("end of section " + start).isGreaterThan(from);
    return out.substring(from, to);
  }

  @Test
  void bothVendorsAnswerTheSplitAndAFlakyOneIsRetried() {
    String split = section(run(), "== 1.", "== 2.");
    assertThat(split)
        .contains("=> openai (gpt-4o-mini) answered after 1 attempt")
        .contains("=> anthropic (claude-haiku-4-5) answered after 1 attempt")
        .contains("attempt 1: openai/gpt-4o-mini failed with HTTP 503 server_error,"
            + " retried after 500 ms\n"
            + "             => openai (gpt-4o-mini) answered after 2 attempts");
  }

  @Test
  void anOutageFailsAStreamOverOpensTheCircuitAndSkipsTheTarget() {
    String outage = section(run(), "== 2.", "== 3.");
    assertThat(outage)
        .contains("customer-17  asks: Where is my order?  (streamed)\n"
            + "             attempt 1: openai/gpt-4o-mini failed with HTTP 503 server_error,"
            + " retried after 500 ms\n"
            + "             attempt 2: openai/gpt-4o-mini failed with HTTP 503 server_error,"
            + " retried after 1000 ms\n"
            + "             attempt 3: openai/gpt-4o-mini failed with HTTP 503 server_error\n"
            + "             circuit of openai/gpt-4o-mini: CLOSED -> OPEN")
        .contains("CLOSED -> OPEN (too many failures in a row: calls skip it for 30 s)\n"
            + "             failed over from openai/gpt-4o-mini to anthropic/claude-haiku-4-5\n"
            + "             stream: Your parcel left our warehouse yesterday and arrives on"
            + " Thursday.\n"
            + "             => anthropic (claude-haiku-4-5) answered after 4 attempts,"
            + " streamed above")
        .contains("openai/gpt-4o-mini: skipped, its circuit breaker is open for another 30 s\n"
            + "             failed over from openai/gpt-4o-mini to anthropic/claude-haiku-4-5\n"
            + "             => anthropic (claude-haiku-4-5) answered after 1 attempt")
        .doesNotContain("=> openai").doesNotContain("no answer");
  }

  @Test
  void afterTheCooldownAProbeClosesTheCircuit() {
    String recovery = section(run(), "== 3.", "== 4.");
    assertThat(recovery)
        .contains("circuit of openai/gpt-4o-mini: OPEN -> HALF_OPEN")
        .contains("circuit of openai/gpt-4o-mini: HALF_OPEN -> CLOSED")
        .contains("=> openai (gpt-4o-mini) answered after 1 attempt")
        .doesNotContain("=> anthropic");
  }

  @Test
  void theLiveReplaceMovesEveryGptCustomerToClaudeAndNoOneElse() {
    String migration = section(run(), "== 4.", "== 5.");
    assertThat(migration)
        .contains("[openai/gpt-4o-mini@0, anthropic/claude-haiku-4-5@100]")
        .doesNotContain("=> openai")
        .doesNotContain("failed");
    assertThat(migration.split("moved from openai to anthropic", -1)).hasSize(4);
    assertThat(migration.split("stayed on anthropic", -1)).hasSize(4);
  }

  @Test
  void aStreamCutMidAnswerIsContinuedByClaudeIntoOneWholeAnswer() {
    String rescue = section(run(), "== 5.", "== Summary");
    assertThat(rescue)
        .contains("stream: Your parcel left our warehouse yesterday \n")
        .contains("attempt 1: openai/gpt-4o-mini failed with ProviderUnavailableException")
        .contains("rescued: anthropic/claude-haiku-4-5 continues the answer from the text so far")
        .contains("stream: and arrives on Thursday.\n")
        .contains("=> anthropic (claude-haiku-4-5) finished the answer after 2 attempts")
        .contains("\"Your parcel left our warehouse yesterday and arrives on Thursday.\"")
        .contains("(the same as a whole answer: true)");
  }

  @Test
  void theSummaryCountsWhatHappened() {
    String out = run();
    assertThat(out.substring(out.indexOf("== Summary")))
        .contains("openai/gpt-4o-mini          answered  6 calls; 5 failed attempts,"
            + " skipped 2 times; circuit now CLOSED")
        .contains("anthropic/claude-haiku-4-5  answered 15 calls; 0 failed attempts,"
            + " skipped 0 times; circuit now CLOSED")
        .contains("The OpenAI stub got 11 requests and failed 4 of them; the Anthropic stub"
            + " got 16 and failed 0.")
        .contains("Every customer got an answer: yes");
  }
}
