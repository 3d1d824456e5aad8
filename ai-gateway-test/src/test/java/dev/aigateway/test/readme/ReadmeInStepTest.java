package dev.aigateway.test.readme;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The README's example test is {@link SupportServiceTest}, line for line: the section is looked
 * up in README.md.
 */
class ReadmeInStepTest {
  private static final String SECTION = "## Testing your own code: ai-gateway-test";

  private static String classText(String text) {
    int start = text.indexOf("class SupportServiceTest {");
    int end = text.indexOf("\n}\n", start);
    assertThat(start).as("the class in the text").isNotNegative();
    assertThat(end).as("the end of the class").isPositive();
    return text.substring(start, end + 2);
  }

  @Test
  void theReadmeShowsTheTestThatRuns() throws IOException {
    Path root = Path.of("").toAbsolutePath().getParent(); // the module's parent: the repository
    Optional<String> readme = Optional.empty();
    for (String name : List.of("README.md")) {
      Path file = root.resolve(name);
      if (Files.exists(file)) {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (text.contains(SECTION)) {
          readme = Optional.of(text.substring(text.indexOf(SECTION)));
          break;
        }
      }
    }
    assertThat(readme).as("a README with the section " + SECTION).isPresent();
    String test = Files.readString(
        Path.of("src/test/java/dev/aigateway/test/readme/SupportServiceTest.java"),
        StandardCharsets.UTF_8);
    String shown = classText(readme.get());
    assertThat(shown).isEqualTo(classText(test));
    assertThat(shown.lines().count()).as("lines of the class").isLessThan(20);
  }
}
