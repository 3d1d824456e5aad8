package dev.aigateway.moduletest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The api, core and providers jars as JPMS modules: {@link ModulePathCheck} is launched in a JVM
 * of its own with nothing on the class path, only the module path the build resolved (this
 * module's classes and its runtime dependencies). On the class path, as the other modules' tests
 * run, a module descriptor is ignored; this is the one place it is in force.
 */
class ModulePathTest {
  private static List<String> output;
  private static int status;

  @BeforeAll
  static void launch() throws Exception {
    Path classes = Path.of(System.getProperty("aigateway.module-path.classes"));
    String dependencies = Files.readString(
        Path.of(System.getProperty("aigateway.module-path.file")), StandardCharsets.UTF_8).trim();
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java,
        "--module-path", classes + File.pathSeparator + dependencies,
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
        "--module", "dev.aigateway.moduletest/dev.aigateway.moduletest.ModulePathCheck"));
    Path log = Files.createTempFile("module-path-check", ".log");
    try {
      Process process = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(log.toFile()).start();
      process.getOutputStream().close();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError("the module-path check did not end within 120 s:\n"
            + Files.readString(log, StandardCharsets.UTF_8));
      }
      status = process.exitValue();
      output = Files.readString(log, StandardCharsets.UTF_8).lines().toList();
    } finally {
      Files.deleteIfExists(log);
    }
  }

  @Test
  void theCheckRanToItsEndOnTheModulePath() {
    assertThat(status).as(String.join("\n", output)).isZero();
    assertThat(output).noneMatch(line -> line.startsWith("FAILED"));
  }

  @Test
  void theGatewaysJarsAreExplicitModulesExportingOnlyTheirApi() {
    assertThat(output).contains(
        "ok module dev.aigateway.api exports [dev.aigateway.api, dev.aigateway.api.spi]",
        "ok module dev.aigateway.core exports [dev.aigateway.core, dev.aigateway.core.cache, "
            + "dev.aigateway.core.observation, dev.aigateway.core.ratelimit, "
            + "dev.aigateway.core.resilience, dev.aigateway.core.routing, "
            + "dev.aigateway.core.structured]",
        "ok module dev.aigateway.providers exports [dev.aigateway.providers.anthropic, "
            + "dev.aigateway.providers.auth, "
            + "dev.aigateway.providers.azure, dev.aigateway.providers.gemini, "
            + "dev.aigateway.providers.openai]",
        // The one qualified export: the parts ai-gateway-bedrock composes its adapter from.
        "ok module dev.aigateway.providers exports dev.aigateway.providers.internal to "
            + "[dev.aigateway.bedrock]",
        "ok module dev.aigateway.moduletest reads the internals: false");
  }

  @Test
  void everyAdapterChatsAndStreamsThroughTheModules() {
    assertThat(output).contains(
        "ok openai chat: openai says hello (STOP, 12 tokens)",
        "ok anthropic chat: anthropic says hello (STOP, 12 tokens)",
        "ok gemini chat: gemini says hello (STOP, 12 tokens)");
    for (String vendor : List.of("openai", "anthropic", "gemini")) {
      assertThat(output).contains("ok " + vendor + " stream: [streamed , word by , word]"
          + " -> streamed word by word (STOP)");
    }
  }

  @Test
  void theCacheTheLimitsStructuredOutputAndTheMetricsWork() {
    assertThat(output).contains(
        // two chats and a stream were sent to OpenAI; the repeated chat was a hit
        "ok cache: the repeated chat was answered without the vendor, which saw 2 requests",
        "ok structured: City[city=Paris, population=2102650]",
        "ok rate limit: RateLimitExceededException",
        // six chats and streams, the cache hit, the structured chat, both of client tight's
        "ok metrics: 10 calls timed");
    assertThat(output).anySatisfy(line ->
        assertThat(line).matches("ok tokens: [1-9][0-9]* by jtokkit"));
  }
}
