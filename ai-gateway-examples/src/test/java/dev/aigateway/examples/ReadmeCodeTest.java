package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The README's Java and the Javadoc's code examples compile against the real library, so that
 * neither can rot: every {@code ```java} block of the README, and every
 * {@code <pre>{@code ...}</pre>} Java example (one with a semicolon: the JSON and properties
 * examples are not Java) in the published modules' sources, is compiled as the
 * body of a method, with the names the examples take as given ({@code openai}, {@code gateway},
 * {@code meterRegistry}...) declared around it (a block's own declarations shadow them). A block
 * preceded by {@code <!-- not compiled: why -->} in the README is skipped. And every package of
 * the published modules has a {@code package-info.java} with an overview.
 */
class ReadmeCodeTest {
  private static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  private static final List<String> PUBLISHED = List.of("ai-gateway-api", "ai-gateway-core",
      "ai-gateway-providers", "ai-gateway-redis", "ai-gateway-spring-boot-autoconfigure",
      "ai-gateway-test", "ai-gateway-google-auth", "ai-gateway-bedrock");
  private static final List<String> ALL_SOURCES = List.of("ai-gateway-api", "ai-gateway-core",
      "ai-gateway-providers", "ai-gateway-redis", "ai-gateway-spring-boot-autoconfigure",
      "ai-gateway-test", "ai-gateway-examples", "ai-gateway-benchmarks",
      "ai-gateway-spring-boot-example", "ai-gateway-module-test", "ai-gateway-google-auth",
      "ai-gateway-bedrock");

  /** What the examples take as given. Fields, so that a block's own locals shadow them. */
  private static final String CONTEXT = String.join("\n",
      "  ChatProvider openai, anthropic, gemini, azure;",
      "  AiGateway gateway;",
      "  ChatClient client;",
      "  ChatRequest request;",
      "  String question, text, invoiceText;",
      "  io.micrometer.observation.ObservationRegistry observationRegistry;",
      "  io.micrometer.core.instrument.MeterRegistry meterRegistry;",
      "  GatewayEventListener sharedMetrics;",
      "  static final AttributeKey<String> TENANT = AttributeKey.of(\"tenant\", String.class);",
      "  String lookupTenant(String clientId) { return clientId; }",
      "  String tierOf(String clientId) { return \"free\"; }",
      "  interface Ui { void clear(); void append(String text); }",
      "  Ui ui;",
      "  static class MyCallLog implements GatewayEventListener {",
      "    MyCallLog(long callId) {}",
      "  }");

  private static final String IMPORTS = String.join("\n",
      "import dev.aigateway.api.*;",
      "import dev.aigateway.api.spi.*;",
      "import dev.aigateway.core.*;",
      "import dev.aigateway.core.cache.*;",
      "import dev.aigateway.core.observation.*;",
      "import dev.aigateway.core.ratelimit.*;",
      "import dev.aigateway.core.resilience.*;",
      "import dev.aigateway.core.routing.*;",
      "import dev.aigateway.bedrock.*;",
      "import dev.aigateway.googleauth.*;",
      "import dev.aigateway.providers.anthropic.*;",
      "import dev.aigateway.providers.auth.*;",
      "import dev.aigateway.providers.azure.*;",
      "import dev.aigateway.providers.gemini.*;",
      "import dev.aigateway.providers.openai.*;",
      "import dev.aigateway.redis.*;",
      "import software.amazon.awssdk.auth.credentials.*;",
      "import io.micrometer.common.KeyValues;",
      "import java.util.*;",
      "import java.util.concurrent.*;",
      "import java.util.concurrent.Flow;",
      "import java.util.function.*;",
      "import java.math.BigDecimal;",
      "import java.time.*;",
      "import dev.aigateway.core.structured.*;",
      "import dev.aigateway.test.*;",
      "import org.jspecify.annotations.Nullable;",
      "import org.junit.jupiter.api.*;",
      "import org.junit.jupiter.api.extension.*;",
      "import static org.assertj.core.api.Assertions.assertThat;");

  @Test
  void everyJavaBlockOfTheReadmeCompiles() throws IOException {
    List<String> readme = Files.readAllLines(ROOT.resolve("README.md"), StandardCharsets.UTF_8);
    List<Source> blocks = new ArrayList<>();
    int skipped = 0;
    for (int i = 0; i < readme.size(); i++) {
      if (!readme.get(i).equals("```java")) {
        continue;
      }
      boolean skip = i > 0 && readme.get(i - 1).startsWith("<!-- not compiled:");
      int start = i + 1;
      int end = start;
      while (!readme.get(end).startsWith("```")) {
        end++;
      }
      if (skip) {
        skipped++;
      } else {
        blocks.add(new Source("README.md line " + (start + 1),
            String.join("\n", readme.subList(start, end))));
      }
      i = end;
    }
    assertThat(blocks).as("the README's Java blocks").hasSizeGreaterThan(10);
    assertThat(skipped).as("blocks marked not compiled").isLessThanOrEqualTo(2);
    compileAll(blocks);
  }

  @Test
  void everyJavadocCodeExampleCompiles() throws IOException {
    Pattern example = Pattern.compile("<pre>\\{@code\\s*\\n(.*?)\\n\\s*\\*\\s*\\}</pre>",
        Pattern.DOTALL);
    List<Source> blocks = new ArrayList<>();
    for (String module : PUBLISHED) {
      Path src = ROOT.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src) || module.contains("spring")) {
        continue; // the Spring module's examples are properties, and Spring is not on this path
      }
      for (Path file : javaFiles(src)) {
        String text = Files.readString(file);
        Matcher m = example.matcher(text);
        while (m.find()) {
          String code = m.group(1).lines().map(l -> l.replaceFirst("^\\s*\\* ?", ""))
              .reduce((a, b) -> a + "\n" + b).orElse("");
          if (!code.contains(";")) {
            continue; // a JSON or properties example, not Java
          }
          blocks.add(new Source(ROOT.relativize(file) + " line "
              + (text.substring(0, m.start()).lines().count() + 1), code));
        }
      }
    }
    assertThat(blocks).as("Javadoc code examples").isNotEmpty();
    compileAll(blocks);
  }

  @Test
  void everyPackageHasAnOverview() throws IOException {
    List<String> missing = new ArrayList<>();
    for (String module : ALL_SOURCES) {
      Path src = ROOT.resolve(module).resolve("src/main/java");
      if (!Files.isDirectory(src)) {
        continue;
      }
      try (Stream<Path> dirs = Files.walk(src)) {
        for (Path dir : dirs.filter(Files::isDirectory).toList()) {
          boolean hasClasses;
          try (Stream<Path> files = Files.list(dir)) {
            hasClasses = files.anyMatch(f -> f.toString().endsWith(".java")
                && !f.getFileName().toString().equals("module-info.java"));
          }
          Path info = dir.resolve("package-info.java");
          if (hasClasses && (!Files.exists(info) || !Files.readString(info).contains("/**"))) {
            missing.add(ROOT.relativize(dir).toString());
          }
        }
      }
    }
    assertThat(missing).as("packages without a package-info.java overview").isEmpty();
  }

  private static List<Path> javaFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(f -> f.toString().endsWith(".java")).toList();
    }
  }

  private static final Pattern MEMBERS = Pattern.compile("(?m)^@[A-Z]\\w*");

  private record Source(String where, String code) {}

  private static void compileAll(List<Source> blocks) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac).as("a JDK's compiler").isNotNull();
    List<JavaFileObject> units = new ArrayList<>();
    for (int n = 0; n < blocks.size(); n++) {
      Source b = blocks.get(n);
      String name = "Block" + n;
      // A block of statements is a method's body; one that declares members (a field or
      // method with an annotation, as a test class's are) is a class's body.
      // (Such a block declares what it uses, so the given names are left out of it.)
      // A block's own imports go to the top (a test class shown whole has them).
      StringBuilder imports = new StringBuilder();
      StringBuilder rest = new StringBuilder();
      for (String line : b.code().split("\n", -1)) {
        (line.startsWith("import ") ? imports : rest).append(line).append('\n');
      }
      String block = rest.toString();
      String body = MEMBERS.matcher(block).find() ? block
          : CONTEXT + "\n  void run() throws Exception {\n" + block + "\n  }";
      String code = "package readme;\n" + IMPORTS + "\n" + imports + "// " + b.where() + "\n"
          + "@SuppressWarnings(\"unused\")\nclass " + name + " {\n" + body + "\n}\n";
      units.add(new SimpleJavaFileObject(URI.create("string:///readme/" + name + ".java"),
          JavaFileObject.Kind.SOURCE) {
        @Override
        public CharSequence getCharContent(boolean ignoreEncodingErrors) {
          return code;
        }
      });
    }
    Path out = Files.createTempDirectory("readme-blocks");
    String classpath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    StringWriter errors = new StringWriter();
    boolean ok = javac.getTask(errors, null, null,
        List.of("-classpath", classpath, "-d", out.toString(), "-proc:none", "-Xlint:none",
            "-nowarn"), null, units).call();
    assertThat(ok).as("these do not compile:\n%s", errors).isTrue();
  }
}
