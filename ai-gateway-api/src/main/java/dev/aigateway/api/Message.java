package dev.aigateway.api;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One turn of a conversation. Immutable and validated when created.
 *
 * <p>A message holds content {@link #parts()} (text and, for users, images), and for the
 * assistant possibly {@link #toolCalls()}; a {@link Role#TOOL} message answers the tool call named
 * by {@link #toolCallId()}.
 *
 * <p>{@link #toString()} shows the role and sizes, never the content, so that prompts do not end
 * up in logs by accident.
 */
public final class Message {
  private final Role role;
  private final List<ContentPart> parts;
  private final List<ToolCall> toolCalls;
  private final @Nullable String toolCallId;
  private final String text;
  private final String reasoning;

  private Message(
      Role role, List<ContentPart> parts, List<ToolCall> toolCalls, @Nullable String toolCallId) {
    this.role = role;
    this.parts = parts;
    this.toolCalls = toolCalls;
    this.toolCallId = toolCallId;
    this.text = joinText(parts);
    this.reasoning = joinReasoning(parts);
  }

  /** A system (instruction) message. */
  public static Message system(String text) {
    return new Message(Role.SYSTEM, List.of(ContentPart.text(requireText(text))), List.of(), null);
  }

  /** A user message of plain text. */
  public static Message user(String text) {
    return new Message(Role.USER, List.of(ContentPart.text(requireText(text))), List.of(), null);
  }

  /**
   * A user message of one or more parts, such as text and images, in order.
   *
   * @throws IllegalArgumentException when there are none, or one is reasoning
   */
  public static Message user(ContentPart... parts) {
    Checks.requireNonNull(parts, "parts");
    List<ContentPart> copy = Checks.copyOf(List.of(parts.clone()), "parts");
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("parts must not be empty");
    }
    for (ContentPart part : copy) {
      if (part instanceof ContentPart.Reasoning) {
        throw new IllegalArgumentException("a user message holds no reasoning; reasoning is the"
            + " assistant's (Message.assistantParts)");
      }
    }
    return new Message(Role.USER, copy, List.of(), null);
  }

  /** A previous answer of the assistant, as text. */
  public static Message assistant(String text) {
    return new Message(
        Role.ASSISTANT, List.of(ContentPart.text(requireText(text))), List.of(), null);
  }

  /** A previous answer of the assistant that asked for tool calls. */
  public static Message assistant(List<ToolCall> toolCalls) {
    return assistant(null, toolCalls);
  }

  /**
   * A previous answer of the assistant with text and tool calls, as some vendors return them
   * together. {@code text} may be null or empty.
   */
  public static Message assistant(@Nullable String text, List<ToolCall> toolCalls) {
    List<ToolCall> calls = Checks.copyOf(toolCalls, "toolCalls");
    List<ContentPart> parts =
        text == null || text.isEmpty() ? List.of() : List.of(ContentPart.text(text));
    if (calls.isEmpty() && parts.isEmpty()) {
      throw new IllegalArgumentException("an assistant message needs text or toolCalls");
    }
    return new Message(Role.ASSISTANT, parts, calls, null);
  }

  /**
   * A previous answer of the assistant as the vendor gave it: content parts in order (text, and
   * {@link ContentPart.Reasoning reasoning} with the signatures the vendor requires back), and
   * tool calls. {@link ChatResponse#message()} is built this way, so appending it to the
   * conversation sends the vendor's state back on the next turn.
   *
   * @throws IllegalArgumentException when there are neither parts nor tool calls, or a part is an
   *     image
   */
  public static Message assistantParts(List<ContentPart> parts, List<ToolCall> toolCalls) {
    List<ContentPart> copy = Checks.copyOf(parts, "parts");
    List<ToolCall> calls = Checks.copyOf(toolCalls, "toolCalls");
    if (calls.isEmpty() && copy.isEmpty()) {
      throw new IllegalArgumentException("an assistant message needs parts or toolCalls");
    }
    for (ContentPart part : copy) {
      if (!(part instanceof ContentPart.Text) && !(part instanceof ContentPart.Reasoning)) {
        throw new IllegalArgumentException(
            "an assistant message holds text and reasoning parts, not " + part);
      }
    }
    return new Message(Role.ASSISTANT, copy, calls, null);
  }

  /** The result of the tool call {@code toolCallId}, as text (often JSON). */
  public static Message tool(String toolCallId, String content) {
    Checks.requireNonBlank(toolCallId, "toolCallId");
    return new Message(
        Role.TOOL, List.of(ContentPart.text(requireText(content))), List.of(), toolCallId);
  }

  private static String requireText(String text) {
    return Checks.requireNonNull(text, "text");
  }

  private static String joinText(List<ContentPart> parts) {
    if (parts.size() == 1 && parts.get(0) instanceof ContentPart.Text t) {
      return t.text();
    }
    StringBuilder sb = new StringBuilder();
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Text t) {
        sb.append(t.text());
      }
    }
    return sb.toString();
  }

  private static String joinReasoning(List<ContentPart> parts) {
    String only = null;
    StringBuilder sb = null;
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Reasoning r && !r.text().isEmpty()) {
        if (only == null) {
          only = r.text();
        } else {
          if (sb == null) {
            sb = new StringBuilder(only);
          }
          sb.append(r.text());
        }
      }
    }
    return sb != null ? sb.toString() : only != null ? only : "";
  }

  /** Who wrote this message. */
  public Role role() {
    return role;
  }

  /** The content parts, in order; unmodifiable, possibly empty for a tool-calls-only answer. */
  public List<ContentPart> parts() {
    return parts;
  }

  /** The text parts joined together; empty when there are none. Leaves reasoning out. */
  public String text() {
    return text;
  }

  /**
   * The text of the {@link ContentPart.Reasoning reasoning} parts joined together; empty when
   * there are none.
   */
  public String reasoning() {
    return reasoning;
  }

  /** Whether any part is an image. */
  public boolean hasImages() {
    for (ContentPart part : parts) {
      if (part instanceof ContentPart.Image || part instanceof ContentPart.ImageUrl) {
        return true;
      }
    }
    return false;
  }

  /** The tool calls of an assistant message; unmodifiable, empty otherwise. */
  public List<ToolCall> toolCalls() {
    return toolCalls;
  }

  /** The call a {@link Role#TOOL} message answers, else null. */
  public @Nullable String toolCallId() {
    return toolCallId;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Message other
        && role == other.role
        && parts.equals(other.parts)
        && toolCalls.equals(other.toolCalls)
        && Objects.equals(toolCallId, other.toolCallId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(role, parts, toolCalls, toolCallId);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Message[").append(role);
    sb.append(", ").append(text.length()).append(" chars");
    if (!reasoning.isEmpty()) {
      sb.append(", ").append(reasoning.length()).append(" chars of reasoning");
    }
    if (parts.size() > 1 || hasImages()) {
      sb.append(", ").append(parts.size()).append(" parts");
    }
    if (!toolCalls.isEmpty()) {
      sb.append(", ").append(toolCalls.size()).append(" tool calls");
    }
    if (toolCallId != null) {
      sb.append(", toolCallId=").append(toolCallId);
    }
    return sb.append(']').toString();
  }
}
