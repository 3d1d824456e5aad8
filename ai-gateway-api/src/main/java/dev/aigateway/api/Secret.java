package dev.aigateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * A credential, such as a vendor API key, held so that it cannot leak by accident.
 *
 * <p>The value is read on every {@link #reveal()}, that is once per request, so a rotated key
 * takes effect without a restart: {@link #env} reads the environment each time, {@link #file}
 * re-reads the file whenever its size, modification time or identity changes (which covers
 * Kubernetes' symlink swaps), and {@link #from} calls the supplier each time.
 *
 * <p>{@link #toString()} says where the value comes from and never shows it. A Secret is not
 * {@link java.io.Serializable}. Instances are immutable and thread safe.
 */
public final class Secret {
  private final String source;
  private final Supplier<String> reader;

  private Secret(String source, Supplier<String> reader) {
    this.source = source;
    this.reader = reader;
  }

  /** A fixed value. Prefer {@link #env} or {@link #file} so that keys stay out of code. */
  public static Secret of(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("secret value must not be null or blank");
    }
    return new Secret("literal", () -> value);
  }

  /** The value of environment variable {@code name}, read on every use. */
  public static Secret env(String name) {
    Checks.requireNonBlank(name, "name");
    return new Secret("env " + name, () -> {
      String value = System.getenv(name);
      if (value == null || value.isBlank()) {
        throw new IllegalStateException("environment variable " + name + " is not set");
      }
      return value.strip();
    });
  }

  /**
   * The content of {@code path}, with surrounding white space (such as a trailing newline)
   * removed. The file is read again whenever it changes.
   */
  public static Secret file(Path path) {
    Checks.requireNonNull(path, "path");
    return new Secret("file " + path, new FileReader(path));
  }

  /** Whatever {@code supplier} returns, asked on every use; for vaults and token providers. */
  public static Secret from(Supplier<String> supplier) {
    Checks.requireNonNull(supplier, "supplier");
    return new Secret("supplier", () -> {
      String value = supplier.get();
      if (value == null || value.isBlank()) {
        throw new IllegalStateException("the secret supplier returned no value");
      }
      return value;
    });
  }

  /**
   * Reads the value now. Call it only to put the value on the wire.
   *
   * @throws IllegalStateException when the value is unavailable (variable unset, file unreadable
   *     or empty); the message names the source, never a value
   */
  public String reveal() {
    return reader.get();
  }

  /** Where the value comes from, such as {@code env OPENAI_API_KEY}; never the value. */
  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "Secret[" + source + "]";
  }

  /** Caches the file's content until the file changes. */
  private static final class FileReader implements Supplier<String> {
    private final Path path;
    private volatile @Nullable Snapshot snapshot;

    FileReader(Path path) {
      this.path = path;
    }

    @Override
    public String get() {
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(path, BasicFileAttributes.class);
      } catch (IOException e) {
        throw new IllegalStateException(
            "secret file " + path + " cannot be read: " + e.getClass().getSimpleName());
      }
      Snapshot current = snapshot;
      if (current != null && current.matches(attributes)) {
        return current.value;
      }
      String value;
      try {
        value = new String(Files.readAllBytes(path), StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new IllegalStateException(
            "secret file " + path + " cannot be read: " + e.getClass().getSimpleName());
      }
      if (value.isEmpty()) {
        throw new IllegalStateException("secret file " + path + " is empty");
      }
      snapshot = new Snapshot(attributes, value);
      return value;
    }
  }

  private static final class Snapshot {
    final long modified;
    final long size;
    final @Nullable Object fileKey;
    final String value;

    Snapshot(BasicFileAttributes a, String value) {
      this.modified = a.lastModifiedTime().toMillis();
      this.size = a.size();
      this.fileKey = a.fileKey();
      this.value = value;
    }

    boolean matches(BasicFileAttributes a) {
      return modified == a.lastModifiedTime().toMillis()
          && size == a.size()
          && Objects.equals(fileKey, a.fileKey());
    }
  }
}
