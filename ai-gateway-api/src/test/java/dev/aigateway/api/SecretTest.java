package dev.aigateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
  private static final String KEY = "sk-live-0123456789abcdef";

  @Test
  void toStringNamesTheSourceButNeverTheValue() {
    assertThat(Secret.of(KEY).toString()).isEqualTo("Secret[literal]").doesNotContain(KEY);
    assertThat(Secret.env("OPENAI_API_KEY").toString()).isEqualTo("Secret[env OPENAI_API_KEY]");
    assertThat(Secret.from(() -> KEY).toString()).doesNotContain(KEY);
  }

  @Test
  void envIsReadOnEveryUseAndAMissingVariableIsNamed() {
    assertThat(Secret.env("AI_GATEWAY_TEST_KEY").reveal()).isEqualTo("sk-test-env-api-module");
    assertThatThrownBy(() -> Secret.env("AI_GATEWAY_SURELY_UNSET_VAR").reveal())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("AI_GATEWAY_SURELY_UNSET_VAR");
  }

  @Test
  void supplierIsAskedOnEveryUse() {
    AtomicInteger n = new AtomicInteger();
    Secret s = Secret.from(() -> "key-" + n.incrementAndGet());
    assertThat(s.reveal()).isEqualTo("key-1");
    assertThat(s.reveal()).isEqualTo("key-2");
    assertThatThrownBy(() -> Secret.from(() -> "").reveal())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void fileIsReReadWhenItChanges(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("key");
    Files.writeString(file, "first-key\n");
    Secret s = Secret.file(file);
    assertThat(s.reveal()).isEqualTo("first-key");
    Files.writeString(file, "second-key-longer\n");
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
    assertThat(s.reveal()).isEqualTo("second-key-longer");
  }

  @Test
  void aMissingOrEmptyFileIsNamedWithoutContent(@TempDir Path dir) throws Exception {
    Path missing = dir.resolve("nope");
    assertThatThrownBy(() -> Secret.file(missing).reveal())
        .isInstanceOf(IllegalStateException.class).hasMessageContaining(missing.toString());
    Path empty = Files.writeString(dir.resolve("empty"), "  \n");
    assertThatThrownBy(() -> Secret.file(empty).reveal()).hasMessageContaining("is empty");
  }

  @Test
  void aBlankLiteralIsRejected() {
    assertThatThrownBy(() -> Secret.of(" ")).isInstanceOf(IllegalArgumentException.class);
  }
}
