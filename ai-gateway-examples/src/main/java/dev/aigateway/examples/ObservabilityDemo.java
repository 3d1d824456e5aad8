package dev.aigateway.examples;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.RateLimitExceededException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.observation.ClientTags;
import dev.aigateway.core.observation.GenAi;
import dev.aigateway.core.observation.Observability;
import dev.aigateway.core.observation.PriceTable;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import dev.aigateway.examples.stub.Failures;
import dev.aigateway.examples.stub.StubVendor;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiProvider;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;

/**
 * The gateway's metrics, as Prometheus scrapes them. Three stub vendors run on loopback (one
 * speaking OpenAI's format, one Anthropic's, one Gemini's), so this runs offline with no keys.
 * A {@link PrometheusMeterRegistry} is the gateway's meter registry, and an
 * {@link ObservationRegistry} its observation registry; {@link Observability} prices the calls
 * with {@link PriceTable#example()} and tags two clients by name ({@code acme} and
 * {@code globex}; any other client id is tagged {@code _OTHER}).
 *
 * <p>It makes a mix of calls that touches every metric: plain chats to each vendor, a repeated
 * question answered by the response cache, a stream, a stream the OpenAI stub cuts after a few
 * words which Claude continues, an outage of the OpenAI stub (a retry, then a failover to
 * Claude, which opens GPT's circuit, so the next call skips it), and a client over its tiny
 * rate limit, whose call is rejected before anything is sent. It prints one line per call, a
 * short summary read back from the registry, and then the scrape: the text a Prometheus server
 * would fetch from {@code /metrics}. The Grafana dashboard
 * {@code grafana/ai-gateway-dashboard.json} (a resource of this module) charts those series.
 *
 * <p>Nothing waits real time except the stubs' pacing of a few milliseconds between the words
 * of a stream and a one-millisecond retry backoff.
 */
public final class ObservabilityDemo {
  /** The keys the demo gives the adapters; none of them may appear in the scrape. */
  static final List<String> STUB_KEYS =
      List.of("sk-stub-openai-obs-demo", "sk-ant-stub-obs-demo", "stub-gemini-key-obs-demo");

  static final Target GPT = new Target("openai", "gpt-4o");
  static final Target CLAUDE = new Target("anthropic", "claude-sonnet-4-5");

  private ObservabilityDemo() {}

  /** Runs the demo, printing the calls, a summary and the scrape. */
  public static void main(String[] args) throws Exception {
    run(System.out);
  }

  /**
   * Runs the demo, printing to {@code out}, and returns the Prometheus scrape it printed last.
   * Closes the gateway and the stubs before it returns.
   */
  public static String run(PrintStream out) throws Exception {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    ObservationRegistry observations = ObservationRegistry.create();
    RateLimits limits = RateLimits.builder()
        .defaultLimit(ClientLimit.requests(100, Duration.ofMinutes(1)))
        .client("globex", ClientLimit.requests(2, Duration.ofMinutes(1))) // tiny, on purpose
        .build();
    Duration pace = Duration.ofMillis(3);
    try (StubVendor openaiStub = StubVendor.start(ObservabilityDemo::answer, pace);
        StubVendor anthropicStub = StubVendor.start(ObservabilityDemo::answer, pace);
        StubVendor geminiStub = StubVendor.start(ObservabilityDemo::answer, pace);
        AiGateway gateway = AiGateway.builder()
            .provider(OpenAiProvider.builder()
                .baseUrl(openaiStub.baseUrl()).apiKey(Secret.of(STUB_KEYS.get(0))).build())
            .provider(AnthropicProvider.builder()
                .baseUrl(anthropicStub.rootUrl()).apiKey(Secret.of(STUB_KEYS.get(1))).build())
            .provider(GeminiProvider.builder()
                .baseUrl(geminiStub.rootUrl()).apiKey(Secret.of(STUB_KEYS.get(2))).build())
            .route(Route.builder("assistant")
                .target(GPT.providerId(), GPT.model())
                .fallback(CLAUDE.providerId(), CLAUDE.model())
                .build())
            .resilience(Resilience.builder()
                .maxRetries(1)
                .backoff(Duration.ofMillis(1), Duration.ofMillis(1)) // short, for the demo only
                .jitter(0)
                .failureThreshold(3) // three failures in a row open a circuit
                .build())
            .cache(ResponseCache.builder().ttl(Duration.ofMinutes(10)).build())
            .rateLimits(limits)
            .meterRegistry(meters)
            .observationRegistry(observations)
            .observability(Observability.builder()
                .prices(PriceTable.example())
                .clientTags(ClientTags.only(Set.of("acme", "globex")))
                .latestExperimental(false) // v1.41's names, whatever the environment says
                .captureContent(false)
                .build())
            .build()) {
      out.println("Three stub vendors on loopback (offline, no keys): OpenAI at "
          + openaiStub.rootUrl() + ", Anthropic at " + anthropicStub.rootUrl() + ", Gemini at "
          + geminiStub.rootUrl());
      out.println("Route: " + gateway.routes().get("assistant"));
      out.println();
      out.println("== Calls");

      chat(out, gateway, "acme", "assistant", "Where is my order?", "");
      chat(out, gateway, "acme", "assistant", "Where is my order?", "the same question again");
      chat(out, gateway, "globex", "gemini/gemini-2.5-flash", "Summarise our refund policy.", "");
      chat(out, gateway, "initech", "anthropic/claude-haiku-4-5", "Do you ship to Canada?",
          "a client without a tag of its own");
      stream(out, gateway, "acme", "assistant", "How long does delivery take?", "");

      openaiStub.cutStreamsAfter(4);
      stream(out, gateway, "acme", "assistant", "Can I change my delivery address?",
          "the OpenAI stub drops it after 4 words");
      openaiStub.cutStreamsAfter(-1);

      openaiStub.failures(Failures.always());
      chat(out, gateway, "acme", "assistant", "When will I get my refund?",
          "the OpenAI stub answers 503 to everything");
      openaiStub.failures(Failures.none());
      chat(out, gateway, "globex", "assistant", "How do I reset my password?",
          "GPT's circuit is open now");
      chat(out, gateway, "globex", "assistant", "Is there a student discount?",
          "globex may make 2 requests a minute");

      out.println();
      out.println("== Summary, read back from the registry");
      out.printf(Locale.ROOT, "calls: %d; cache hits: %d; retries: %d; failovers: %d;"
              + " stream rescues: %d; targets skipped: %d; rate-limit rejections: %d%n",
          meters.find(GenAi.CLIENT_OPERATION_DURATION).timers().stream()
              .mapToLong(Timer::count).sum(),
          count(meters, GenAi.CACHE_LOOKUPS, GenAi.CACHE, "hit"),
          count(meters, GenAi.RETRIES, null, null),
          count(meters, GenAi.FAILOVERS, null, null),
          count(meters, GenAi.STREAM_RESCUES, null, null),
          count(meters, GenAi.TARGETS_SKIPPED, null, null),
          count(meters, GenAi.RATE_LIMIT_DECISIONS, GenAi.RATE_LIMIT_OUTCOME, "rejected"));
      out.printf(Locale.ROOT, "cost by the example price table: %.6f USD; circuit of %s: %s%n",
          meters.find(GenAi.COST).counters().stream().mapToDouble(Counter::count).sum(),
          GPT, gateway.circuitState(GPT));
      out.println("The stubs got " + openaiStub.requestCount() + " (OpenAI, "
          + openaiStub.failedCount() + " failed on purpose), " + anthropicStub.requestCount()
          + " (Anthropic) and " + geminiStub.requestCount() + " (Gemini) requests.");

      String scrape = meters.scrape();
      out.println();
      out.println("== The Prometheus scrape");
      out.print(scrape);
      out.flush();
      return scrape;
    } finally {
      meters.close();
    }
  }

  /** One chat; prints who served it, or that it was throttled. */
  private static void chat(PrintStream out, AiGateway gateway, String client, String model,
      String question, String note) {
    ChatRequest request = ChatRequest.builder().model(model).user(question).clientId(client)
        .build();
    try {
      ChatResponse r = gateway.chat(request);
      line(out, client, "chat", model, served(r, r.attempts()), note);
    } catch (RateLimitExceededException e) {
      line(out, client, "chat", model, "throttled: " + e.getMessage(), note);
    }
  }

  /** One stream, read to its end; prints who finished it. */
  private static void stream(PrintStream out, AiGateway gateway, String client, String model,
      String question, String note) throws Exception {
    ChatRequest request = ChatRequest.builder().model(model).user(question).clientId(client)
        .build();
    Flow.Publisher<ChatChunk> chunks = gateway.stream(request);
    try {
      ChatResponse r = Quickstart.printStream(new PrintStream(OutputStream.nullOutputStream()),
          chunks);
      line(out, client, "stream", model, served(r, -1), note);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RateLimitExceededException t) {
        line(out, client, "stream", model, "throttled: " + t.getMessage(), note);
      } else {
        throw e;
      }
    }
  }

  private static String served(ChatResponse r, int attempts) {
    if (r.fromCache()) {
      return "answered from the cache";
    }
    return r.provider() + " (" + r.model() + ")"
        + (attempts > 0 ? " after " + attempts + " attempt" + (attempts == 1 ? "" : "s") : "")
        + ", " + r.usage().inputTokens() + "+" + r.usage().outputTokens() + " tokens";
  }

  private static void line(PrintStream out, String client, String how, String model,
      String what, String note) {
    out.printf(Locale.ROOT, "%-8s %-6s %-26s -> %s%s%n", client, how, model, what,
        note.isEmpty() ? "" : "   [" + note + "]");
  }

  /** The sum of the counters named {@code name}, those with {@code tag}={@code value} only. */
  private static long count(PrometheusMeterRegistry meters, String name, String tag,
      String value) {
    var search = meters.find(name);
    if (tag != null) {
      search = search.tag(tag, value);
    }
    return (long) search.counters().stream().mapToDouble(Counter::count).sum();
  }

  /** What every stub answers. */
  private static String answer(String question) {
    String q = question.toLowerCase(Locale.ROOT);
    if (q.contains("order")) {
      return "Your parcel left our warehouse yesterday and arrives on Thursday.";
    }
    if (q.contains("refund")) {
      return "Refunds reach your card within five business days of our receiving the return.";
    }
    if (q.contains("address")) {
      return "Yes, until the parcel ships: open the order and choose Change address.";
    }
    if (q.contains("delivery")) {
      return "Delivery takes two to four business days within the country.";
    }
    if (q.contains("password")) {
      return "Use Forgot password on the sign-in page; the link is valid for an hour.";
    }
    if (q.contains("canada")) {
      return "Yes, we ship to Canada; delivery takes five to eight business days.";
    }
    return "Noted: " + question;
  }
}
