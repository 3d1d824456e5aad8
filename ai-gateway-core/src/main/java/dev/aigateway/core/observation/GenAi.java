package dev.aigateway.core.observation;

/**
 * The names the gateway records under: the OpenTelemetry GenAI semantic conventions' (v1.41)
 * attribute and metric names, spelled exactly as the conventions spell them, and the gateway's
 * own, under {@code ai_gateway.}. Tests, dashboards and conventions refer to these constants
 * rather than to string literals.
 */
public final class GenAi {
  private GenAi() {}

  // ---- observation names ----

  /**
   * The name of a call's observation. A {@code DefaultMeterObservationHandler} makes a timer of
   * this name; the conventions' duration histogram is {@link #CLIENT_OPERATION_DURATION}, which
   * the gateway records itself, with the conventions' buckets.
   */
  public static final String CALL_OBSERVATION = "gen_ai.client.operation";

  /** The name of an attempt's observation, a child of its call's. */
  public static final String ATTEMPT_OBSERVATION = "ai_gateway.attempt";

  // ---- the conventions' attributes ----

  /** {@code gen_ai.operation.name}: always {@value #OPERATION_CHAT} here. */
  public static final String OPERATION_NAME = "gen_ai.operation.name";
  /** The operation name of a chat completion. */
  public static final String OPERATION_CHAT = "chat";
  /** {@code gen_ai.provider.name}: the vendor, as {@code ChatProvider.providerName()} says. */
  public static final String PROVIDER_NAME = "gen_ai.provider.name";
  /** {@code gen_ai.request.model}: the model (or, on a call, the route) asked for. */
  public static final String REQUEST_MODEL = "gen_ai.request.model";
  /** {@code gen_ai.response.model}: the model the vendor said answered. */
  public static final String RESPONSE_MODEL = "gen_ai.response.model";
  /** {@code gen_ai.response.id}. */
  public static final String RESPONSE_ID = "gen_ai.response.id";
  /** {@code gen_ai.response.finish_reasons}. */
  public static final String RESPONSE_FINISH_REASONS = "gen_ai.response.finish_reasons";
  /** {@code gen_ai.usage.input_tokens}: every input token, cache reads included. */
  public static final String USAGE_INPUT_TOKENS = "gen_ai.usage.input_tokens";
  /** {@code gen_ai.usage.output_tokens}. */
  public static final String USAGE_OUTPUT_TOKENS = "gen_ai.usage.output_tokens";
  /** {@code gen_ai.usage.cache_read.input_tokens}: the part of the input read from a cache. */
  public static final String USAGE_CACHE_READ_INPUT_TOKENS =
      "gen_ai.usage.cache_read.input_tokens";
  /** {@code gen_ai.request.temperature}. */
  public static final String REQUEST_TEMPERATURE = "gen_ai.request.temperature";
  /** {@code gen_ai.request.max_tokens}. */
  public static final String REQUEST_MAX_TOKENS = "gen_ai.request.max_tokens";
  /** {@code gen_ai.request.top_p}. */
  public static final String REQUEST_TOP_P = "gen_ai.request.top_p";
  /** {@code gen_ai.request.seed}. */
  public static final String REQUEST_SEED = "gen_ai.request.seed";
  /** {@code gen_ai.request.stream}: whether the caller streamed. */
  public static final String REQUEST_STREAM = "gen_ai.request.stream";
  /** {@code gen_ai.token.type}: {@value #TOKEN_INPUT} or {@value #TOKEN_OUTPUT}. */
  public static final String TOKEN_TYPE = "gen_ai.token.type";
  /** Input tokens. */
  public static final String TOKEN_INPUT = "input";
  /** Output tokens. */
  public static final String TOKEN_OUTPUT = "output";
  /** {@code server.address}: the vendor's host. */
  public static final String SERVER_ADDRESS = "server.address";
  /** {@code server.port}: the vendor's port. */
  public static final String SERVER_PORT = "server.port";
  /** {@code error.type}: one of {@link ErrorTypes}' values. */
  public static final String ERROR_TYPE = "error.type";
  /** {@code gen_ai.input.messages}: recorded only when content capture is on. */
  public static final String INPUT_MESSAGES = "gen_ai.input.messages";
  /** {@code gen_ai.output.messages}: recorded only when content capture is on. */
  public static final String OUTPUT_MESSAGES = "gen_ai.output.messages";
  /** {@code gen_ai.system_instructions}: recorded only when content capture is on. */
  public static final String SYSTEM_INSTRUCTIONS = "gen_ai.system_instructions";

  // ---- the gateway's own attributes ----

  /** The route that served the call, or {@value #NONE}. */
  public static final String ROUTE = "ai_gateway.route";
  /** How the call (or attempt) ended: {@code success}, {@code error} or {@code cancelled}. */
  public static final String OUTCOME = "ai_gateway.outcome";
  /** What the cache said: {@code hit}, {@code miss}, {@code bypass}, {@code refresh} or none. */
  public static final String CACHE = "ai_gateway.cache";
  /** A target, {@code providerId/model}. */
  public static final String TARGET = "ai_gateway.target";
  /** The target a failover or rescue moved to. */
  public static final String TARGET_TO = "ai_gateway.target.to";
  /** The application's provider id of a target. */
  public static final String PROVIDER_ID = "ai_gateway.provider.id";
  /** The attempt's number within its call, from 1 (high cardinality). */
  public static final String ATTEMPT_NUMBER = "ai_gateway.attempt.number";
  /** How many attempts the call made (high cardinality). */
  public static final String ATTEMPTS = "ai_gateway.attempts";
  /** The client id, only where {@link ClientTags} allows it. */
  public static final String CLIENT = "ai_gateway.client";
  /** A rate-limit decision: {@code admitted}, {@code waited} or {@code rejected}. */
  public static final String RATE_LIMIT_OUTCOME = "ai_gateway.rate_limit.outcome";
  /** Why a target was skipped: {@code circuit_open}, {@code bulkhead_full}, {@code upstream_limit}. */
  public static final String SKIP_REASON = "ai_gateway.skip.reason";
  /** How a stream was rescued: {@code continuation} or {@code restart}. */
  public static final String RESCUE_KIND = "ai_gateway.rescue.kind";
  /** A circuit state: {@code closed}, {@code open} or {@code half_open}. */
  public static final String CIRCUIT_STATE = "ai_gateway.circuit.state";
  /** Whether the call streamed ({@code true}/{@code false}), on the in-flight gauge. */
  public static final String STREAMING = "ai_gateway.streaming";
  /** The price table's currency, on the cost counter. */
  public static final String CURRENCY = "ai_gateway.currency";
  /** The value of a tag whose fact is unknown or absent (no route, no answer, no error). */
  public static final String NONE = "none";

  // ---- the conventions' metrics (v1.41) ----

  /** Histogram, seconds: the call's duration, to its answer or a stream's terminal signal. */
  public static final String CLIENT_OPERATION_DURATION = "gen_ai.client.operation.duration";
  /** Histogram, tokens: input and output tokens per call ({@link #TOKEN_TYPE}). */
  public static final String CLIENT_TOKEN_USAGE = "gen_ai.client.token.usage";
  /** Histogram, seconds: a stream's time to its first chunk handed to the subscriber. */
  public static final String CLIENT_TIME_TO_FIRST_CHUNK =
      "gen_ai.client.operation.time_to_first_chunk";
  /** Histogram, seconds: a stream's time between chunks after the first. */
  public static final String CLIENT_TIME_PER_OUTPUT_CHUNK =
      "gen_ai.client.operation.time_per_output_chunk";

  // ---- the newest experimental names, emitted instead when opted in ----
  // (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental; the GenAI conventions' own
  // repository after v1.41, whose migration guide maps the names above to these)

  /** Histogram, seconds: replaces {@link #CLIENT_OPERATION_DURATION} for inference. */
  public static final String CLIENT_INFERENCE_DURATION = "gen_ai.client.inference.duration";
  /** Histogram, seconds: replaces {@link #CLIENT_TIME_TO_FIRST_CHUNK}. */
  public static final String CLIENT_INFERENCE_TIME_TO_FIRST_CHUNK =
      "gen_ai.client.inference.time_to_first_chunk";
  /** Histogram, seconds: replaces {@link #CLIENT_TIME_PER_OUTPUT_CHUNK}. */
  public static final String CLIENT_INFERENCE_TIME_PER_OUTPUT_CHUNK =
      "gen_ai.client.inference.time_per_output_chunk";
  /** Counter, tokens: input tokens, cache reads included (with {@link #TOKEN_MODALITY}). */
  public static final String CLIENT_INFERENCE_USAGE_INPUT_TOKENS =
      "gen_ai.client.inference.usage.input_tokens";
  /** Counter, tokens: output tokens, reasoning included. */
  public static final String CLIENT_INFERENCE_USAGE_OUTPUT_TOKENS =
      "gen_ai.client.inference.usage.output_tokens";
  /** Counter, tokens: the input read from the vendor's cache (a part of the input). */
  public static final String CLIENT_INFERENCE_USAGE_CACHE_READ_INPUT_TOKENS =
      "gen_ai.client.inference.usage.cache_read.input_tokens";
  /** Counter, tokens: the output spent on reasoning (a part of the output). */
  public static final String CLIENT_INFERENCE_USAGE_REASONING_OUTPUT_TOKENS =
      "gen_ai.client.inference.usage.reasoning.output_tokens";
  /** Histogram, tokens: each call's input tokens; replaces {@link #CLIENT_TOKEN_USAGE}. */
  public static final String CLIENT_INFERENCE_OPERATION_INPUT_TOKENS =
      "gen_ai.client.inference.operation.input_tokens";
  /** Histogram, tokens: each call's output tokens. */
  public static final String CLIENT_INFERENCE_OPERATION_OUTPUT_TOKENS =
      "gen_ai.client.inference.operation.output_tokens";
  /** {@code gen_ai.token.modality} on the usage counters: {@code text}, or {@code unknown}. */
  public static final String TOKEN_MODALITY = "gen_ai.token.modality";

  // ---- the gateway's own metrics ----

  /** Counter: cache lookups by {@link #CACHE}. */
  public static final String CACHE_LOOKUPS = "ai_gateway.cache.lookups";
  /** Counter: per-client rate-limit decisions by {@link #RATE_LIMIT_OUTCOME}. */
  public static final String RATE_LIMIT_DECISIONS = "ai_gateway.rate_limit.decisions";
  /** Counter: retries of a target, by the failure that caused them. */
  public static final String RETRIES = "ai_gateway.retries";
  /** Counter: failovers from one target to the next, by cause. */
  public static final String FAILOVERS = "ai_gateway.failovers";
  /** Counter: streams rescued after their first chunk, by kind and cause. */
  public static final String STREAM_RESCUES = "ai_gateway.stream.rescues";
  /** Counter: targets passed over without an attempt, by {@link #SKIP_REASON}. */
  public static final String TARGETS_SKIPPED = "ai_gateway.targets.skipped";
  /** Gauge per target and {@link #CIRCUIT_STATE}: 1 for the state the breaker is in, else 0. */
  public static final String CIRCUIT_STATE_GAUGE = "ai_gateway.circuit.state";
  /** Gauge: calls in flight, by {@link #STREAMING}. */
  public static final String CALLS_IN_FLIGHT = "ai_gateway.calls.in_flight";
  /** Timer: each attempt's duration, by target and outcome. */
  public static final String ATTEMPT_DURATION = "ai_gateway.attempt.duration";
  /** Counter: what the calls cost, per the {@link PriceTable}, in its currency. */
  public static final String COST = "ai_gateway.cost";
}
