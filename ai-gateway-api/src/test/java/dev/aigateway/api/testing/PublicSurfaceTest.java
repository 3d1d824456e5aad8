package dev.aigateway.api.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PublicSurface} finds what it must on classes compiled for the test, leaves alone what it
 * must, and passes on this module's own classes.
 */
class PublicSurfaceTest {
  @TempDir
  static Path dir;
  private static Path classes;

  private static final Map<String, String> SOURCES = Map.of(
      "fix/internal/Hidden.java", """
          package fix.internal;
          public class Hidden {
            public java.util.logging.Logger notScanned() { return null; }
          }""",
      "fix/api/Leaky.java", """
          package fix.api;
          import fix.internal.Hidden;
          import java.util.List;
          import java.util.logging.Logger;
          public class Leaky extends java.util.ArrayList<Hidden> {
            public Hidden field;
            public Leaky() {}
            protected Leaky(Hidden h) {}
            Leaky(Logger packagePrivateIsFine) {}
            public List<? extends Hidden> list() { return null; }
            protected void take(Logger logger) {}
            public void allowedOne(Logger logger) {}
            private Hidden privateIsFine() { return null; }
            public <T extends Hidden> void bounded(T t) {}
            public static class Nested { public Hidden[] get() { return null; } }
            private static class PrivateNested { public Hidden x() { return null; } }
          }""",
      "fix/api/Base.java", """
          package fix.api;
          abstract class Base { public fix.internal.Hidden inherited() { return null; } }""",
      "fix/api/Child.java", """
          package fix.api;
          public final class Child extends Base {}""",
      "fix/api/Clean.java", """
          package fix.api;
          public final class Clean {
            public String name() { return ""; }
            public java.util.Map<String, java.util.List<Integer>> map() { return null; }
          }""",
      "fix/a/A.java", """
          package fix.a;
          public class A { fix.b.B b; }""",
      "fix/b/B.java", """
          package fix.b;
          public class B { fix.a.A a; }""",
      "fix/c/C.java", """
          package fix.c;
          public class C { fix.a.A a; }""");

  @BeforeAll
  static void compile() throws IOException {
    Path src = dir.resolve("src");
    classes = dir.resolve("classes");
    Files.createDirectories(classes);
    List<String> args = new ArrayList<>(List.of("-d", classes.toString()));
    for (Map.Entry<String, String> e : SOURCES.entrySet()) {
      Path file = src.resolve(e.getKey());
      Files.createDirectories(file.getParent());
      Files.writeString(file, e.getValue());
      args.add(file.toString());
    }
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    assertThat(javac.run(null, null, null, args.toArray(String[]::new))).isZero();
  }

  @Test
  void findsEveryPublicSignatureThatShowsAForbiddenType() {
    List<String> found = PublicSurface.violations(classes, Set.of("java.util.logging"),
        m -> m.getName().equals("allowedOne"));
    assertThat(found).anySatisfy(v -> assertThat(v).startsWith("fix.api.Leaky: supertype")
            .endsWith("shows fix.internal.Hidden"))
        .anySatisfy(v -> assertThat(v).startsWith("fix.api.Leaky: field"))
        .anySatisfy(v -> assertThat(v).startsWith("fix.api.Leaky: constructor protected"))
        .anySatisfy(v -> assertThat(v).contains("list()").endsWith("shows fix.internal.Hidden"))
        .anySatisfy(v -> assertThat(v).contains("take(java.util.logging.Logger)")
            .endsWith("shows java.util.logging.Logger"))
        .anySatisfy(v -> assertThat(v).contains("bounded(T)"))
        .anySatisfy(v -> assertThat(v).startsWith("fix.api.Leaky$Nested:").contains("get()"))
        .anySatisfy(v -> assertThat(v).startsWith("fix.api.Child:").contains("inherited()"));
    assertThat(found).hasSize(8)
        .noneMatch(v -> v.contains("allowedOne") || v.contains("privateIsFine")
            || v.contains("PrivateNested") || v.contains("packagePrivateIsFine")
            || v.startsWith("fix.api.Clean") || v.startsWith("fix.internal"));
  }

  @Test
  void aPrefixIsAWholePackageName() {
    assertThat(PublicSurface.violations(classes, Set.of("java.util.log"), m -> false))
        .noneMatch(v -> v.contains("java.util.logging"));
    assertThat(PublicSurface.violations(classes, Set.of("java.util."), m -> false))
        .anyMatch(v -> v.startsWith("fix.api.Clean: ") && v.endsWith("shows java.util.Map"));
  }

  @Test
  void anEmptyDirectoryIsAnErrorNotACleanSurface() throws IOException {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    assertThatThrownBy(() -> PublicSurface.violations(empty, Set.of(), m -> false))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("no class files");
  }

  @Test
  void theApiShowsNothingInternalNorThirdParty() throws URISyntaxException {
    Path api = Path.of(ChatRequest.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    assertThat(PublicSurface.violations(api, Set.of("okhttp3", "okio", "com.fasterxml", "kotlin"),
        m -> false)).isEmpty();
    Map<String, Set<String>> graph = PublicSurface.packageGraph(api, "dev.aigateway");
    assertThat(graph).as("jdeps was read").containsEntry("dev.aigateway.api.spi",
        Set.of("dev.aigateway.api"));
    assertThat(PublicSurface.cycles(graph)).isEmpty();
  }

  @Test
  void jdepsFindsTheCycleBetweenTwoPackagesAndNotTheThirdThatDependsOnThem() {
    Map<String, Set<String>> graph = PublicSurface.packageGraph(classes, "fix");
    assertThat(graph).containsEntry("fix.c", Set.of("fix.a"))
        .containsEntry("fix.a", Set.of("fix.b")).containsEntry("fix.b", Set.of("fix.a"));
    assertThat(PublicSurface.packageCycles(classes, "fix")).containsExactly(
        List.of("fix.a", "fix.b"));
  }

  @Test
  void cyclesAreTheStronglyConnectedComponentsOfTwoOrMore() {
    Map<String, List<String>> graph = Map.of(
        "a", List.of("b"), "b", List.of("c"), "c", List.of("a", "d"),
        "d", List.of("d"), "e", List.of("a", "f"), "f", List.of("e"),
        "g", List.of("h"));
    assertThat(PublicSurface.cycles(graph)).containsExactly(
        List.of("a", "b", "c"), List.of("e", "f"));
    assertThat(PublicSurface.cycles(Map.of("x", List.of("y")))).isEmpty();
  }

  @Test
  void jdepsLinesOutsideThePrefixAndSummariesAreIgnored() {
    String out = """
        classes -> java.base
        classes -> not found
           p.one                                -> java.util             java.base
           p.one                                -> p.two                 classes
           p.two                                -> okhttp3               not found
           q.other                              -> p.one                 classes
        """;
    assertThat(PublicSurface.parseJdeps(out, "p")).isEqualTo(
        Map.of("p.one", Set.of("p.two"), "p.two", Set.of()));
  }
}
