package dev.aigateway.core.internal;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
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
 * model, text, tool calls, finish reason and usage; a stream stores each chunk's text delta,
 * tool call deltas, finish reason and usage, with id, provider and model written only when they
 * differ from the previous chunk's. Attempts and the from-cache flag are not stored: a hit sets
 * them. Stateless.
 */
final class AnswerCodec {
  static final int VERSION = 1;
  private static final int RESPONSE = 1;
  private static final int STREAM = 2;

  // chunk flags
  private static final int NEW_ID = 1;
  private static final int NEW_SOURCE = 2;
  private static final int HAS_FINISH = 4;
  private static final int HAS_USAGE = 8;
  private static final int HAS_DELTAS = 16;

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
        writeString(out, r.text());
        List<ToolCall> calls = r.toolCalls();
        out.writeInt(calls.size());
        for (ToolCall call : calls) {
          writeString(out, call.id());
          writeString(out, call.name());
          writeString(out, call.arguments());
        }
        out.writeByte(r.finishReason().ordinal());
        writeUsage(out, r.usage());
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
        | (c.toolCallDeltas().isEmpty() ? 0 : HAS_DELTAS);
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
      }
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
    String text = readString(in);
    int n = count(in);
    Message message;
    if (n == 0) {
      message = Message.assistant(text);
    } else {
      List<ToolCall> calls = new ArrayList<>(n);
      for (int i = 0; i < n; i++) {
        calls.add(ToolCall.of(readString(in), readString(in), readString(in)));
      }
      message = Message.assistant(text, calls);
    }
    FinishReason finish = finishReason(in);
    Usage usage = readUsage(in);
    return ChatResponse.builder().id(id).provider(provider).model(model).message(message)
        .finishReason(finish).usage(usage).attempts(0).fromCache(true).build();
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
              readString(in)));
        }
      }
      FinishReason finish = (flags & HAS_FINISH) != 0 ? finishReason(in) : null;
      Usage usage = (flags & HAS_USAGE) != 0 ? readUsage(in) : null;
      chunks.add(ChatChunk.of(i == 0 || (flags & NEW_ID) != 0 ? id : null, provider, model, text,
          deltas, finish, usage));
    }
    return chunks;
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
