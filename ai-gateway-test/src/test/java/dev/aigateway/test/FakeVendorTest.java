package dev.aigateway.test;

import static dev.aigateway.test.Adapters.ask;
import static dev.aigateway.test.Adapters.provider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The vendor's own rules: the queue, the default, the record, its bounds and its lifecycle. */
class FakeVendorTest {
  @RegisterExtension final FakeVendor fake = new FakeVendor();
  private final OkHttpClient http = new OkHttpClient();

  private Response post(String path, String json) throws IOException {
    return http.newCall(new Request.Builder().url(fake.url() + path)
        .post(RequestBody.create(json, MediaType.get("application/json"))).build()).execute();
  }

  @Test
  void repliesAnswerRequestsInOrderThenTheDefaultAnswers() {
    fake.enqueue(Reply.text("first"), Reply.text("second")).defaultReply(Reply.text("later"));
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      assertThat(openai.chat(ask(Vendor.OPENAI, "1")).text()).isEqualTo("first");
      assertThat(openai.chat(ask(Vendor.OPENAI, "2")).text()).isEqualTo("second");
      assertThat(openai.chat(ask(Vendor.OPENAI, "3")).text()).isEqualTo("later");
      assertThat(openai.chat(ask(Vendor.OPENAI, "4")).text()).isEqualTo("later");
    }
    assertThat(fake.pendingReplies()).isEmpty();
    assertThat(fake.requests()).extracting(ReceivedRequest::number).containsExactly(1, 2, 3, 4);
    assertThat(fake.requests()).extracting(ReceivedRequest::lastUserText)
        .containsExactly("1", "2", "3", "4");
    assertThat(fake.takeRequest().lastUserText()).isEqualTo("1");
    assertThat(fake.takeRequest().lastUserText()).isEqualTo("2");
  }

  @Test
  void wordsKeepTheSpacesAfterThemAndSpacesBeforeTheFirstGoWithIt() {
    fake.enqueue(Reply.text(" and then  some\n"));
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      TestSubscriber<ChatChunk> sub = Adapters.streamAll(openai.stream(ask(Vendor.OPENAI, "?")));
      assertThat(sub.items()).extracting(ChatChunk::textDelta).filteredOn(t -> !t.isEmpty())
          .containsExactly(" and ", "then  ", "some\n");
    }
  }

  @Test
  void oneVendorServesEveryFormatFromOneQueue() {
    fake.enqueue(Reply.text("a"), Reply.text("b"), Reply.text("c"), Reply.text("d"));
    for (Vendor vendor : Vendor.values()) {
      try (ChatProvider adapter = provider(vendor, fake)) {
        adapter.chat(ask(vendor, "hi"));
      }
    }
    assertThat(fake.requests()).extracting(ReceivedRequest::vendor)
        .containsExactly(Vendor.OPENAI, Vendor.AZURE, Vendor.ANTHROPIC, Vendor.GEMINI);
  }

  @Test
  void aPathNoVendorUsesGets404AndTakesNoReply() throws IOException {
    fake.enqueue(Reply.text("kept"));
    try (Response r = post("/chat", "{}")) {
      assertThat(r.code()).isEqualTo(404);
      assertThat(r.body().string()).contains("no vendor API at POST /chat");
    }
    assertThat(fake.takeRequest().vendor()).isNull();
    assertThat(fake.pendingReplies()).hasSize(1);
  }

  @Test
  void aMethodOtherThanPostGets405InTheVendorsFormatAndTakesNoReply() throws IOException {
    fake.enqueue(Reply.text("kept"));
    try (Response r = http.newCall(new Request.Builder()
        .url(fake.url() + "/v1/messages").get().build()).execute()) {
      assertThat(r.code()).isEqualTo(405);
      assertThat(r.body().string()).startsWith("{\"type\":\"error\"");
    }
    assertThat(fake.pendingReplies()).hasSize(1);
  }

  @Test
  void theRecordKeepsItsBoundButCountsEverything() {
    fake.keepRequests(2);
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      for (int i = 1; i <= 5; i++) {
        openai.chat(ask(Vendor.OPENAI, "q" + i));
      }
    }
    assertThat(fake.requestCount()).isEqualTo(5);
    assertThat(fake.requests()).extracting(ReceivedRequest::number).containsExactly(4, 5);
    assertThat(fake.takeRequest().number()).isEqualTo(4);
  }

  @Test
  void takingARequestThatDidNotArriveFailsSayingSo() {
    assertThatThrownBy(() -> fake.takeRequest(Duration.ZERO))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("no request reached the fake vendor")
        .hasMessageContaining("0 arrived");
  }

  @Test
  void unusedRepliesAreListedByTheAssertion() {
    fake.enqueue(Reply.text("used"), Reply.error(429), Reply.text("never"));
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      openai.chat(ask(Vendor.OPENAI, "hi"));
    }
    assertThatThrownBy(fake::assertAllRepliesUsed)
        .hasMessageStartingWith("2 scripted replies were never requested")
        .hasMessageContaining("HTTP 429").hasMessageContaining("\"never\"")
        .hasMessageContaining("received 1 requests");
    fake.reset();
    fake.assertAllRepliesUsed();
    assertThat(fake.requestCount()).isZero();
    assertThat(fake.requests()).isEmpty();
  }

  @Test
  void aDefaultReplyThatThrowsAnswers500NamingTheException() {
    fake.defaultReply(r -> {
      throw new IllegalStateException("no answer for " + r.lastUserText());
    });
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      assertThatThrownBy(() -> openai.chat(ask(Vendor.OPENAI, "this")))
          .isInstanceOfSatisfying(ProviderException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(500);
            assertThat(e.getMessage()).contains("no answer for this");
          });
    }
  }

  @Test
  void closingEndsAStallAtOnceAndTheClientSeesItsConnectionEnd() {
    fake.enqueue(Reply.text("one two").stallAfter(1));
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      openai.stream(ask(Vendor.OPENAI, "hi")).subscribe(sub); // the default idle timeout: 5 min
      sub.awaitItems(1, Adapters.WAIT);
      fake.close();
      sub.awaitTerminal(Adapters.WAIT);
      assertThat(sub.isCompleted()).isFalse();
      assertThat(sub.error()).isInstanceOf(ProviderException.class);
    }
    assertThatThrownBy(fake::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("closed");
  }

  @Test
  void closingEndsSilenceAndAPausedStreamAtOnce() throws Exception {
    fake.enqueue(Reply.silence(), Reply.text("one two").paced(Duration.ofMinutes(10)));
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      // The default timeouts: 10 min of silence for a chat, 5 min between stream events.
      CompletableFuture<ChatResponse> silent =
          CompletableFuture.supplyAsync(() -> openai.chat(ask(Vendor.OPENAI, "anyone?")));
      assertThat(fake.takeRequest().lastUserText()).isEqualTo("anyone?"); // it took the silence
      TestSubscriber<ChatChunk> paced = TestSubscriber.unbounded();
      openai.stream(ask(Vendor.OPENAI, "slowly")).subscribe(paced);
      paced.awaitItems(1, Adapters.WAIT);
      long start = System.nanoTime();
      fake.close();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(4));
      assertThatThrownBy(() -> silent.get(Adapters.WAIT.toSeconds(), TimeUnit.SECONDS))
          .hasCauseInstanceOf(ProviderException.class);
      paced.awaitTerminal(Adapters.WAIT);
      assertThat(paced.error()).isInstanceOf(ProviderException.class);
    }
  }

  @Test
  void nothingShowsAKeyOrAPrompt() {
    try (ChatProvider openai = provider(Vendor.OPENAI, fake)) {
      openai.chat(ask(Vendor.OPENAI, "my secret question"));
    }
    ReceivedRequest r = fake.takeRequest();
    assertThat(r.apiKey()).isEqualTo(Adapters.key(Vendor.OPENAI));
    assertThat(r.toString()).doesNotContain(Adapters.key(Vendor.OPENAI))
        .doesNotContain("secret").contains("#1 OPENAI POST /v1/chat/completions");
    assertThat(fake.toString()).doesNotContain(Adapters.key(Vendor.OPENAI))
        .contains("1 requests");
  }

  @Test
  void repliesRejectWhatNoVendorCouldSend() {
    assertThatThrownBy(() -> Reply.toolCall("f", "[1, 2]"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("JSON object");
    assertThatThrownBy(() -> Reply.toolCall("f", "{not json"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.toolCall(" ", "{}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("name");
    assertThatThrownBy(() -> Reply.error(200)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.text("x").cutAfter(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.text("x").chunkedEvery(0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Reply.overloaded().cutAfter(1))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("answers");
    assertThatThrownBy(() -> Reply.text("x").withRetryAfter(Duration.ofSeconds(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThat(Reply.text("It ships today.").cutAfter(2))
        .hasToString("Reply[text \"It ships today.\" (15 chars), cut after 2 chunks]");
    assertThat(Reply.rateLimited(Duration.ofSeconds(3)))
        .hasToString("Reply[HTTP 429, Retry-After 3000 ms]");
  }
}
