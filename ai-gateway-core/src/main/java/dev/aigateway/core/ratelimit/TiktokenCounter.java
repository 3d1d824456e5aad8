package dev.aigateway.core.ratelimit;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import dev.aigateway.core.routing.TokenEstimate;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** {@link TokenCounter#standard()}: jtokkit for OpenAI's models, the approximation elsewhere. */
final class TiktokenCounter implements TokenCounter {
  static final TiktokenCounter INSTANCE = new TiktokenCounter();

  /** Tokens of chat format around each message (OpenAI documents 3 for current models). */
  static final int TOKENS_PER_MESSAGE = 3;

  /** Tokens that prime the assistant's reply, added once per request. */
  static final int REPLY_PRIMING = 3;

  private TiktokenCounter() {}

  // Holders: each encoding is loaded (a few MB of ranks) once, on first use, by class init.
  private static final class O200k {
    static final Encoding ENCODING =
        Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
  }

  private static final class Cl100k {
    static final Encoding ENCODING =
        Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.CL100K_BASE);
  }

  /** The encoding type for {@code model}, or null when it is not an OpenAI model we know. */
  static @Nullable EncodingType encodingFor(String model) {
    String m = model.substring(model.lastIndexOf('/') + 1);
    if (m.startsWith("gpt-4o") || m.startsWith("chatgpt-4o") || m.startsWith("gpt-4.1")
        || m.startsWith("gpt-5") || family(m, "o1") || family(m, "o3") || family(m, "o4")) {
      return EncodingType.O200K_BASE;
    }
    if (m.startsWith("gpt-4") || m.startsWith("gpt-3.5")) {
      return EncodingType.CL100K_BASE;
    }
    return null;
  }

  private static boolean family(String model, String prefix) {
    return model.equals(prefix) || model.startsWith(prefix + "-");
  }

  @Override
  public int inputTokens(ChatRequest request) {
    EncodingType type = encodingFor(request.model());
    if (type == null) {
      return TokenEstimate.approximate(request);
    }
    Encoding encoding = type == EncodingType.O200K_BASE ? O200k.ENCODING : Cl100k.ENCODING;
    return count(encoding, request);
  }

  static int count(Encoding encoding, ChatRequest request) {
    long tokens = REPLY_PRIMING;
    List<Message> messages = request.messages();
    for (int i = 0, n = messages.size(); i < n; i++) {
      Message m = messages.get(i);
      tokens += TOKENS_PER_MESSAGE + text(encoding, m.text());
      List<ContentPart> parts = m.parts();
      for (int j = 0, p = parts.size(); j < p; j++) {
        if (parts.get(j) instanceof ContentPart.Image
            || parts.get(j) instanceof ContentPart.ImageUrl) {
          tokens += TokenEstimate.TOKENS_PER_IMAGE;
        }
      }
      List<ToolCall> calls = m.toolCalls();
      for (int j = 0, c = calls.size(); j < c; j++) {
        tokens += text(encoding, calls.get(j).name()) + text(encoding, calls.get(j).arguments());
      }
    }
    List<ToolDefinition> tools = request.tools();
    for (int i = 0, n = tools.size(); i < n; i++) {
      ToolDefinition tool = tools.get(i);
      tokens += text(encoding, tool.name()) + text(encoding, tool.parametersJsonSchema());
      if (tool.description() != null) {
        tokens += text(encoding, tool.description());
      }
    }
    return (int) Math.min(tokens, Integer.MAX_VALUE);
  }

  private static int text(Encoding encoding, String s) {
    // Ordinary: text that happens to contain "<|endoftext|>" is counted, not rejected.
    return s.isEmpty() ? 0 : encoding.countTokensOrdinary(s);
  }

  @Override
  public String toString() {
    return "TokenCounter.standard()";
  }
}
