package dev.aigateway.core.observation;

import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * How the gateway observes its calls, once {@code AiGateway.builder().observationRegistry(...)}
 * or {@code .meterRegistry(...)} is set: the conventions that name and tag the observations,
 * the price table for cost, which client ids may be tags, whether prompt and completion content
 * is captured, and which edition of the GenAI metric names is emitted. Immutable; set with
 * {@code AiGateway.builder().observability(...)}.
 *
 * <p><b>Defaults</b> read the environment as the OpenTelemetry conventions ask:
 * {@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT} ({@code true}, or
 * {@code SPAN_ONLY} / {@code SPAN_AND_EVENT}, turns content capture on; anything else leaves it
 * off) and {@code OTEL_SEMCONV_STABILITY_OPT_IN} (a comma-separated list; containing
 * {@code gen_ai_latest_experimental} switches to the newest experimental metric names, see
 * {@link #latestExperimental()}). The builder's settings win over the environment.
 */
public final class Observability {
  /** The environment variable that turns content capture on. */
  public static final String CAPTURE_CONTENT_ENV = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
  /** The environment variable whose {@value #LATEST_EXPERIMENTAL} opts into the newest names. */
  public static final String STABILITY_OPT_IN_ENV = "OTEL_SEMCONV_STABILITY_OPT_IN";
  /** The opt-in value for the newest experimental GenAI conventions. */
  public static final String LATEST_EXPERIMENTAL = "gen_ai_latest_experimental";

  private final GatewayObservationConvention convention;
  private final AttemptObservationConvention attemptConvention;
  private final @Nullable PriceTable prices;
  private final ClientTags clientTags;
  private final boolean captureContent;
  private final boolean latestExperimental;

  private Observability(Builder b) {
    this.convention = b.convention;
    this.attemptConvention = b.attemptConvention;
    this.prices = b.prices;
    this.clientTags = b.clientTags;
    this.captureContent = b.captureContent != null ? b.captureContent
        : captureFromEnv(System.getenv(CAPTURE_CONTENT_ENV));
    this.latestExperimental = b.latestExperimental != null ? b.latestExperimental
        : optInFromEnv(System.getenv(STABILITY_OPT_IN_ENV));
  }

  /** The defaults: default conventions, no prices, no client tags, the environment's choices. */
  public static Observability defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  static boolean captureFromEnv(@Nullable String value) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toUpperCase(Locale.ROOT);
    return v.equals("TRUE") || v.equals("SPAN_ONLY") || v.equals("SPAN_AND_EVENT");
  }

  static boolean optInFromEnv(@Nullable String value) {
    if (value == null) {
      return false;
    }
    for (String part : value.split(",")) {
      if (part.trim().equals(LATEST_EXPERIMENTAL)) {
        return true;
      }
    }
    return false;
  }

  /** The convention of each call's observation. */
  public GatewayObservationConvention convention() {
    return convention;
  }

  /** The convention of each attempt's observation. */
  public AttemptObservationConvention attemptConvention() {
    return attemptConvention;
  }

  /** The prices for the cost counter, or null for none (no cost is counted). */
  public @Nullable PriceTable prices() {
    return prices;
  }

  /** Which client ids may be tags. */
  public ClientTags clientTags() {
    return clientTags;
  }

  /**
   * Whether the call's observation carries the prompt and the answer
   * ({@code gen_ai.system_instructions}, {@code gen_ai.input.messages},
   * {@code gen_ai.output.messages}, as JSON). Keys never appear, whatever this says.
   */
  public boolean captureContent() {
    return captureContent;
  }

  /**
   * Whether the newest experimental GenAI metric names are emitted instead of v1.41's: the
   * {@code gen_ai.client.inference.*} histograms in place of the {@code gen_ai.client.operation.*}
   * ones, and per-type token counters ({@code gen_ai.client.inference.usage.input_tokens},
   * {@code .output_tokens}, {@code .cache_read.input_tokens}, {@code .reasoning.output_tokens})
   * with the per-call {@code gen_ai.client.inference.operation.input_tokens} and
   * {@code .output_tokens} histograms in place of {@code gen_ai.client.token.usage}.
   */
  public boolean latestExperimental() {
    return latestExperimental;
  }

  /**
   * The listener factory that observes each call, which {@code AiGateway} installs when a
   * registry is set; applications do not need it. At least one registry must be given.
   *
   * @param observations where observations go, or null for none
   * @param meters where metrics go, or null for none
   * @param settings how
   * @param providers the gateway's providers by id (their vendor names and servers)
   * @param circuits reads a target's circuit state, for the circuit gauges
   */
  public static dev.aigateway.api.spi.GatewayEventListener.Factory listenerFactory(
      io.micrometer.observation.@Nullable ObservationRegistry observations,
      io.micrometer.core.instrument.@Nullable MeterRegistry meters, Observability settings,
      java.util.Map<String, dev.aigateway.api.spi.ChatProvider> providers,
      java.util.function.Function<dev.aigateway.api.spi.Target,
          dev.aigateway.api.spi.CircuitState> circuits) {
    if (observations == null && meters == null) {
      throw new IllegalArgumentException("observing calls needs an observation or a meter "
          + "registry");
    }
    return new GatewayObservability(observations, meters, Objects.requireNonNull(settings,
        "settings"), providers, circuits);
  }

  @Override
  public String toString() {
    return "Observability[prices=" + prices + ", clientTags=" + clientTags + ", captureContent="
        + captureContent + ", latestExperimental=" + latestExperimental + "]";
  }

  /** Builds {@link Observability}. Not thread safe. */
  public static final class Builder {
    private GatewayObservationConvention convention = DefaultGatewayObservationConvention.INSTANCE;
    private AttemptObservationConvention attemptConvention =
        DefaultAttemptObservationConvention.INSTANCE;
    private @Nullable PriceTable prices;
    private ClientTags clientTags = ClientTags.none();
    private @Nullable Boolean captureContent;
    private @Nullable Boolean latestExperimental;

    private Builder() {}

    /** Names and tags each call's observation; {@link DefaultGatewayObservationConvention}. */
    public Builder convention(GatewayObservationConvention convention) {
      this.convention = Objects.requireNonNull(convention, "convention");
      return this;
    }

    /** Names and tags each attempt's observation; {@link DefaultAttemptObservationConvention}. */
    public Builder attemptConvention(AttemptObservationConvention convention) {
      this.attemptConvention = Objects.requireNonNull(convention, "convention");
      return this;
    }

    /** Counts cost by these prices. */
    public Builder prices(PriceTable prices) {
      this.prices = Objects.requireNonNull(prices, "prices");
      return this;
    }

    /** Which client ids may be tags; {@link ClientTags#none()} unless set. */
    public Builder clientTags(ClientTags clientTags) {
      this.clientTags = Objects.requireNonNull(clientTags, "clientTags");
      return this;
    }

    /** Captures content, or not, whatever the environment says. */
    public Builder captureContent(boolean capture) {
      this.captureContent = capture;
      return this;
    }

    /** Emits the newest experimental names, or v1.41's, whatever the environment says. */
    public Builder latestExperimental(boolean latest) {
      this.latestExperimental = latest;
      return this;
    }

    /** The settings. */
    public Observability build() {
      return new Observability(this);
    }
  }
}
