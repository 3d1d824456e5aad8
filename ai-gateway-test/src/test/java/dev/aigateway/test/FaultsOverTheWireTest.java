package dev.aigateway.test;

import static dev.aigateway.test.Adapters.SHORT_IDLE;
import static dev.aigateway.test.Adapters.ask;
import static dev.aigateway.test.Adapters.provider;
import static dev.aigateway.test.Adapters.streamAll;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.TestSubscriber;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each scripted fault, through each real adapter, ends in the library's exception for it: the
 * adapters are the judges of whether the fake vendor wrote the fault as the vendor does.
 */
class FaultsOverTheWireTest {
  @RegisterExtension final FakeVendor fake = new FakeVendor();

  /** The stream's error, after the texts it delivered. */
  private static Throwable streamError(ChatProvider adapter, Vendor vendor, List<String> texts) {
    TestSubscriber<ChatChunk> sub = streamAll(adapter.stream(ask(vendor, "Go"), SHORT_IDLE));
    sub.items().stream().map(ChatChunk::textDelta).filter(t -> !t.isEmpty()).forEach(texts::add);
    assertThat(sub.isCompleted()).as("a faulty stream never completes").isFalse();
    assertThat(sub.violations()).isEmpty();
    return sub.error();
  }

  private static Throwable streamError(ChatProvider adapter, Vendor vendor) {
    return streamError(adapter, vendor, new java.util.ArrayList<>());
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void statusesMapToTheirExceptionsForChatAndStream(Vendor vendor) {
    try (ChatProvider adapter = provider(vendor, fake)) {
      fake.enqueue(Reply.error(401), Reply.error(401));
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(AuthenticationException.class,
              e -> assertThat(e.statusCode()).isEqualTo(401));
      assertThat(streamError(adapter, vendor)).isInstanceOf(AuthenticationException.class);

      fake.enqueue(Reply.error(400), Reply.error(404));
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOf(InvalidRequestException.class);
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(InvalidRequestException.class,
              e -> assertThat(e.statusCode()).isEqualTo(404));

      fake.enqueue(Reply.error(500), Reply.error(500));
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class,
              e -> assertThat(e.retryable()).isTrue());
      assertThat(streamError(adapter, vendor)).isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(fake.requestCount()).isEqualTo(6);
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void overloadedIsTheVendorsOwnStatusAndCode(Vendor vendor) {
    fake.enqueue(Reply.overloaded(), Reply.overloaded());
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            switch (vendor) {
              case OPENAI, AZURE -> assertThat(e.statusCode()).isEqualTo(503);
              case ANTHROPIC -> {
                assertThat(e.statusCode()).isEqualTo(529);
                assertThat(e.errorCode()).isEqualTo("overloaded_error");
              }
              case GEMINI -> {
                assertThat(e.statusCode()).isEqualTo(503);
                assertThat(e.errorCode()).isEqualTo("UNAVAILABLE");
              }
              default -> throw new AssertionError(vendor);
            }
          });
      assertThat(streamError(adapter, vendor)).isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aRateLimitCarriesItsRetryAfter(Vendor vendor) {
    fake.enqueue(Reply.rateLimited(Duration.ofMillis(1500)),
        Reply.rateLimited(Duration.ofSeconds(7)));
    // Anthropic's retry-after is whole seconds; OpenAI, Azure (retry-after-ms) and Gemini
    // (RetryInfo) keep the milliseconds.
    Duration first = vendor == Vendor.ANTHROPIC ? Duration.ofSeconds(2) : Duration.ofMillis(1500);
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(ProviderRateLimitException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(429);
            assertThat(e.retryAfter()).contains(first);
            assertThat(e.retryable()).isTrue();
          });
      assertThat(streamError(adapter, vendor))
          .isInstanceOfSatisfying(ProviderRateLimitException.class,
              e -> assertThat(e.retryAfter()).contains(Duration.ofSeconds(7)));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aCodeAndMessageOfOnesOwnAreSentInTheVendorsShape(Vendor vendor) {
    String code = switch (vendor) {
      case OPENAI, AZURE -> "context_length_exceeded";
      case ANTHROPIC -> "invalid_request_error";
      case GEMINI -> "INVALID_ARGUMENT";
    };
    String message = vendor == Vendor.GEMINI
        ? "The input token count (1200293) exceeds the maximum number of tokens allowed (1048576)."
        : "prompt is too long: 250000 tokens > 200000 maximum; maximum context length exceeded";
    fake.enqueue(Reply.error(400, code, message));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "A very long prompt")))
          .isInstanceOfSatisfying(ContextLengthExceededException.class,
              e -> assertThat(e.errorCode()).isEqualTo(code));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anHtmlPageIsATypedErrorQuotingItsTitle(Vendor vendor) {
    fake.enqueue(Reply.htmlPage(502));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            assertThat(e.statusCode()).isEqualTo(502);
            assertThat(e.getMessage()).contains("502 Bad Gateway");
          });
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aStreamCutAfterTwoChunksDeliversThemAndFailsWithoutCompleting(Vendor vendor) {
    fake.enqueue(Reply.text("one two three four").cutAfter(2));
    List<String> texts = new java.util.ArrayList<>();
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(streamError(adapter, vendor, texts))
          .isInstanceOfSatisfying(ProviderUnavailableException.class, e -> {
            assertThat(e.errorCode()).isEqualTo("stream_truncated");
            // the connection broke (the chunked body never ended), not a clean early end
            assertThat(e).hasCauseInstanceOf(java.io.EOFException.class);
          });
    }
    assertThat(texts).containsExactly("one ", "two ");
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aChatWhoseBodyIsCutFailsAsUnavailable(Vendor vendor) {
    fake.enqueue(Reply.text("Hello there").cutAfter(0));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi"), SHORT_IDLE))
          .isInstanceOfSatisfying(ProviderUnavailableException.class,
              e -> assertThat(e.errorCode()).isEqualTo("body_interrupted"));
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aStallAfterOneChunkTimesOutAtTheIdleTimeout(Vendor vendor) {
    fake.enqueue(Reply.text("one two three").stallAfter(1), Reply.text("x").stallAfter(0));
    List<String> texts = new java.util.ArrayList<>();
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(streamError(adapter, vendor, texts))
          .isInstanceOfSatisfying(GatewayTimeoutException.class,
              e -> assertThat(e.phase()).isEqualTo(GatewayTimeoutException.Phase.IDLE));
      assertThat(texts).containsExactly("one ");
      assertThat(streamError(adapter, vendor)).isInstanceOf(GatewayTimeoutException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aPlainReplyThatStallsAfterItsHeadersTimesOut(Vendor vendor) {
    fake.enqueue(Reply.text("never").stallAfter(0));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi"), SHORT_IDLE))
          .isInstanceOf(GatewayTimeoutException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void silenceTimesOutAndTheVendorStillSawTheRequest(Vendor vendor) {
    fake.enqueue(Reply.silence(), Reply.silence());
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Anyone?"), SHORT_IDLE))
          .isInstanceOfSatisfying(GatewayTimeoutException.class,
              e -> assertThat(e.phase()).isEqualTo(GatewayTimeoutException.Phase.FIRST_CHUNK));
      assertThat(streamError(adapter, vendor)).isInstanceOf(GatewayTimeoutException.class);
    }
    assertThat(fake.takeRequest().lastUserText()).isEqualTo("Anyone?");
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aDroppedConnectionIsUnavailability(Vendor vendor) {
    fake.enqueue(Reply.disconnect(), Reply.disconnect());
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi"), SHORT_IDLE))
          .isInstanceOfSatisfying(ProviderUnavailableException.class,
              e -> assertThat(e.statusCode()).isZero());
      assertThat(streamError(adapter, vendor)).isInstanceOf(ProviderUnavailableException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aMalformedEventOrBodyIsAMalformedResponse(Vendor vendor) {
    fake.enqueue(Reply.text("one two three").malformedAfter(1),
        Reply.text("Hello there").malformedAfter(0));
    List<String> texts = new java.util.ArrayList<>();
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(streamError(adapter, vendor, texts))
          .isInstanceOf(MalformedResponseException.class);
      assertThat(texts).containsExactly("one ");
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi"), SHORT_IDLE))
          .isInstanceOf(MalformedResponseException.class);
    }
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void anErrorEventMidStreamIsUnavailability(Vendor vendor) {
    fake.enqueue(Reply.text("one two three").errorEventAfter(2));
    List<String> texts = new java.util.ArrayList<>();
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThat(streamError(adapter, vendor, texts))
          .isInstanceOf(ProviderUnavailableException.class);
    }
    assertThat(texts).containsExactly("one ", "two ");
  }

  @ParameterizedTest
  @EnumSource(Vendor.class)
  void aRawReplyIsSentExactly(Vendor vendor) {
    fake.enqueue(Reply.raw(200, "application/json", "{\"unexpected\":true}"));
    try (ChatProvider adapter = provider(vendor, fake)) {
      assertThatThrownBy(() -> adapter.chat(ask(vendor, "Hi")))
          .isInstanceOf(ProviderException.class);
    }
  }
}
