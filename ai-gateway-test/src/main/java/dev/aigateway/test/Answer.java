package dev.aigateway.test;

import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * An answer {@link Reply} made concrete for one request: the id, model, pieces, tool calls with
 * their ids, usage and finish reason a vendor writes. Immutable.
 */
record Answer(
    int number,
    Vendor vendor,
    String model,
    String text,
    List<String> pieces,
    List<Call> toolCalls,
    Usage usage,
    FinishReason finishReason,
    boolean includeStreamUsage,
    String reasoning) {

  /** The signature the vendor puts on this answer's reasoning. */
  String signature() {
    return "fake-signature-" + number;
  }

  /** A tool call with its id (null for Gemini unless scripted) and its argument pieces. */
  record Call(@Nullable String id, String name, String arguments, List<String> argumentPieces) {}

  static Answer of(Reply reply, ReceivedRequest request, Vendor vendor) {
    String model = reply.model != null ? reply.model
        : request.model() != null ? request.model() : "fake-model";
    List<Call> calls = new ArrayList<>();
    for (int i = 0; i < reply.toolCalls.size(); i++) {
      Reply.ScriptedCall c = reply.toolCalls.get(i);
      String id = c.id() != null ? c.id() : switch (vendor) {
        case OPENAI, AZURE -> "call_fake_" + request.number() + "_" + (i + 1);
        case ANTHROPIC -> "toolu_fake_" + request.number() + "_" + (i + 1);
        case GEMINI -> null;
      };
      calls.add(new Call(id, c.name(), c.arguments(), reply.argumentPieces(c.arguments())));
    }
    Usage usage = reply.usage;
    if (usage == null) {
      int in = Math.max(1, Reply.words(request.system()) + Reply.words(request.lastUserText()));
      int out = Reply.words(reply.text);
      for (Reply.ScriptedCall c : reply.toolCalls) {
        out += Reply.words(c.arguments());
      }
      usage = Usage.of(in, Math.max(1, out));
    }
    boolean includeUsage = request.body().path("stream_options").path("include_usage")
        .asBoolean(false);
    return new Answer(request.number(), vendor, model, reply.text, reply.textPieces(),
        List.copyOf(calls), usage, reply.effectiveFinishReason(), includeUsage, reply.reasoning);
  }
}
