package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Exactness across JVMs: three processes of {@link Replica}, 8 threads each, share one Redis
 * (of the test's own) with time held still; the fleet admits exactly the limit, and the vendors
 * see exactly that many requests. The same for a token budget, reconciled after each call. And
 * an answer one JVM stored is a hit in another.
 */
class AcrossJvmsTest extends OnOwnRedis {
  private static final Pattern RESULT =
      Pattern.compile("admitted=(\\d+) vendor=(\\d+) perCall=(\\d+) unavailable=(\\d+)");

  private List<String> runAll(String... args) throws Exception {
    String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    List<Process> processes = new ArrayList<>();
    List<File> files = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      processes.add(start(javaBin, files, args));
    }
    List<String> outputs = new ArrayList<>();
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      assertThat(p.waitFor(90, TimeUnit.SECONDS)).as("replica finished").isTrue();
      assertThat(p.exitValue()).isZero();
      outputs.add(Files.readString(files.get(i).toPath()));
    }
    return outputs;
  }

  /** A replica whose output goes to a file (its logging would fill a pipe). */
  private static Process start(String javaBin, List<File> files, String... args) throws Exception {
    File out = File.createTempFile("replica", ".out");
    out.deleteOnExit();
    files.add(out);
    List<String> command = new ArrayList<>(List.of(javaBin, "-Dlogback.configurationFile=none",
        "-cp", System.getProperty("java.class.path"), Replica.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(out).start();
  }

  private static int[] totals(List<String> outputs) {
    int admitted = 0;
    int vendor = 0;
    int perCall = 0;
    for (String out : outputs) {
      Matcher m = RESULT.matcher(out);
      assertThat(m.find()).as(out).isTrue();
      admitted += Integer.parseInt(m.group(1));
      vendor += Integer.parseInt(m.group(2));
      perCall = Integer.parseInt(m.group(3));
      assertThat(Integer.parseInt(m.group(4)))
          .as("calls refused because a Redis command timed out (20 s): %s", out).isZero();
    }
    return new int[] {admitted, vendor, perCall};
  }

  @Test
  void threeJvmsAdmitExactlyTheRequestLimit() throws Exception {
    int[] t = totals(runAll("limits", redis.url(), "jvm-" + UUID.randomUUID(), "60",
        "requests"));
    assertThat(t[0]).as("admitted across 3 JVMs x 8 threads, 180 calls").isEqualTo(100);
    assertThat(t[1]).as("requests the vendors saw").isEqualTo(100);
  }

  @Test
  void threeJvmsAdmitExactlyTheTokenBudgetWithReconciliation() throws Exception {
    // 1000 tokens a minute; each call is charged its estimate and reconciled to the usage the
    // vendor reports (the same here, so that the count is determined): 1000 / perCall calls.
    int[] t = totals(runAll("limits", redis.url(), "jvm-" + UUID.randomUUID(), "60",
        "tokens"));
    assertThat(t[2]).isPositive();
    assertThat(t[0]).as("admitted, at %s tokens a call", t[2]).isEqualTo(1000 / t[2]);
    assertThat(t[1]).isEqualTo(1000 / t[2]);
  }

  @Test
  void anAnswerOneJvmStoredIsAHitInAnother() throws Exception {
    String namespace = "jvm-" + UUID.randomUUID();
    String javaBin = System.getProperty("java.home") + File.separator + "bin" + File.separator
        + "java";
    List<String> outputs = new ArrayList<>();
    List<File> files = new ArrayList<>();
    for (int i = 0; i < 2; i++) { // one after the other: the second finds the first's answer
      Process p = start(javaBin, files, "cache", redis.url(), namespace, "Where is my order?");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      Matcher m = Pattern.compile("fromCache=(true|false)")
          .matcher(Files.readString(files.get(i).toPath()));
      assertThat(m.find()).isTrue();
      outputs.add(m.group());
    }
    assertThat(outputs).containsExactly("fromCache=false", "fromCache=true");
  }
}
