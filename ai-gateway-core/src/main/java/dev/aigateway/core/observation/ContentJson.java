package dev.aigateway.core.observation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.Role;
import dev.aigateway.api.ToolCall;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Content as the GenAI conventions' JSON, for the opt-in content capture:
 * {@code gen_ai.input.messages} ({@code [{"role":"user","parts":[{"type":"text","content":..}]}]},
 * tool calls as {@code tool_call} parts, tool results as {@code tool_call_response}),
 * {@code gen_ai.system_instructions} (the system messages' text parts) and
 * {@code gen_ai.output.messages} (one assistant message with its {@code finish_reason}).
 * Written with jackson-core's generator; only the request's and answer's own content is
 * written, never a header or a key.
 */
final class ContentJson {
  private ContentJson() {}

  /** Made on first use, so that {@link #check()} can run without jackson-core. */
  private static final class Holder {
    static final JsonFactory JSON = new JsonFactory();
  }

  /** Fails at build time, with what to do, when jackson-core is missing. */
  static void check() {
    try {
      Class.forName("com.fasterxml.jackson.core.JsonFactory", false,
          ContentJson.class.getClassLoader());
    } catch (ClassNotFoundException | LinkageError e) {
      throw new IllegalStateException("content capture writes JSON with jackson-core, which is "
          + "not on the class path; add com.fasterxml.jackson.core:jackson-core", e);
    }
  }

  /** The system instructions, or null when the conversation has none. */
  static @Nullable String system(List<Message> messages) {
    boolean any = false;
    for (Message m : messages) {
      any |= m.role() == Role.SYSTEM;
    }
    if (!any) {
      return null;
    }
    return write(g -> {
      g.writeStartArray();
      for (Message m : messages) {
        if (m.role() == Role.SYSTEM) {
          for (ContentPart p : m.parts()) {
            if (p instanceof ContentPart.Text t) {
              textPart(g, t.text());
            }
          }
        }
      }
      g.writeEndArray();
    });
  }

  /** Every message but the system ones, in order. */
  static String input(List<Message> messages) {
    return write(g -> {
      g.writeStartArray();
      for (Message m : messages) {
        if (m.role() == Role.SYSTEM) {
          continue;
        }
        g.writeStartObject();
        g.writeStringField("role", DefaultGatewayObservationConvention.lower(m.role()));
        g.writeArrayFieldStart("parts");
        if (m.role() == Role.TOOL) {
          g.writeStartObject();
          g.writeStringField("type", "tool_call_response");
          if (m.toolCallId() != null) {
            g.writeStringField("id", m.toolCallId());
          }
          g.writeStringField("result", m.text());
          g.writeEndObject();
        } else {
          for (ContentPart p : m.parts()) {
            part(g, p);
          }
          for (ToolCall c : m.toolCalls()) {
            toolCall(g, c);
          }
        }
        g.writeEndArray();
        g.writeEndObject();
      }
      g.writeEndArray();
    });
  }

  /** The answer of a chat call. */
  static String output(ChatResponse response) {
    return output(response.text(), response.toolCalls(), response.finishReason());
  }

  /** An answer's text, tool calls and finish reason. */
  static String output(CharSequence text, List<ToolCall> toolCalls,
      @Nullable FinishReason finish) {
    return write(g -> {
      g.writeStartArray();
      g.writeStartObject();
      g.writeStringField("role", "assistant");
      g.writeArrayFieldStart("parts");
      if (text.length() > 0) {
        textPart(g, text.toString());
      }
      for (ToolCall c : toolCalls) {
        toolCall(g, c);
      }
      g.writeEndArray();
      if (finish != null) {
        g.writeStringField("finish_reason", DefaultGatewayObservationConvention.lower(finish));
      }
      g.writeEndObject();
      g.writeEndArray();
    });
  }

  private static void part(JsonGenerator g, ContentPart p) throws IOException {
    if (p instanceof ContentPart.Text t) {
      textPart(g, t.text());
    } else if (p instanceof ContentPart.ImageUrl u) {
      g.writeStartObject();
      g.writeStringField("type", "uri");
      g.writeStringField("modality", "image");
      g.writeStringField("uri", u.url());
      g.writeEndObject();
    } else if (p instanceof ContentPart.Image i) {
      g.writeStartObject();
      g.writeStringField("type", "blob");
      g.writeStringField("modality", "image");
      g.writeStringField("mime_type", i.mediaType());
      g.writeStringField("content", i.base64());
      g.writeEndObject();
    } else if (p instanceof ContentPart.Reasoning r && !r.text().isEmpty()) {
      // The conventions' reasoning part; a signature is vendor state, not content.
      g.writeStartObject();
      g.writeStringField("type", "reasoning");
      g.writeStringField("content", r.text());
      g.writeEndObject();
    }
  }

  private static void textPart(JsonGenerator g, String text) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "text");
    g.writeStringField("content", text);
    g.writeEndObject();
  }

  private static void toolCall(JsonGenerator g, ToolCall c) throws IOException {
    g.writeStartObject();
    g.writeStringField("type", "tool_call");
    g.writeStringField("id", c.id());
    g.writeStringField("name", c.name());
    g.writeStringField("arguments", c.arguments());
    g.writeEndObject();
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String write(Body body) {
    StringWriter out = new StringWriter();
    try (JsonGenerator g = Holder.JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a StringWriter does not fail
    }
    return out.toString();
  }
}
