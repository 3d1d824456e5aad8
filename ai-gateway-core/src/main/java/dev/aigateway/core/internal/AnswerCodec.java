package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.Usage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The stored form of a {@link CachedAnswer}: a version byte, a kind byte, then the answer's
 * fields. Strings are a length (-1 for null) and UTF-8 bytes. A response stores id, provider,
 * model, the message's parts (text, and reasoning with its signature), tool calls (with their
 * signatures), finish reason, usage and refusal; a stream stores each chunk's text delta, tool
 * call deltas, reasoning, refusal, finish reason and usage, with id, provider and model written
 * only when they differ from the previous chunk's. Attempts and the from-cache flag are not
 * stored: a hit sets them. Stateless.
 *
 * <p>Version 2 added reasoning, signatures and refusals; a value of another version is
 * {@linkplain CorruptValueException unreadable}, which the cache treats as a miss.
 */
final class AnswerCodec {
  static final int VERSION = 2;
  private static final int RESPONSE = 1;
  private static final int STREAM = 2;

  // chunk flags
  private static final int NEW_ID = 1;
  private static final int NEW_SOURCE = 2;
  private static final int HAS_FINISH = 4;
  private static final int HAS_USAGE = 8;
  private static final int HAS_DELTAS = 16;
  private static final int HAS_REASONING = 32;
  private static final int HAS_REFUSAL = 64;

  // part kinds
  private static final int TEXT = 0;
  private static final int REASONING = 1;
  private static final int REDACTED = 2;

  private AnswerCodec() {}

  /** Thrown for a value this version cannot read. */
  static final class CorruptValueException extends Exception {
    CorruptValueException(String message) {
      super(message);
    }
  }

  static byte[] encode(CachedAnswer answer) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    DataOutputStream out = new DataOutputStream(bytes);
    try {
      out.writeByte(VERSION);
      if (answer.isStream()) {
        out.writeByte(STREAM);
        List<ChatChunk> chunks = answer.chunks();
        out.writeInt(chunks.size());
        ChatChunk previous = null;
        for (ChatChunk c : chunks) {
          writeChunk(out, c, previous);
          previous = c;
        }
      } else {
        out.writeByte(RESPONSE);
        ChatResponse r = answer.response();
        writeString(out, r.id());
        writeString(out, r.provider());
        writeString(out, r.model());
        List<ContentPart> parts = r.message().parts();
        out.writeInt(parts.size());
        for (ContentPart part : parts) {
          writePart(out, part);
        }
        List<ToolCall> calls = r.toolCalls();
        out.writeInt(calls.size());
        for (ToolCall call : calls) {
          writeString(out, call.id());
          writeString(out, call.name());
          writeString(out, call.arguments());
          writeSignature(out, call.signature());
        }
        out.writeByte(r.finishReason().ordinal());
        writeUsage(out, r.usage());
        writeString(out, r.refusal());
      }
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  private static void writeChunk(DataOutputStream out, ChatChunk c, @Nullable ChatChunk previous)
      throws IOException {
    boolean newId = c.id() != null && (previous == null || !c.id().equals(previous.id()));
    boolean newSource = previous == null
        || !c.provider().equals(previous.provider()) || !c.model().equals(previous.model());
    int flags = (newId ? NEW_ID : 0) | (newSource ? NEW_SOURCE : 0)
        | (c.finishReason() != null ? HAS_FINISH : 0) | (c.usage() != null ? HAS_USAGE : 0)
        | (c.toolCallDeltas().isEmpty() ? 0 : HAS_DELTAS)
        | (c.reasoningDelta().isEmpty() && c.reasoningEnd() == null ? 0 : HAS_REASONING)
        | (c.refusalDelta() == null ? 0 : HAS_REFUSAL);
    out.writeByte(flags);
    if (newId) {
      writeString(out, c.id());
    }
    if (newSource) {
      writeString(out, c.provider());
      writeString(out, c.model());
    }
    writeString(out, c.textDelta());
    if (!c.toolCallDeltas().isEmpty()) {
      out.writeInt(c.toolCallDeltas().size());
      for (ToolCallDelta d : c.toolCallDeltas()) {
        out.writeInt(d.index());
        writeString(out, d.id());
        writeString(out, d.name());
        writeString(out, d.argumentsDelta());
        writeSignature(out, d.signature());
      }
    }
    if (!c.reasoningDelta().isEmpty() || c.reasoningEnd() != null) {
      writeString(out, c.reasoningDelta());
      out.writeBoolean(c.reasoningEnd() != null);
      if (c.reasoningEnd() != null) {
        writePart(out, c.reasoningEnd());
      }
    }
    if (c.refusalDelta() != null) {
      writeString(out, c.refusalDelta());
    }
    if (c.finishReason() != null) {
      out.writeByte(c.finishReason().ordinal());
    }
    if (c.usage() != null) {
      writeUsage(out, c.usage());
    }
  }

  /**
   * Reads a stored value.
   *
   * @throws CorruptValueException when the value is not a complete answer of this version
   */
  static CachedAnswer decode(byte[] value) throws CorruptValueException {
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(value));
    try {
      int version = in.readUnsignedByte();
      if (version != VERSION) {
        throw new CorruptValueException("unknown version " + version);
      }
      int kind = in.readUnsignedByte();
      CachedAnswer answer;
      if (kind == RESPONSE) {
        answer = CachedAnswer.of(readResponse(in));
      } else if (kind == STREAM) {
        answer = CachedAnswer.ofChunks(readChunks(in, value.length));
      } else {
        throw new CorruptValueException("unknown kind " + kind);
      }
      if (in.available() != 0) {
        throw new CorruptValueException(in.available() + " bytes after the answer");
      }
      return answer;
    } catch (IOException | RuntimeException e) {
      throw new CorruptValueException("unreadable value: " + e);
    }
  }

  private static ChatResponse readResponse(DataInputStream in)
      throws IOException, CorruptValueException {
    String id = readString(in);
    String provider = readString(in);
    String model = readString(in);
    int p = count(in);
    List<ContentPart> parts = new ArrayList<>(p);
    for (int i = 0; i < p; i++) {
      parts.add(readPart(in));
    }
    int n = count(in);
    List<ToolCall> calls = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      calls.add(new ToolCall(readString(in), readString(in), readString(in), readSignature(in)));
    }
    Message message = Message.assistantParts(parts, calls);
    FinishReason finish = finishReason(in);
    Usage usage = readUsage(in);
    String refusal = readString(in);
    return ChatResponse.builder().id(id).provider(provider).model(model).message(message)
        .finishReason(finish).usage(usage).refusal(refusal).attempts(0).fromCache(true).build();
  }

  private static List<ChatChunk> readChunks(DataInputStream in, int size)
      throws IOException, CorruptValueException {
    int n = count(in);
    if (n > size) {
      throw new CorruptValueException(n + " chunks in " + size + " bytes");
    }
    List<ChatChunk> chunks = new ArrayList<>(n);
    String id = null;
    String provider = null;
    String model = null;
    for (int i = 0; i < n; i++) {
      int flags = in.readUnsignedByte();
      if ((flags & NEW_ID) != 0) {
        id = readString(in);
      }
      if ((flags & NEW_SOURCE) != 0) {
        provider = readString(in);
        model = readString(in);
      }
      String text = readString(in);
      List<ToolCallDelta> deltas = null;
      if ((flags & HAS_DELTAS) != 0) {
        int d = count(in);
        deltas = new ArrayList<>(d);
        for (int j = 0; j < d; j++) {
          deltas.add(new ToolCallDelta(in.readInt(), readString(in), readString(in),
              readString(in), readSignature(in)));
        }
      }
      String reasoning = null;
      ContentPart.Reasoning end = null;
      if ((flags & HAS_REASONING) != 0) {
        reasoning = readString(in);
        if (in.readBoolean()) {
          if (!(readPart(in) instanceof ContentPart.Reasoning r)) {
            throw new CorruptValueException("a reasoning end that is not reasoning");
          }
          end = r;
        }
      }
      String refusal = (flags & HAS_REFUSAL) != 0 ? readString(in) : null;
      FinishReason finish = (flags & HAS_FINISH) != 0 ? finishReason(in) : null;
      Usage usage = (flags & HAS_USAGE) != 0 ? readUsage(in) : null;
      ChatChunk chunk = ChatChunk.of(i == 0 || (flags & NEW_ID) != 0 ? id : null, provider, model,
          text, deltas, finish, usage);
      if ((flags & HAS_REASONING) != 0) {
        chunk = chunk.withReasoning(reasoning, end);
      }
      if (refusal != null) {
        chunk = chunk.withRefusal(refusal);
      }
      chunks.add(chunk);
    }
    return chunks;
  }

  private static void writePart(DataOutputStream out, ContentPart part) throws IOException {
    if (part instanceof ContentPart.Text t) {
      out.writeByte(TEXT);
      writeString(out, t.text());
    } else if (part instanceof ContentPart.Reasoning r) {
      out.writeByte(r.redacted() ? REDACTED : REASONING);
      writeString(out, r.text());
      writeSignature(out, r.signature());
    } else {
      // An answer holds text and reasoning only (Message.assistantParts rejects images).
      throw new IllegalArgumentException("an answer cannot hold " + part);
    }
  }

  private static ContentPart readPart(DataInputStream in)
      throws IOException, CorruptValueException {
    int kind = in.readUnsignedByte();
    String text = readString(in);
    if (text == null) {
      throw new CorruptValueException("a part without text");
    }
    if (kind == TEXT) {
      return ContentPart.text(text);
    }
    if (kind != REASONING && kind != REDACTED) {
      throw new CorruptValueException("unknown part kind " + kind);
    }
    return new ContentPart.Reasoning(text, readSignature(in), kind == REDACTED);
  }

  private static void writeSignature(DataOutputStream out, @Nullable ReasoningSignature s)
      throws IOException {
    writeString(out, s == null ? null : s.format());
    if (s != null) {
      writeString(out, s.value());
    }
  }

  private static @Nullable ReasoningSignature readSignature(DataInputStream in)
      throws IOException, CorruptValueException {
    String format = readString(in);
    if (format == null) {
      return null;
    }
    return ReasoningSignature.of(format, readString(in));
  }

  private static FinishReason finishReason(DataInputStream in) throws IOException,
      CorruptValueException {
    int ordinal = in.readUnsignedByte();
    FinishReason[] values = FinishReason.values();
    if (ordinal >= values.length) {
      throw new CorruptValueException("unknown finish reason " + ordinal);
    }
    return values[ordinal];
  }

  private static void writeUsage(DataOutputStream out, @Nullable Usage u) throws IOException {
    out.writeBoolean(u != null);
    if (u != null) {
      out.writeInt(u.inputTokens());
      out.writeInt(u.outputTokens());
      out.writeInt(u.totalTokens());
      out.writeInt(u.cachedInputTokens());
      out.writeInt(u.reasoningTokens());
    }
  }

  private static @Nullable Usage readUsage(DataInputStream in) throws IOException {
    if (!in.readBoolean()) {
      return null;
    }
    return new Usage(in.readInt(), in.readInt(), in.readInt(), in.readInt(), in.readInt());
  }

  private static int count(DataInputStream in) throws IOException, CorruptValueException {
    int n = in.readInt();
    if (n < 0 || n > in.available()) {
      throw new CorruptValueException("bad count " + n);
    }
    return n;
  }

  private static void writeString(DataOutputStream out, @Nullable String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static @Nullable String readString(DataInputStream in) throws IOException,
      CorruptValueException {
    int n = in.readInt();
    if (n == -1) {
      return null;
    }
    if (n < 0 || n > in.available()) {
      throw new CorruptValueException("bad string length " + n);
    }
    byte[] utf8 = new byte[n];
    in.readFully(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }
}
