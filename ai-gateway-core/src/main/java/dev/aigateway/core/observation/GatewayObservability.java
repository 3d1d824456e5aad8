package dev.aigateway.core.observation;

import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's observation of its calls: makes each call's {@link CallObserver} and holds what
 * they share, the registries, the providers' names and servers, and the meters, each built once
 * per set of tag values and then looked up by a small key (so a call does not build Micrometer
 * ids). Thread safe.
 */
final class GatewayObservability implements GatewayEventListener.Factory {
  static final Duration[] DURATION_BUCKETS = new Duration[14];
  static final double[] TOKEN_BUCKETS = new double[14];

  static {
    for (int i = 0; i < 14; i++) {
      DURATION_BUCKETS[i] = Duration.ofMillis(10L << i); // 0.01 s ... 81.92 s
      TOKEN_BUCKETS[i] = Math.pow(4, i); // 1 ... 67108864
    }
  }

  /** What a call's tags need of its provider. */
  record ProviderFacts(String name, @Nullable String address, int port) {}

  final @Nullable ObservationRegistry observations;
  final @Nullable MeterRegistry meters;
  final Observability settings;
  final @Nullable GatewayObservationConvention customConvention;
  final @Nullable AttemptObservationConvention customAttemptConvention;
  private final Map<String, ProviderFacts> providers;
  private final Function<Target, CircuitState> circuits;
  private final AtomicLong chatsInFlight = new AtomicLong();
  private final AtomicLong streamsInFlight = new AtomicLong();
  private final ConcurrentHashMap<Object, Object> cache = new ConcurrentHashMap<>();
  private final Set<Target> gauged = ConcurrentHashMap.newKeySet();
  private final ConcurrentHashMap<Target, String> targetNames = new ConcurrentHashMap<>();

  GatewayObservability(@Nullable ObservationRegistry observations, @Nullable MeterRegistry meters,
      Observability settings, Map<String, ChatProvider> providers,
      Function<Target, CircuitState> circuits) {
    this.observations = observations;
    this.meters = meters;
    this.settings = settings;
    this.customConvention = settings.convention() == DefaultGatewayObservationConvention.INSTANCE
        ? null : settings.convention();
    this.customAttemptConvention =
        settings.attemptConvention() == DefaultAttemptObservationConvention.INSTANCE
            ? null : settings.attemptConvention();
    Map<String, ProviderFacts> facts = new HashMap<>();
    providers.forEach((id, p) -> facts.put(id, factsOf(p)));
    this.providers = Map.copyOf(facts);
    this.circuits = circuits;
    if (settings.captureContent()) {
      ContentJson.check();
    }
    if (meters != null) {
      Gauge.builder(GenAi.CALLS_IN_FLIGHT, chatsInFlight, AtomicLong::get)
          .description("Calls in flight").tag(GenAi.STREAMING, "false").register(meters);
      Gauge.builder(GenAi.CALLS_IN_FLIGHT, streamsInFlight, AtomicLong::get)
          .description("Calls in flight").tag(GenAi.STREAMING, "true").register(meters);
    }
  }

  private static ProviderFacts factsOf(ChatProvider p) {
    String name = p.providerName();
    URI server = p.serverUri();
    if (server == null || server.getHost() == null) {
      return new ProviderFacts(name, null, -1);
    }
    int port = server.getPort();
    if (port < 0) {
      port = "http".equalsIgnoreCase(server.getScheme()) ? 80 : 443;
    }
    String host = server.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new ProviderFacts(name, host, port);
  }

  @Override
  public GatewayEventListener create(CallInfo call) {
    return new CallObserver(this, call);
  }

  /** The facts of the provider {@code id}, or null for one this gateway does not have. */
  @Nullable ProviderFacts provider(@Nullable String id) {
    return id == null ? null : providers.get(id);
  }

  /** {@code target.toString()}, made once per target. */
  String name(Target target) {
    String name = targetNames.get(target);
    return name != null ? name : targetNames.computeIfAbsent(target, Target::toString);
  }

  AtomicLong inFlight(boolean streaming) {
    return streaming ? streamsInFlight : chatsInFlight;
  }

  /** The circuit-state gauges of {@code target}, registered the first time it is seen. */
  void gaugeCircuit(Target target) {
    MeterRegistry m = meters;
    if (m == null || gauged.contains(target) || !gauged.add(target)) {
      return;
    }
    for (CircuitState state : CircuitState.values()) {
      Gauge.builder(GenAi.CIRCUIT_STATE_GAUGE, () -> circuits.apply(target) == state ? 1 : 0)
          .description("1 for the state the target's circuit breaker is in, else 0")
          .tag(GenAi.TARGET, name(target))
          .tag(GenAi.CIRCUIT_STATE, DefaultGatewayObservationConvention.lower(state))
          .register(m);
    }
  }

  // ---- meters, built once per key ----

  @SuppressWarnings("unchecked")
  <K, M> M meter(K key, Function<K, M> make) {
    Object m = cache.get(key);
    if (m == null) {
      m = cache.computeIfAbsent(key, k -> make.apply((K) k));
    }
    return (M) m;
  }

  Timer secondsHistogram(String name, String description, Tags tags) {
    return Timer.builder(name).description(description).tags(tags)
        .serviceLevelObjectives(DURATION_BUCKETS).register(meters());
  }

  /**
   * A histogram of token counts. The conventions' unit is {@code {token}}, a UCUM annotation
   * that OpenTelemetry's own Prometheus translation drops; Micrometer's Prometheus naming would
   * append it as {@code __token_}, so the base unit is left unset and the Prometheus names are
   * the conventions' ({@code gen_ai_client_token_usage_bucket}). The unit is in the description.
   */
  DistributionSummary tokenHistogram(String name, String description, Tags tags) {
    return DistributionSummary.builder(name).description(description + " ({token})")
        .tags(tags).serviceLevelObjectives(TOKEN_BUCKETS).register(meters());
  }

  Counter counter(String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(meters());
  }

  private MeterRegistry meters() {
    MeterRegistry m = meters;
    if (m == null) {
      throw new IllegalStateException("no meter registry");
    }
    return m;
  }
}
