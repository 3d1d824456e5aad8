package dev.aigateway.examples.stub;

import dev.aigateway.test.FakeVendor;
import dev.aigateway.test.ReceivedRequest;
import dev.aigateway.test.Reply;
import dev.aigateway.test.Vendor;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A small vendor served on loopback, so the examples (and the benchmarks) run offline: a
 * {@link FakeVendor} of {@code ai-gateway-test} whose every answer is a function of the last user
 * message. It speaks four wire formats, each plain or as an SSE stream of one event per word with
 * usage at the end, as the real APIs do (see {@link Vendor} for the paths):
 * <ul>
 *   <li>OpenAI: {@code POST /v1/chat/completions};
 *   <li>Azure OpenAI: {@code POST /openai/deployments/{deployment}/chat/completions} (OpenAI's
 *       format; the deployment is reported as the model);
 *   <li>Anthropic: {@code POST /v1/messages};
 *   <li>Gemini: {@code POST /v1beta/models/{model}:generateContent} and
 *       {@code :streamGenerateContent?alt=sse}.
 * </ul>
 * It checks no credentials; it is a stand-in for a vendor, not a test of one. Its usage counts
 * the question's words plus 8 in, and the answer's words out.
 *
 * <p>It counts the requests it served, and keeps none of them, so that a benchmark can run it
 * for millions of requests. Thread safe; close it when done.
 *
 * <p>An Anthropic request that ends with an assistant turn (a prefill, which the gateway sends to
 * continue a stream another vendor dropped) is answered with the rest of the answer after that
 * prefill, as Claude continues it.
 *
 * <p><b>Failures on purpose.</b> A stub can answer some requests with an HTTP error in the wire
 * format of the path that was called, chosen deterministically by request number (see
 * {@link Failures}): {@code StubVendor.start(answer, Failures.everyNth(3))} fails requests 3, 6,
 * 9… with the vendor's "overloaded" error (OpenAI 503, Anthropic 529 {@code overloaded_error},
 * Gemini 503 {@code UNAVAILABLE}), and {@link #failures(Failures)} changes that while it runs,
 * for an outage and a recovery. {@link #cutStreamsAfter(int)} drops streams mid-answer. Each stub
 * has its own port, count and failures, so an example can start two, one playing OpenAI and
 * failing, one playing Anthropic and healthy.
 */
public final class StubVendor implements AutoCloseable {
  private final FakeVendor vendor;
  private final Function<String, String> answer;
  private final Duration pace;
  private final AtomicInteger failed = new AtomicInteger();
  private volatile Failures failures;
  private volatile int cutStreamsAfter = -1;

  private StubVendor(Function<String, String> answer, Duration pace, Failures failures) {
    this.answer = Objects.requireNonNull(answer, "answer");
    this.pace = Objects.requireNonNull(pace, "pace");
    this.failures = Objects.requireNonNull(failures, "failures");
    this.vendor = new FakeVendor().keepRequests(0).defaultReply(this::reply).start();
  }

  /** Starts a stub that answers with {@code answer} applied to the last user message. */
  public static StubVendor start(Function<String, String> answer) {
    return start(answer, Duration.ZERO);
  }

  /**
   * Starts a stub that answers with {@code answer} applied to the last user message, and waits
   * {@code pace} between the words of a stream, so that a person can watch it arrive.
   */
  public static StubVendor start(Function<String, String> answer, Duration pace) {
    return start(answer, pace, Failures.none());
  }

  /**
   * Starts a stub that answers with {@code answer} applied to the last user message, except the
   * requests {@code failures} picks, which get an HTTP error in the vendor's format.
   */
  public static StubVendor start(Function<String, String> answer, Failures failures) {
    return start(answer, Duration.ZERO, failures);
  }

  /** Starts a stub with an answer, a pace between streamed words, and failures. */
  public static StubVendor start(
      Function<String, String> answer, Duration pace, Failures failures) {
    return new StubVendor(answer, pace, failures);
  }

  /** The base URL to give an OpenAI adapter, such as {@code http://127.0.0.1:40123/v1}. */
  public String baseUrl() {
    return vendor.baseUrl(Vendor.OPENAI);
  }

  /**
   * The server's root, such as {@code http://127.0.0.1:40123}: the base URL to give the Azure,
   * Anthropic and Gemini adapters, which add their own paths.
   */
  public String rootUrl() {
    return vendor.url();
  }

  /** How many chat requests it has served, those it failed on purpose included. */
  public int requestCount() {
    return vendor.requestCount();
  }

  /** How many chat requests it failed on purpose. */
  public int failedCount() {
    return failed.get();
  }

  /** The failures it injects now. */
  public Failures failures() {
    return failures;
  }

  /**
   * Changes which requests fail, from the next request on; request numbers keep counting from
   * the stub's start.
   */
  public void failures(Failures failures) {
    this.failures = Objects.requireNonNull(failures, "failures");
  }

  /**
   * Makes streams stop after {@code words} words, the connection dropping before the finish
   * reason as a vendor's broken connection does; -1 (the default) for whole streams.
   */
  public void cutStreamsAfter(int words) {
    this.cutStreamsAfter = words;
  }

  /** What the stub answers to {@code request}: a failure on purpose, or the answer. */
  private Reply reply(ReceivedRequest request) {
    Failures plan = failures;
    if (plan.fails(request.number())) {
      failed.incrementAndGet();
      Reply error = plan.status() != 0 ? Reply.error(plan.status()) : Reply.overloaded();
      return plan.retryAfter() == null ? error : error.withRetryAfter(plan.retryAfter());
    }
    String question = request.lastUserText();
    String text = answer.apply(question);
    String prefill = request.vendor() == Vendor.ANTHROPIC ? request.prefill() : null;
    if (prefill != null && text.startsWith(prefill)) {
      text = text.substring(prefill.length()); // continue the answer, as Claude does
    }
    int words = words(text);
    Reply reply = Reply.text(text).withUsage(words(question) + 8, words).paced(pace);
    int cut = cutStreamsAfter;
    return cut >= 0 && cut < words && request.isStream() ? reply.cutAfter(cut) : reply;
  }

  /** The number of streamed pieces: words, each with the spaces after it. */
  private static int words(String text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (!Character.isWhitespace(text.charAt(i))
          && (i == 0 || Character.isWhitespace(text.charAt(i - 1)))) {
        n++;
      }
    }
    return n;
  }

  @Override
  public void close() {
    vendor.close();
  }
}
