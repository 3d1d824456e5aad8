package dev.aigateway.examples;

import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.StreamAccumulator;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.spi.Timing;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import dev.aigateway.examples.stub.Failures;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Customer service, A/B tested between GPT and Claude, while one vendor misbehaves.
 *
 * <p>Two stub vendors run on loopback, so this runs offline with no keys: one speaks OpenAI's
 * format and fails every third request with 503, the other speaks Anthropic's and is healthy.
 * The route {@code support} splits customers 50/50 between {@code openai/gpt-4o-mini} and
 * {@code anthropic/claude-haiku-4-5}, sticky by {@code clientId}, each arm falling back to the
 * other. For every call it prints who answered and why, as an {@link GatewayEventListener} heard it:
 * retries, a failover during an outage (in a stream), a skipped open circuit, the probe that
 * closes it again, and then a live {@code routes().replace(...)} to 0/100.
 *
 * <p>Time is simulated: the gateway's ticker is a fake one that its sleeper advances, so the
 * backoffs and the circuit's 30 s cooldown pass without waiting, and the output is the same on
 * every run (jitter is off for that reason only; keep it on in production).
 */
public final class CustomerServiceAB {
  static final Target GPT = new Target("openai", "gpt-4o-mini");
  static final Target CLAUDE = new Target("anthropic", "claude-haiku-4-5");
  private static final String INDENT = "             ";

  /** Customer and question; the customers are sticky on their arm of the split. */
  private static final Map<String, String> CUSTOMERS = new LinkedHashMap<>();

  static {
    CUSTOMERS.put("customer-17", "Where is my order?");
    CUSTOMERS.put("customer-23", "How do I reset my password?");
    CUSTOMERS.put("customer-26", "Do you ship to Canada?");
    CUSTOMERS.put("customer-42", "When will I get my refund?");
    CUSTOMERS.put("customer-58", "Can I change my delivery address?");
    CUSTOMERS.put("customer-99", "Where is my order?");
  }

  private CustomerServiceAB() {}

  /** Runs the example. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /** Runs the example, printing to {@code out}. */
  static void run(PrintStream out) throws Exception {
    SimulatedTime clock = new SimulatedTime();
    Journal journal = new Journal(out);
    try (StubVendor openaiStub = StubVendor.start(CustomerServiceAB::answer, Failures.everyNth(3));
        StubVendor anthropicStub = StubVendor.start(CustomerServiceAB::answer, Failures.none());
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder()
                .baseUrl(openaiStub.baseUrl()).apiKey(Secret.of("sk-stub-openai")).build())
            .provider(AnthropicProvider.builder()
                .baseUrl(anthropicStub.rootUrl()).apiKey(Secret.of("sk-ant-stub")).build())
            .route(support(50, 50))
            .resilience(Resilience.builder()
                .maxRetries(2)                      // the default, spelled out
                .failureThreshold(3)                // open after 3 failures in a row
                .cooldown(Duration.ofSeconds(30))   // the default
                .jitter(0)                          // only so that the output is reproducible
                .build())
            .eventListener(journal)
            .timing(clock.timing())                 // backoffs pass on the simulated ticker
            .build()) {

      out.println("Two stub vendors on loopback (offline, no keys):");
      out.println("  \"OpenAI\"    at " + openaiStub.baseUrl()
          + ", failing every 3rd request with 503 server_error");
      out.println("  \"Anthropic\" at " + anthropicStub.rootUrl() + ", healthy");
      out.println("Route: " + gateway.routes().get("support"));
      out.println("Time is simulated: backoffs and cooldowns pass without waiting.");

      Map<String, String> firstArm = new LinkedHashMap<>();
      Tally tally = new Tally();

      out.println();
      out.println("== 1. A/B test, 50/50 and sticky by customer; the OpenAI stub fails every"
          + " 3rd request with 503");
      for (var c : CUSTOMERS.entrySet()) {
        ChatResponse r = ask(out, gateway, journal, tally, c.getKey(), c.getValue(), false);
        if (r != null) {
          firstArm.put(c.getKey(), r.provider());
        }
      }

      out.println();
      out.println("== 2. Outage: the OpenAI stub now fails every request; GPT's customers fail"
          + " over to Claude");
      openaiStub.failures(Failures.always());
      for (var c : CUSTOMERS.entrySet()) {
        boolean firstOnGpt = "openai".equals(firstArm.get(c.getKey()))
            && !tally.streamed;
        ask(out, gateway, journal, tally, c.getKey(), c.getValue(), firstOnGpt);
      }

      out.println();
      clock.advance(Duration.ofSeconds(31));
      openaiStub.failures(Failures.none());
      out.println("== 3. 31 s later (simulated) OpenAI has recovered: the circuit's cooldown is"
          + " over, one probe goes through and closes it");
      for (var c : CUSTOMERS.entrySet()) {
        if ("openai".equals(firstArm.get(c.getKey()))) {
          ask(out, gateway, journal, tally, c.getKey(), c.getValue(), false);
        }
      }

      out.println();
      Route migrated = support(0, 100);
      gateway.routes().replace(migrated);
      out.println("== 4. Live change, no restart: gateway.routes().replace(...) with the split "
          + migrated.targets());
      for (var c : CUSTOMERS.entrySet()) {
        ChatResponse r = ask(out, gateway, journal, tally, c.getKey(), c.getValue(), false);
        String before = firstArm.get(c.getKey());
        if (r != null && before != null) {
          out.println(INDENT + (before.equals(r.provider()) ? "stayed on " + before
              : "moved from " + before + " to " + r.provider()));
        }
      }

      out.println();
      gateway.routes().replace(support(100, 0));
      openaiStub.cutStreamsAfter(6);
      out.println("== 5. A stream cut mid-answer: GPT first again, and the OpenAI stub drops its"
          + " streams after 6 words; Claude continues the answer from where it stopped");
      String customer = CUSTOMERS.keySet().iterator().next();
      ChatRequest question = ChatRequest.builder()
          .model("support")
          .system("You are a friendly customer service agent. Answer in one sentence.")
          .user(CUSTOMERS.get(customer))
          .clientId(customer)
          .build();
      out.printf(Locale.ROOT, "%-12s asks: %s  (streamed)%n", customer, CUSTOMERS.get(customer));
      journal.start();
      ChatResponse rescued = printStream(out, gateway.stream(question));
      int attempts = journal.finish();
      out.println(INDENT + "=> " + rescued.provider() + " (" + rescued.model() + ") finished the"
          + " answer after " + attempts + " attempts; the subscriber received one answer:");
      out.println(INDENT + "   \"" + rescued.text() + "\"");
      out.println(INDENT + "   (the same as a whole answer: "
          + rescued.text().equals(answer(CUSTOMERS.get(customer))) + ")");
      openaiStub.cutStreamsAfter(-1);

      out.println();
      out.println("== Summary");
      for (Target t : List.of(GPT, CLAUDE)) {
        out.printf(Locale.ROOT, "%-27s answered %2d calls; %d failed attempts, skipped %d"
                + " times; circuit now %s%n", t, tally.answered(t), journal.count("failed", t),
            journal.count("skipped", t), gateway.circuitState(t));
      }
      out.println("The OpenAI stub got " + openaiStub.requestCount() + " requests and failed "
          + openaiStub.failedCount() + " of them; the Anthropic stub got "
          + anthropicStub.requestCount() + " and failed " + anthropicStub.failedCount() + ".");
      out.println("Every customer got an answer: " + (tally.unanswered == 0 ? "yes"
          : "no, " + tally.unanswered + " did not"));
    }
  }

  /** The support route: weights {@code gpt} for GPT and {@code claude} for Claude. */
  static Route support(int gpt, int claude) {
    return Route.builder("support")
        .target(GPT.providerId(), GPT.model(), gpt)
        .target(CLAUDE.providerId(), CLAUDE.model(), claude)
        // A fallback equal to the split's pick is not tried twice, so each arm falls back on the
        // other.
        .fallback(CLAUDE.providerId(), CLAUDE.model())
        .fallback(GPT.providerId(), GPT.model())
        .build();
  }

  /** One customer's question, plain or streamed; prints who answered and why. */
  private static ChatResponse ask(PrintStream out, AiGateway gateway, Journal journal,
      Tally tally, String customer, String question, boolean stream) throws Exception {
    ChatRequest request = ChatRequest.builder()
        .model("support")
        .system("You are a friendly customer service agent. Answer in one sentence.")
        .user(question)
        .clientId(customer)
        .build();
    out.printf(Locale.ROOT, "%-12s asks: %s%s%n", customer, question,
        stream ? "  (streamed)" : "");
    journal.start();
    ChatResponse response;
    int attempts;
    try {
      if (stream) {
        response = printStream(out, gateway.stream(request));
        tally.streamed = true;
        // A stream's answer is put together from its chunks, which do not say how many
        // attempts the gateway made; the listener counted them.
        attempts = journal.finish();
      } else {
        response = gateway.chat(request);
        journal.finish();
        attempts = response.attempts();
      }
    } catch (AllTargetsFailedException e) {
      journal.finish();
      out.println(INDENT + "=> no answer; every target failed:");
      e.attempts().forEach(a -> out.println(INDENT + "   " + a.provider() + "/" + a.model()
          + ": " + a.error().getMessage()));
      tally.unanswered++;
      return null;
    }
    tally.answered.merge(response.provider(), 1, Integer::sum);
    out.println(INDENT + "=> " + response.provider() + " (" + response.model()
        + ") answered after " + attempts + " attempt" + (attempts == 1 ? "" : "s")
        + (stream ? ", streamed above" : ": " + response.text()));
    return response;
  }

  /** Prints a stream's text as it arrives, after a label, and returns the whole answer. */
  private static ChatResponse printStream(PrintStream out, Flow.Publisher<ChatChunk> stream)
      throws Exception {
    CompletableFuture<ChatResponse> done = new CompletableFuture<>();
    stream.subscribe(new Flow.Subscriber<>() {
      private final StreamAccumulator accumulator = new StreamAccumulator();
      private boolean started;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        s.request(Long.MAX_VALUE);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        if (!started) {
          started = true;
          out.print(INDENT + "stream: ");
        }
        out.print(chunk.textDelta());
        out.flush();
        accumulator.accept(chunk);
      }

      @Override
      public void onError(Throwable t) {
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        out.println();
        done.complete(accumulator.toResponse());
      }
    });
    try {
      return done.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** What each stub says; the same for both, so the output shows the gateway, not the answer. */
  private static String answer(String question) {
    String q = question.toLowerCase(Locale.ROOT);
    if (q.contains("order")) {
      return "Your parcel left our warehouse yesterday and arrives on Thursday.";
    }
    if (q.contains("password")) {
      return "Use \"Forgot password\" on the sign-in page; the link is valid for an hour.";
    }
    if (q.contains("refund")) {
      return "Refunds reach your card within five business days of our receiving the return.";
    }
    if (q.contains("address")) {
      return "Yes, until the parcel ships: open the order and choose \"Change address\".";
    }
    return "Yes, we ship to Canada; delivery takes five to eight business days.";
  }

  /**
   * Prints the gateway's attempt events as they happen, one line each: what failed and how,
   * what was retried after how long, what was skipped, where the call failed over to, and
   * circuit changes; and counts them. Events arrive on the calling thread, or on the stream's;
   * the methods are synchronized.
   */
  static final class Journal implements GatewayEventListener {
    private final PrintStream out;
    private final List<String> events = new ArrayList<>(); // such as "failed openai/gpt-4o-mini"
    private String pending; // a failure, printed once we know what comes of it
    private int attempts;

    Journal(PrintStream out) {
      this.out = out;
    }

    @Override
    public synchronized void attemptStart(CallInfo call, Target target, int attempt) {
      attempts++;
    }

    @Override
    public synchronized void attemptEnd(CallInfo call, Target target, int attempt,
        AttemptOutcome outcome, Duration duration, int httpStatus, Throwable failure) {
      flush("");
      if (outcome == AttemptOutcome.FAILURE) {
        events.add("failed " + target);
        pending = "attempt " + attempt + ": " + target + " failed with " + describe(failure);
      }
    }

    @Override
    public synchronized void retry(CallInfo call, Target target, int nextAttempt,
        Duration delay) {
      flush(", retried after " + delay.toMillis() + " ms");
    }

    @Override
    public synchronized void targetSkipped(CallInfo call, Target target, SkipReason reason,
        Throwable detail) {
      flush("");
      events.add("skipped " + target);
      print(detail.getMessage());
    }

    @Override
    public synchronized void failover(CallInfo call, Target from, Target to, Throwable cause) {
      flush(", not retried on it");
      print("failed over from " + from + " to " + to);
    }

    @Override
    public synchronized void streamRescue(CallInfo call, Target from, Target to,
        Throwable cause, RescueKind kind) {
      out.println();
      flush(" mid-stream");
      print("rescued: " + to + (kind == RescueKind.CONTINUATION
          ? " continues the answer from the text so far (an assistant prefill)"
          : " restarts the answer") + "; the stream goes on:");
      out.print(INDENT + "stream: ");
    }

    @Override
    public synchronized void circuitStateChange(CallInfo call, Target target, CircuitState from,
        CircuitState to) {
      flush("");
      print("circuit of " + target + ": " + from + " -> " + to + switch (to) {
        case OPEN -> " (too many failures in a row: calls skip it for 30 s)";
        case HALF_OPEN -> " (the cooldown is over: this call is the probe)";
        case CLOSED -> " (the probe succeeded)";
      });
    }

    @Override
    public synchronized void callEnd(CallInfo call, Duration duration, Throwable failure) {
      flush(failure != null ? ", the call ends" : "");
    }

    /** Starts a call. */
    synchronized void start() {
      pending = null;
      attempts = 0;
    }

    /** Ends a call: prints what is pending and returns the attempts the call made. */
    synchronized int finish() {
      flush("");
      return attempts;
    }

    synchronized int count(String kind, Target target) {
      String event = kind + " " + target;
      return (int) events.stream().filter(event::equals).count();
    }

    private void flush(String consequence) {
      if (pending != null) {
        print(pending + consequence);
        pending = null;
      }
    }

    private void print(String line) {
      out.println(INDENT + line);
    }

    private static String describe(Throwable failure) {
      if (failure instanceof ProviderException p && p.statusCode() > 0) {
        return "HTTP " + p.statusCode() + (p.errorCode() != null ? " " + p.errorCode() : "");
      }
      return failure.getClass().getSimpleName() + ": " + failure.getMessage();
    }
  }

  /** Who answered how often. */
  private static final class Tally {
    final Map<String, Integer> answered = new LinkedHashMap<>();
    int unanswered;
    boolean streamed;

    int answered(Target t) {
      return answered.getOrDefault(t.providerId(), 0);
    }
  }

  /** Time that stands still until advanced; the gateway's sleeper advances it. */
  static final class SimulatedTime {
    private final AtomicLong nanos = new AtomicLong();
    private final Timing timing = Timing.builder()
        .ticker(nanos::get)
        .sleeper(this::advance)
        .random(new java.util.Random(7))
        .build();

    void advance(Duration d) {
      nanos.addAndGet(d.toNanos());
    }

    Timing timing() {
      return timing;
    }
  }
}
