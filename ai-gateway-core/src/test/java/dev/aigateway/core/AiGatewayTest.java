package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.testing.FakeProvider;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class AiGatewayTest {
  private final FakeProvider provider = new FakeProvider("fake");

  @Test
  void chatReturnsTheProvidersAnswer() {
    AiGateway gateway = AiGateway.builder().provider(provider).build();
    ChatResponse r = gateway.chat(ChatRequest.of("m", "hello"));
    assertThat(r.text()).isEqualTo("fake: hello");
    assertThat(r.provider()).isEqualTo("fake");
    assertThat(r.attempts()).isEqualTo(1);
    assertThat(r.fromCache()).isFalse();
  }

  @Test
  void chatAsyncDoesNotBlockTheCallersThread() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch entered = new CountDownLatch(1);
    provider.onChat(r -> {
      entered.countDown();
      await(release);
      return ChatResponse.builder().provider("fake").model("m").text("late")
          .finishReason(FinishReason.STOP).build();
    });
    AiGateway gateway = AiGateway.builder().provider(provider).build();
    CompletableFuture<ChatResponse> future = gateway.chatAsync(ChatRequest.of("m", "hi"));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(future).as("returned while the provider is still working").isNotDone();
    release.countDown();
    assertThat(future.get(5, TimeUnit.SECONDS).text()).isEqualTo("late");
  }

  @Test
  void chatAsyncFailsWithTheSameExceptionChatWouldThrow() {
    InvalidRequestException bad = new InvalidRequestException("fake", 400, null, "bad", null);
    provider.onChat(r -> {
      throw bad;
    });
    AiGateway gateway = AiGateway.builder().provider(provider).build();
    assertThatThrownBy(() -> gateway.chatAsync(ChatRequest.of("m", "hi")).get(5, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class).hasCause(bad);
  }

  @Test
  void cancellingChatAsyncInterruptsTheCall() throws Exception {
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    provider.onChat(r -> {
      entered.countDown();
      try {
        new CountDownLatch(1).await();
      } catch (InterruptedException e) {
        interrupted.countDown();
      }
      throw new CancellationException();
    });
    AiGateway gateway = AiGateway.builder().provider(provider).build();
    CompletableFuture<ChatResponse> future = gateway.chatAsync(ChatRequest.of("m", "hi"));
    assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(future.cancel(true)).isTrue();
    assertThat(interrupted.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(future).isCancelled();
  }

  @Test
  void closeClosesEveryProviderOnceAndLaterCallsFail() {
    FakeProvider other = new FakeProvider("other");
    AiGateway gateway = AiGateway.builder().provider(provider).provider(other)
        .defaultProvider("fake").build();
    gateway.close();
    gateway.close();
    assertThat(provider.isClosed()).isTrue();
    assertThat(other.isClosed()).isTrue();
    assertThatThrownBy(() -> gateway.chat(ChatRequest.of("m", "hi")))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    assertThatThrownBy(() -> gateway.chatAsync(ChatRequest.of("m", "hi")))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> gateway.stream(ChatRequest.of("m", "hi")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aProviderThatFailsToCloseDoesNotStopTheOthers() {
    FakeProvider failing = new FakeProvider("failing");
    dev.aigateway.api.spi.ChatProvider throwing = new dev.aigateway.api.spi.ChatProvider() {
      @Override
      public String id() {
        return "throwing";
      }

      @Override
      public ChatResponse chat(ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public java.util.concurrent.Flow.Publisher<dev.aigateway.api.ChatChunk> stream(
          ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public void close() {
        throw new IllegalStateException("cannot close");
      }
    };
    AiGateway gateway = AiGateway.builder().provider(throwing).provider(failing)
        .defaultProvider("failing").build();
    gateway.close();
    assertThat(failing.isClosed()).isTrue();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
