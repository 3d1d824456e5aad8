package dev.aigateway.api;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whether and which tool the model must call. Immutable; compare with {@link #equals}.
 */
public final class ToolChoice {
  /** The kinds of choice. */
  public enum Type {
    /** The model decides whether to call a tool. */
    AUTO,
    /** The model must not call a tool. */
    NONE,
    /** The model must call at least one tool. */
    REQUIRED,
    /** The model must call the tool named by {@link #toolName()}. */
    TOOL
  }

  private static final ToolChoice AUTO = new ToolChoice(Type.AUTO, null);
  private static final ToolChoice NONE = new ToolChoice(Type.NONE, null);
  private static final ToolChoice REQUIRED = new ToolChoice(Type.REQUIRED, null);

  private final Type type;
  private final @Nullable String toolName;

  private ToolChoice(Type type, @Nullable String toolName) {
    this.type = type;
    this.toolName = toolName;
  }

  /** The model decides. */
  public static ToolChoice auto() {
    return AUTO;
  }

  /** No tool may be called. */
  public static ToolChoice none() {
    return NONE;
  }

  /** Some tool must be called. */
  public static ToolChoice required() {
    return REQUIRED;
  }

  /** The named tool must be called. */
  public static ToolChoice tool(String name) {
    return new ToolChoice(Type.TOOL, Checks.requireNonBlank(name, "name"));
  }

  /** The kind of choice. */
  public Type type() {
    return type;
  }

  /** The tool's name for {@link Type#TOOL}, else null. */
  public @Nullable String toolName() {
    return toolName;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof ToolChoice other
        && type == other.type
        && Objects.equals(toolName, other.toolName);
  }

  @Override
  public int hashCode() {
    return Objects.hash(type, toolName);
  }

  @Override
  public String toString() {
    return type == Type.TOOL ? "ToolChoice[tool=" + toolName + "]" : "ToolChoice[" + type + "]";
  }
}
