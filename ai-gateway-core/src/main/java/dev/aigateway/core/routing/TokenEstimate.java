package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolDefinition;
import java.util.List;
import java.util.Objects;

/**
 * A cheap estimate of how many input tokens a request will cost, for routing decisions such as
 * "send long conversations to the model with the larger context window".
 *
 * <p>This is an estimate for routing, <em>not</em> for billing or for checking a context limit
 * exactly: real counts depend on each vendor's tokenizer and prompt format, which this class does
 * not know and does not load. Where in doubt it overestimates rather than underestimates, so that
 * a rule such as "over 100,000 tokens goes to the large model" errs on the safe side.
 *
 * <p>The arithmetic, in full:
 *
 * <pre>
 * approximate(request) = ceil(chars / {@value #CHARS_PER_TOKEN})
 *                      + {@value #TOKENS_PER_MESSAGE} &times; messages
 *                      + {@value #TOKENS_PER_IMAGE} &times; images
 * </pre>
 *
 * where {@code chars} is the number of UTF-16 chars ({@link String#length()}) in
 *
 * <ul>
 *   <li>every text part of every message,
 *   <li>the name and the arguments of every tool call in the conversation, and
 *   <li>the name, the description (when present) and the JSON schema of every tool definition;
 * </ul>
 *
 * {@code messages} is the number of messages and {@code images} the number of image parts (by URL
 * or inline, whatever their size). The result is never negative and saturates at
 * {@link Integer#MAX_VALUE}.
 *
 * <p>It walks the request once and sums lengths; it builds no strings and does not look at image
 * bytes, so it is cheap enough to run on every request. Thread safe; holds no state.
 */
public final class TokenEstimate {

  /**
   * Characters per token: {@value}. About right for English text with the BPE tokenizers of the
   * major vendors (their own rule of thumb); code, JSON and most other languages take more tokens
   * per character, so this is the one place the estimate may come out low.
   */
  public static final int CHARS_PER_TOKEN = 4;

  /**
   * Tokens added for each message, whatever its content: {@value}. Chat formats wrap every turn
   * in role and delimiter tokens; OpenAI documents 3 to 4 per message, and 4 is the larger.
   */
  public static final int TOKENS_PER_MESSAGE = 4;

  /**
   * Tokens counted for each image, whatever its size: {@value}. A round number at or above what
   * the vendors documented (in 2025) for a large image: Anthropic charges about width &times;
   * height / 750 and scales images down to about 1,600 tokens at most; OpenAI's GPT-4o charges
   * 85 + 170 per 512-pixel tile in high detail, at most 85 + 8 &times; 170 = 1,445; Gemini charges
   * 258 per 768-pixel tile, so 1,600 covers a picture of up to six such tiles. Only very large
   * Gemini images cost more. Sizes are not read because images may be URLs.
   */
  public static final int TOKENS_PER_IMAGE = 1600;

  private TokenEstimate() {}

  /**
   * The estimated input tokens of {@code request}, following the arithmetic in the class
   * documentation.
   *
   * @param request the request to measure
   * @return the estimate, from 0 to {@link Integer#MAX_VALUE}
   * @throws NullPointerException if {@code request} is null
   */
  public static int approximate(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    long chars = 0;
    long images = 0;
    List<Message> messages = request.messages();
    for (int i = 0, n = messages.size(); i < n; i++) {
      Message m = messages.get(i);
      // Message.text() is the text parts joined once, when the message was built: no copy here.
      chars += m.text().length();
      List<ContentPart> parts = m.parts();
      for (int j = 0, p = parts.size(); j < p; j++) {
        if (parts.get(j) instanceof ContentPart.Image
            || parts.get(j) instanceof ContentPart.ImageUrl) {
          images++;
        }
      }
      List<ToolCall> calls = m.toolCalls();
      for (int j = 0, c = calls.size(); j < c; j++) {
        ToolCall call = calls.get(j);
        chars += call.name().length() + (long) call.arguments().length();
      }
    }
    List<ToolDefinition> tools = request.tools();
    for (int i = 0, n = tools.size(); i < n; i++) {
      ToolDefinition tool = tools.get(i);
      chars += tool.name().length() + (long) tool.parametersJsonSchema().length();
      if (tool.description() != null) {
        chars += tool.description().length();
      }
    }
    // No overflow in long: chars and counts are bounded by array sizes, far below 2^62.
    long tokens = (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN
        + (long) TOKENS_PER_MESSAGE * messages.size()
        + TOKENS_PER_IMAGE * images;
    return (int) Math.min(tokens, Integer.MAX_VALUE);
  }
}
