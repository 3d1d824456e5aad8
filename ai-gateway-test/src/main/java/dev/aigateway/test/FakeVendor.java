package dev.aigateway.test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.HttpUrl;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fake AI vendor on loopback that speaks OpenAI's, Azure OpenAI's, Anthropic's and Gemini's
 * wire formats, for tests of code that calls them: point a real adapter (or any client of those
 * APIs) at {@link #baseUrl(Vendor)}, script what it answers, and check what it received.
 *
 * <pre>{@code
 * @RegisterExtension final FakeVendor vendor = new FakeVendor();   // started and closed per test
 *
 * @Test void answers() {
 *   ChatProvider openai = OpenAiProvider.builder()
 *       .baseUrl(vendor.baseUrl(Vendor.OPENAI)).apiKey(Secret.of("sk-test")).build();
 *   vendor.enqueue(Reply.text("Hello!").withUsage(12, 3));
 *   assertThat(openai.chat(ChatRequest.of("gpt-4o", "Hi")).text()).isEqualTo("Hello!");
 *   assertThat(vendor.takeRequest().apiKey()).isEqualTo("sk-test");
 * }
 * }</pre>
 *
 * <p><b>What it answers.</b> Each request takes the next {@link Reply} from the queue
 * ({@link #enqueue}), in the order the requests arrive; when the queue is empty it answers with
 * the {@linkplain #defaultReply(Function) default reply}, by default
 * {@code Reply.text("Fake reply to: " + request.lastUserText())}. The vendor is recognised from
 * the path (see {@link Vendor}), and the reply is written in that vendor's format, plain or as
 * that vendor's stream when the request asked for one. A path no vendor uses gets a 404 and takes
 * no reply; a method other than POST gets a 405 in the vendor's format.
 *
 * <p><b>What it received.</b> Every request is recorded before its reply is sent, so after a
 * call returns its request is there: {@link #takeRequest()} hands them out one by one in order
 * of arrival, {@link #requests()} lists them, {@link #requestCount()} counts them. It checks no
 * credentials: it records them ({@link ReceivedRequest#apiKey()}) for the test to check.
 *
 * <p><b>Lifecycle.</b> Not started by the constructor: {@link #start()}, or the first
 * {@link #url()} or {@link #baseUrl(Vendor)}, starts it on a free loopback port; {@link #close()}
 * stops it, ending any stall or pause at once. As a JUnit 5 extension
 * ({@code @RegisterExtension}), an instance field is started before each test and closed after
 * it; a static field is started before all tests of the class, {@linkplain #reset() reset} after
 * each and closed after all. With {@link #requireAllRepliesUsed()}, a test that passed fails when
 * a scripted reply was never requested. For injected parameters, see
 * {@link FakeVendorExtension}.
 *
 * <p>Thread safe: requests may arrive on several connections at once, and the test may script
 * and inspect while they do. Nothing in it logs, and {@link #toString()} shows no header or body.
 */
public final class FakeVendor
    implements AutoCloseable, BeforeEachCallback, AfterEachCallback, BeforeAllCallback,
        AfterAllCallback {
  /** How long {@link #takeRequest()} waits for a request before it fails: 10 s. */
  public static final Duration DEFAULT_TAKE_TIMEOUT = Duration.ofSeconds(10);

  private static final Function<ReceivedRequest, Reply> ECHO =
      request -> Reply.text("Fake reply to: " + request.lastUserText());

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition arrived = lock.newCondition();
  private final ArrayDeque<Reply> replies = new ArrayDeque<>();
  private final ArrayDeque<ReceivedRequest> kept = new ArrayDeque<>();
  private final ArrayDeque<ReceivedRequest> untaken = new ArrayDeque<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Responder responder = new Responder(closing);
  private volatile Function<ReceivedRequest, Reply> defaultReply = ECHO;
  private volatile boolean requireAllRepliesUsed;
  private int count;
  private int keep = Integer.MAX_VALUE;
  private volatile @Nullable MockWebServer server;
  private @Nullable String url;
  private boolean closed;
  private volatile boolean perClass;

  /** A vendor, not yet started. */
  public FakeVendor() {}

  // ---------------------------------------------------------------- lifecycle

  /**
   * Starts it on a free port of the loopback interface, if it is not running yet.
   *
   * @return this vendor
   * @throws IllegalStateException when it was closed
   * @throws UncheckedIOException when no port can be had
   */
  public FakeVendor start() {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("this FakeVendor was closed; make a new one");
      }
      if (server != null) {
        return this;
      }
      MockWebServer s = new MockWebServer();
      s.setServerSocketFactory(new NoDelayServerSockets());
      s.setDispatcher(new Dispatch());
      InetAddress loopback = InetAddress.getLoopbackAddress();
      s.start(loopback, 0);
      server = s;
      url = new HttpUrl.Builder().scheme("http").host(loopback.getHostAddress())
          .port(s.getPort()).build().toString().replaceAll("/$", "");
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the fake vendor on loopback", e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The server's root, such as {@code http://127.0.0.1:40123}, with no trailing slash; starts
   * the vendor if needed.
   */
  public String url() {
    start();
    lock.lock();
    try {
      return Objects.requireNonNull(url);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The base URL to give {@code vendor}'s adapter, as its builder's {@code baseUrl(...)} takes
   * it: {@code http://127.0.0.1:port/v1} for OpenAI (and the OpenAI-compatible presets), the
   * root for Azure (the resource endpoint), Anthropic and Gemini. Starts the vendor if needed.
   * One vendor serves all four at once.
   */
  public String baseUrl(Vendor vendor) {
    return url() + vendor.basePath();
  }

  /** Stops it: open connections are closed, stalls and pauses end. Idempotent. */
  @Override
  public void close() {
    MockWebServer s;
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      s = server;
      arrived.signalAll();
    } finally {
      lock.unlock();
    }
    closing.countDown();
    if (s != null) {
      s.close();
    }
  }

  // ---------------------------------------------------------------- scripting

  /** Adds {@code replies} to the end of the queue: each answers one request, in order. */
  public FakeVendor enqueue(Reply... replies) {
    List<Reply> list = Arrays.asList(replies.clone());
    list.forEach(r -> Objects.requireNonNull(r, "replies"));
    lock.lock();
    try {
      this.replies.addAll(list);
    } finally {
      lock.unlock();
    }
    return this;
  }

  /** Answers {@code reply} to every request that finds the queue empty. */
  public FakeVendor defaultReply(Reply reply) {
    Objects.requireNonNull(reply, "reply");
    return defaultReply(request -> reply);
  }

  /**
   * Answers what {@code answer} makes of the request to every request that finds the queue
   * empty, such as {@code r -> Reply.text("You said: " + r.lastUserText())}. It runs on the
   * vendor's threads; if it throws, that request gets an HTTP 500 naming the exception.
   */
  public FakeVendor defaultReply(Function<ReceivedRequest, Reply> answer) {
    this.defaultReply = Objects.requireNonNull(answer, "answer");
    return this;
  }

  /**
   * Makes the JUnit extension fail a test that otherwise passed when a scripted reply is still
   * queued after it (checked after each test, before closing). Off by default.
   */
  public FakeVendor requireAllRepliesUsed() {
    this.requireAllRepliesUsed = true;
    return this;
  }

  /**
   * Keeps at most the last {@code max} requests for {@link #requests()} and
   * {@link #takeRequest()}; {@link #requestCount()} still counts them all. Unbounded by default;
   * bound it for long runs, such as benchmarks, so that memory stays flat.
   */
  public FakeVendor keepRequests(int max) {
    if (max < 0) {
      throw new IllegalArgumentException("max must be >= 0 but was " + max);
    }
    lock.lock();
    try {
      keep = max;
      trim();
    } finally {
      lock.unlock();
    }
    return this;
  }

  /** The scripted replies not requested yet, in order. */
  public List<Reply> pendingReplies() {
    lock.lock();
    try {
      return List.copyOf(replies);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Checks that every scripted reply was requested.
   *
   * @throws AssertionError listing the replies still queued
   */
  public void assertAllRepliesUsed() {
    List<Reply> pending = pendingReplies();
    if (!pending.isEmpty()) {
      throw new AssertionError(pending.size() + " scripted "
          + (pending.size() == 1 ? "reply was" : "replies were") + " never requested: "
          + pending + " (the fake vendor received " + requestCount() + " requests)");
    }
  }

  /** Forgets the queued replies and the requests received, and counts from 1 again. */
  public void reset() {
    lock.lock();
    try {
      replies.clear();
      kept.clear();
      untaken.clear();
      count = 0;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- what arrived

  /**
   * The next request not taken yet, in order of arrival, waiting up to
   * {@link #DEFAULT_TAKE_TIMEOUT} for one.
   *
   * @throws AssertionError when none arrives in time
   */
  public ReceivedRequest takeRequest() {
    return takeRequest(DEFAULT_TAKE_TIMEOUT);
  }

  /**
   * The next request not taken yet, in order of arrival, waiting up to {@code timeout} for one.
   *
   * @throws AssertionError when none arrives in time, saying how many arrived
   */
  public ReceivedRequest takeRequest(Duration timeout) {
    long remaining = timeout.toNanos();
    lock.lock();
    try {
      while (untaken.isEmpty()) {
        if (remaining <= 0 || closed) {
          throw new AssertionError("no request reached the fake vendor within "
              + timeout.toMillis() + " ms (" + count + " arrived, all taken)");
        }
        remaining = arrived.awaitNanos(remaining);
      }
      return untaken.pollFirst();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for a request", e);
    } finally {
      lock.unlock();
    }
  }

  /** Every request received (the last {@link #keepRequests kept} ones), in order of arrival. */
  public List<ReceivedRequest> requests() {
    lock.lock();
    try {
      return List.copyOf(kept);
    } finally {
      lock.unlock();
    }
  }

  /** How many requests reached it since it started (or since {@link #reset()}). */
  public int requestCount() {
    lock.lock();
    try {
      return count;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- JUnit 5

  /** Starts it before each test (when registered as an instance field). */
  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  /**
   * After each test: checks that every reply was used when {@link #requireAllRepliesUsed()} asks
   * for it and the test passed, then closes it (an instance field) or resets it (a static one).
   */
  @Override
  public void afterEach(ExtensionContext context) {
    try {
      if (requireAllRepliesUsed && context.getExecutionException().isEmpty()) {
        assertAllRepliesUsed();
      }
    } finally {
      if (perClass) {
        reset();
      } else {
        close();
      }
    }
  }

  /** Starts it before all tests of the class (when registered as a static field). */
  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
    start();
  }

  /** Closes it after all tests of the class (when registered as a static field). */
  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  // ---------------------------------------------------------------- internals

  private ReceivedRequest record(RecordedRequest rr, @Nullable Vendor vendor) {
    HttpUrl u = rr.getUrl();
    Map<String, List<String>> query = new LinkedHashMap<>();
    for (String name : u.queryParameterNames()) {
      query.put(name, u.queryParameterValues(name).stream()
          .map(v -> v == null ? "" : v).toList());
    }
    String body = rr.getBody() == null ? "" : rr.getBody().utf8();
    lock.lock();
    try {
      ReceivedRequest request = new ReceivedRequest(++count, vendor, rr.getMethod(),
          u.encodedPath(), query, rr.getHeaders().toMultimap(), body);
      kept.addLast(request);
      untaken.addLast(request);
      trim();
      arrived.signalAll();
      return request;
    } finally {
      lock.unlock();
    }
  }

  private void trim() {
    while (kept.size() > keep) {
      kept.pollFirst();
    }
    while (untaken.size() > keep) {
      untaken.pollFirst();
    }
  }

  private Reply next(ReceivedRequest request) {
    lock.lock();
    try {
      Reply r = replies.pollFirst();
      if (r != null) {
        return r;
      }
    } finally {
      lock.unlock();
    }
    try {
      return Objects.requireNonNull(defaultReply.apply(request), "the default reply");
    } catch (RuntimeException e) {
      return Reply.error(500, null, "FakeVendor: the default reply failed: " + e);
    }
  }

  /** Records each request, then answers it with the next reply in its vendor's format. */
  private final class Dispatch extends Dispatcher {
    @Override
    public MockResponse dispatch(RecordedRequest rr) throws InterruptedException {
      MockWebServer s = server;
      if (s != null) {
        // MockWebServer keeps every request in a queue of its own; this vendor keeps its own
        // record, so drop one from MockWebServer's each time, or a long run would fill the heap.
        s.takeRequest(0, TimeUnit.NANOSECONDS);
      }
      if (rr.getFailure() != null) {
        return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
      }
      String path = rr.getUrl().encodedPath();
      Vendor vendor = Vendor.ofPath(path);
      ReceivedRequest request = record(rr, vendor);
      try {
        if (vendor == null) {
          return notFound(request);
        }
        if (!"POST".equals(request.method())) {
          return responder.respond(Reply.error(405, null,
              "FakeVendor: " + request.method() + " is not allowed, use POST"), request, vendor);
        }
        return responder.respond(next(request), request, vendor);
      } catch (RuntimeException e) {
        return new MockResponse.Builder().code(500).setHeader("Content-Type", "text/plain")
            .body("FakeVendor could not write its reply: " + e).build();
      }
    }
  }

  private static MockResponse notFound(ReceivedRequest request) {
    String message = "FakeVendor has no vendor API at " + request.method() + " "
        + request.path() + ". It serves POST .../chat/completions (OpenAI, and Azure under"
        + " /openai/), .../v1/messages (Anthropic, and Claude on Vertex AI's"
        + " .../publishers/anthropic/models/{model}:rawPredict or :streamRawPredict) and"
        + " .../models/{model}:generateContent or :streamGenerateContent (Gemini); check the"
        + " adapter's base URL.";
    String body = Format.write(Format.JSON.createObjectNode().set("error",
        Format.JSON.createObjectNode().put("message", message)
            .put("type", "invalid_request_error").put("code", "not_found")));
    return new MockResponse.Builder().code(404).setHeader("Content-Type", "application/json")
        .body(body).build();
  }

  /**
   * Server sockets whose connections send each write at once (TCP_NODELAY). Without it, Nagle's
   * algorithm and the client's delayed ACK add about 40 ms to every exchange of small writes.
   */
  private static final class NoDelayServerSockets extends ServerSocketFactory {
    @Override
    public ServerSocket createServerSocket() throws IOException {
      return new ServerSocket() {
        @Override
        public Socket accept() throws IOException {
          Socket socket = super.accept();
          socket.setTcpNoDelay(true);
          return socket;
        }
      };
    }

    @Override
    public ServerSocket createServerSocket(int port) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) {
      throw new UnsupportedOperationException();
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress address) {
      throw new UnsupportedOperationException();
    }
  }

  /** Such as {@code FakeVendor[http://127.0.0.1:40123, 3 requests, 1 reply queued]}. */
  @Override
  public String toString() {
    lock.lock();
    try {
      return "FakeVendor[" + (closed ? "closed" : url == null ? "not started" : url) + ", "
          + count + " requests, " + replies.size() + " replies queued]";
    } finally {
      lock.unlock();
    }
  }
}
