package dev.aigateway.providers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.LongFunction;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Replies of 100 MB against a heap of 64 MB: the surefire execution {@code small-heap} runs this
 * class alone with {@code -Xmx64m} (and skips it elsewhere), so a reply that were held whole (as
 * bytes, as text, or both) would end in an {@link OutOfMemoryError} rather than the typed error
 * each test expects. Every adapter, for {@code chat()} and {@code stream()}, with bodies framed by
 * a Content-Length and chunked. The bodies are made as the server sends them, so the test itself
 * holds none of them.
 */
class BadBytesInASmallHeapTest {
  /** Larger than the whole heap: a reply held whole, even once, cannot fit. */
  private static final long BODY = 100L * 1024 * 1024;
  private static final long SMALL_LIMIT = 4L * 1024 * 1024;
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AttemptContext ATTEMPT =
      AttemptContext.of(null, null, null, Duration.ofSeconds(10), 1);
  private static final byte[] GARBAGE = Wire.garbage(64 * 1024 + 1);
  private static final byte[] A = {'a'};

  private final MockWebServer server = new MockWebServer();

  @BeforeEach
  void start() throws Exception {
    assumeTrue(Boolean.getBoolean("aigateway.smallHeap"),
        "runs in the small-heap surefire execution only");
    assertThat(Runtime.getRuntime().maxMemory()).as("the small-heap execution's -Xmx64m")
        .isLessThan(BODY);
    server.start();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Each adapter on the server, given its maxResponseSize. */
  private List<LongFunction<ChatProvider>> adapters() {
    String root = server.url("/").toString();
    Secret key = Secret.of("small-heap-key-0123456789");
    return List.of(
        limit -> OpenAiProvider.builder().baseUrl(root + "v1").apiKey(key)
            .maxResponseSize(limit).build(),
        limit -> AzureOpenAiProvider.builder().baseUrl(root).apiKey(key)
            .deployment("gpt-4o", "prod").maxResponseSize(limit).build(),
        limit -> AnthropicProvider.builder().baseUrl(root).apiKey(key)
            .maxResponseSize(limit).build(),
        limit -> GeminiProvider.builder().baseUrl(root).apiKey(key)
            .maxResponseSize(limit).build());
  }

  private static ChatRequest request(ChatProvider p) {
    return ChatRequest.of(p.id().equals("gemini") ? "gemini-2.5-flash" : "gpt-4o", "hi");
  }

  private Throwable chat(ChatProvider p, MockResponse reply) {
    server.enqueue(reply);
    return catchThrowable(() -> p.chat(request(p), ATTEMPT));
  }

  private Throwable stream(ChatProvider p, MockResponse reply) {
    server.enqueue(reply);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
    p.stream(request(p), ATTEMPT).subscribe(sub);
    sub.awaitTerminal(WAIT);
    assertThat(sub.isCompleted()).as("%s: a stream of bad bytes never completes", p.id())
        .isFalse();
    return sub.error();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aHundredMegabytesOfGarbageAreMalformedWithTheDefaultLimit() {
    for (LongFunction<ChatProvider> adapter : adapters()) {
      try (ChatProvider p = adapter.apply(HttpProviderBuilder.DEFAULT_MAX_RESPONSE_SIZE)) {
        for (boolean chunked : new boolean[] {false, true}) {
          String where = p.id() + (chunked ? ", chunked" : ", Content-Length");
          Throwable c = chat(p, Wire.large(200, "application/json", BODY, chunked, new byte[0],
              GARBAGE));
          assertThat(c).as("chat, %s", where).isExactlyInstanceOf(MalformedResponseException.class);
          assertThat(c.getMessage().length()).as("chat, %s", where).isLessThan(600);
          Throwable s = stream(p, Wire.large(200, "text/event-stream", BODY, chunked,
              new byte[0], GARBAGE));
          assertThat(s).as("stream, %s", where)
              .isExactlyInstanceOf(MalformedResponseException.class);
          assertThat(s.getMessage().length()).as("stream, %s", where).isLessThan(600);
        }
      }
    }
  }

  @Test
  void aHundredMegabytesThatLookRightStopAtTheLimit() {
    for (LongFunction<ChatProvider> adapter : adapters()) {
      try (ChatProvider p = adapter.apply(SMALL_LIMIT)) {
        for (boolean chunked : new boolean[] {false, true}) {
          String where = p.id() + (chunked ? ", chunked" : ", Content-Length");
          // A JSON object whose one string never ends, and an event whose one line never does.
          assertTooLarge(chat(p, Wire.large(200, "application/json", BODY, chunked,
              utf8("{\"id\":\"x\",\"text\":\""), A)), "chat, " + where);
          assertTooLarge(stream(p, Wire.large(200, "text/event-stream", BODY, chunked,
              utf8("data: {\"text\":\""), A)), "stream, " + where);
        }
      }
    }
  }

  private static void assertTooLarge(Throwable error, String where) {
    assertThat(error).as(where).isExactlyInstanceOf(ProviderException.class)
        .hasMessageContaining("4 MiB").hasMessageContaining("maxResponseSize");
    assertThat(((ProviderException) error).errorCode()).as(where).isEqualTo("response_too_large");
  }

  @Test
  void aHundredMegabyteErrorPageIsTheStatusErrorWithAShortExcerpt() {
    byte[] start = utf8("<html><head><title>503 Service Unavailable</title></head><body>");
    byte[] filler = utf8("<div>the upstream is gone</div>\n");
    for (LongFunction<ChatProvider> adapter : adapters()) {
      try (ChatProvider p = adapter.apply(HttpProviderBuilder.DEFAULT_MAX_RESPONSE_SIZE)) {
        for (boolean stream : new boolean[] {false, true}) {
          String where = p.id() + (stream ? ", stream" : ", chat");
          MockResponse page = Wire.large(503, "text/html", BODY, true, start, filler);
          Throwable error = stream ? stream(p, page) : chat(p, page);
          assertThat(error).as(where).isExactlyInstanceOf(ProviderUnavailableException.class)
              .hasMessageContaining("503").hasMessageContaining("Service Unavailable");
          assertThat(error.getMessage().length()).as(where).isLessThan(600);
        }
      }
    }
  }
}
