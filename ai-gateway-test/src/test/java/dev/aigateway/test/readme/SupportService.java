package dev.aigateway.test.readme;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A user's own service, as in the README's testing section: it answers support questions
 * through a {@link ChatClient} (the gateway), plainly or streamed.
 */
final class SupportService {
  private final ChatClient ai;

  SupportService(ChatClient ai) {
    this.ai = ai;
  }

  /** The answer to {@code question}. */
  String answer(String question) {
    return ai.chat(ChatRequest.of("support", question)).text();
  }

  /** The answer to {@code question}, streamed: the pieces as they arrived. */
  List<String> streamAnswer(String question) {
    CompletableFuture<List<String>> done = new CompletableFuture<>();
    ai.stream(ChatRequest.of("support", question)).subscribe(new Flow.Subscriber<ChatChunk>() {
      private final List<String> pieces = new ArrayList<>();

      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscription.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        if (!chunk.textDelta().isEmpty()) {
          pieces.add(chunk.textDelta());
        }
      }

      @Override
      public void onError(Throwable error) {
        done.completeExceptionally(error);
      }

      @Override
      public void onComplete() {
        done.complete(pieces);
      }
    });
    return done.join();
  }
}
