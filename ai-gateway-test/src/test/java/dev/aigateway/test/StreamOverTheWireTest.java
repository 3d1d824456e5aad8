package dev.aigateway.test;

import static dev.aigateway.test.Adapters.ask;
import static dev.aigateway.test.Adapters.provider;
import static dev.aigateway.test.Adapters.reportedModel;
import static dev.aigateway.test.Adapters.streamAll;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streams through each real adapter: the chunks arrive as scripted, then finish and usage. */
class StreamOverTheWireTest {
  @RegisterExtension final FakeVendor fake = new FakeVendor();

  private List<String> texts(TestSubscriber<ChatChunk> sub) {
    return sub.items().stream().map(ChatChunk::textDelta).filter(t -> !t.isEmpty()).toList();
  }

  private static JsonNode json(String text) {
    try {
      return new ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private ChatResponse folded(TestSubscriber<ChatChunk> sub) {
    StreamAccumulator acc = new StreamAccumulator();
    sub.items().forEach(acc::accept);
    return acc.toResponse();
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aTextIsStreamedWordByWordThenTheFinishAndUsageOnTheLastChunk(Vendor vendor) {
    fake.enqueue(Reply.text("It ships today.").withUsage(9, 3));
    TestSubscriber<ChatChunk> sub;
    try (ChatProvider adapter = provider(vendor, fake)) {
      sub = streamAll(adapter.stream(ask(vendor, "When?")));
    }
    assertThat(sub.isCompleted()).as("completed: %s", sub.error()).isTrue();
    assertThat(sub.violations()).isEmpty();
    assertThat(texts(sub)).containsExactly("It ", "ships ", "today.");
    ChatChunk last = sub.items().get(sub.items().size() - 1);
    assertThat(last.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(last.usage()).isEqualTo(Usage.of(9, 3));
    assertThat(last.model()).isEqualTo(reportedModel(vendor));
    ReceivedRequest received = fake.takeRequest();
    assertThat(received.isStream()).isTrue();
    assertThat(received.lastUserText()).isEqualTo("When?");
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void chunksCanBeCharactersOrGivenPieces(Vendor vendor) {
    fake.enqueue(Reply.text("abcdefgh").chunkedEvery(3), Reply.chunks("Hel", "lo, w", "orld"));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(texts(streamAll(adapter.stream(ask(vendor, "1")))))
          .containsExactly("abc", "def", "gh");
      assertThat(texts(streamAll(adapter.stream(ask(vendor, "2")))))
          .containsExactly("Hel", "lo, w", "orld");
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aStreamedToolCallFoldsIntoTheScriptedCalls(Vendor vendor) {
    fake.enqueue(Reply.text("Checking.")
        .withToolCall("get_weather", "{\"location\": \"Paris\", \"unit\": \"C\"}")
        .withToolCall("get_time", "{\"tz\":\"CET\"}")
        .chunkedEvery(5));
    TestSubscriber<ChatChunk> sub;
    try (ChatProvider adapter = provider(vendor, fake)) {
      sub = streamAll(adapter.stream(ask(vendor, "Weather and time?")));
    }
    assertThat(sub.isCompleted()).as("completed: %s", sub.error()).isTrue();
    ChatResponse answer = folded(sub);
    assertThat(answer.text()).isEqualTo("Checking.");
    assertThat(answer.finishReason()).isEqualTo(FinishReason.TOOL_CALLS);
    assertThat(answer.toolCalls()).extracting(ToolCall::name)
        .containsExactly("get_weather", "get_time");
    // As JSON: Gemini's args are an object, which its adapter writes out again compactly.
    assertThat(json(answer.toolCalls().get(0).arguments()))
        .isEqualTo(json("{\"location\": \"Paris\", \"unit\": \"C\"}"));
    assertThat(json(answer.toolCalls().get(1).arguments())).isEqualTo(json("{\"tz\":\"CET\"}"));
    if (vendor != Vendor.GEMINI) { // Gemini sends each call whole; the others split its JSON
      assertThat(sub.items().stream().filter(c -> !c.toolCallDeltas().isEmpty()).count())
          .isGreaterThan(2);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aPacedStreamWaitsAtLeastThePaceBetweenChunks(Vendor vendor) {
    Duration pace = Duration.ofMillis(40);
    fake.enqueue(Reply.text("one two three").paced(pace));
    try (ChatProvider adapter = provider(vendor, fake)) {
      long start = System.nanoTime();
      TestSubscriber<ChatChunk> sub = streamAll(adapter.stream(ask(vendor, "Count")));
      long elapsed = System.nanoTime() - start;
      assertThat(texts(sub)).containsExactly("one ", "two ", "three");
      assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(pace.multipliedBy(2));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void theStreamIsReadAsTheSubscriberAsks(Vendor vendor) {
    fake.enqueue(Reply.text("a b c d e f"));
    try (ChatProvider adapter = provider(vendor, fake)) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.requesting(2);
      adapter.stream(ask(vendor, "Letters")).subscribe(sub);
      sub.awaitItems(2, Adapters.WAIT);
      assertThat(texts(sub)).hasSizeLessThanOrEqualTo(2);
      sub.request(Long.MAX_VALUE);
      sub.awaitTerminal(Adapters.WAIT);
      assertThat(String.join("", texts(sub))).isEqualTo("a b c d e f");
      assertThat(sub.violations()).isEmpty();
    }
  }
}
