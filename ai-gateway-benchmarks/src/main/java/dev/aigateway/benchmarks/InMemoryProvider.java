package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.ChatResult;
import java.util.concurrent.Flow;

/** A provider that answers at once from memory, so that only the gateway's own cost remains. */
final class InMemoryProvider implements ChatProvider {
  private final ChatResponse response = ChatResponse.builder()
      .id("bench").provider("mem").model("mem-model").text("a short answer")
      .finishReason(FinishReason.STOP).usage(Usage.of(12, 4)).build();

  @Override
  public String id() {
    return "mem";
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return response;
  }

  @Override
  public boolean streamsInline() {
    return true; // its stream answers during request(), on the requesting thread
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return ChatResult.of(response).chunks();
  }
}
