package dev.aigateway.core.observation;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.GatewayEventListener.CacheOutcome;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The default names and tags of a call's observation, after the OpenTelemetry GenAI semantic
 * conventions v1.41. Name {@value GenAi#CALL_OBSERVATION}; contextual name (the span's)
 * {@code chat <model as asked>}, such as {@code chat gpt-4o} or {@code chat support} for a route.
 *
 * <p>Low cardinality: {@code gen_ai.operation.name} ({@code chat}), {@code gen_ai.provider.name}
 * (the vendor that answered or was last tried, when one was), {@code gen_ai.request.model} (the
 * model or route as asked), {@code gen_ai.response.model} (once known), {@code server.address}
 * and {@code server.port} (when the provider has a server), {@code error.type} (on failure only,
 * see {@link ErrorTypes}), {@code ai_gateway.route}, {@code ai_gateway.outcome},
 * {@code ai_gateway.cache} ({@code none} when the cache was not consulted) and, where
 * {@link ClientTags} allow, {@code ai_gateway.client}.
 *
 * <p>High cardinality: {@code gen_ai.response.id}, {@code gen_ai.response.finish_reasons},
 * {@code gen_ai.usage.input_tokens} (cache reads included), {@code gen_ai.usage.output_tokens},
 * {@code gen_ai.usage.cache_read.input_tokens}, the request's {@code gen_ai.request.temperature},
 * {@code max_tokens}, {@code top_p} and {@code seed} when it set them,
 * {@code gen_ai.request.stream} (for a stream), {@code ai_gateway.attempts}, and, when content
 * capture is on, {@code gen_ai.system_instructions}, {@code gen_ai.input.messages} and
 * {@code gen_ai.output.messages}. Micrometer's tags are strings, so numbers appear as their
 * decimal text. At the start of the observation only {@code gen_ai.operation.name} and
 * {@code gen_ai.request.model} are given (nothing else is known yet; a sampler can decide on
 * them); every value, when the call has ended.
 *
 * <p>To add a tag, extend this class and add to what {@code super} returns:
 * <pre>{@code
 * class WithTenantTier extends DefaultGatewayObservationConvention {
 *   public KeyValues getLowCardinalityKeyValues(GatewayObservationContext c) {
 *     return super.getLowCardinalityKeyValues(c).and("tier", tierOf(c.call().clientId()));
 *   }
 * }
 * }</pre>
 */
public class DefaultGatewayObservationConvention implements GatewayObservationConvention {
  /** The shared instance. */
  public static final DefaultGatewayObservationConvention INSTANCE =
      new DefaultGatewayObservationConvention();

  /** For subclasses; otherwise use {@link #INSTANCE}. */
  protected DefaultGatewayObservationConvention() {}

  @Override
  public String getName() {
    return GenAi.CALL_OBSERVATION;
  }

  @Override
  public String getContextualName(GatewayObservationContext context) {
    return GenAi.OPERATION_CHAT + " " + context.call().requestedModel();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(GatewayObservationContext context) {
    CallInfo call = context.call();
    if (!context.isEnded()) {
      // At the start only what is known then (and what a sampler may decide on); the rest when
      // the call ends, when this is asked again.
      return KeyValues.of(KeyValue.of(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT),
          KeyValue.of(GenAi.REQUEST_MODEL, call.requestedModel()));
    }
    List<KeyValue> kv = new ArrayList<>(12);
    kv.add(KeyValue.of(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT));
    kv.add(KeyValue.of(GenAi.REQUEST_MODEL, call.requestedModel()));
    String provider = context.providerName();
    if (provider != null) {
      kv.add(KeyValue.of(GenAi.PROVIDER_NAME, provider));
    }
    String responseModel = call.responseModel();
    if (responseModel != null) {
      kv.add(KeyValue.of(GenAi.RESPONSE_MODEL, responseModel));
    }
    String address = context.serverAddress();
    if (address != null) {
      kv.add(KeyValue.of(GenAi.SERVER_ADDRESS, address));
      kv.add(KeyValue.of(GenAi.SERVER_PORT, Integer.toString(context.serverPort())));
    }
    String error = context.errorType();
    if (error != null) {
      kv.add(KeyValue.of(GenAi.ERROR_TYPE, error));
    }
    String route = call.route();
    kv.add(KeyValue.of(GenAi.ROUTE, route == null ? GenAi.NONE : route));
    kv.add(KeyValue.of(GenAi.OUTCOME, context.outcome()));
    CacheOutcome cache = call.cacheOutcome();
    kv.add(KeyValue.of(GenAi.CACHE, cache == null ? GenAi.NONE : lower(cache)));
    String client = context.clientTag();
    if (client != null) {
      kv.add(KeyValue.of(GenAi.CLIENT, client));
    }
    return KeyValues.of(kv);
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(GatewayObservationContext context) {
    if (!context.isEnded()) {
      return KeyValues.empty(); // asked again, with everything known, when the call ends
    }
    CallInfo call = context.call();
    ChatRequest request = context.request();
    List<KeyValue> kv = new ArrayList<>(14);
    String id = call.responseId();
    if (id != null) {
      kv.add(KeyValue.of(GenAi.RESPONSE_ID, id));
    }
    FinishReason finish = call.finishReason();
    if (finish != null) {
      kv.add(KeyValue.of(GenAi.RESPONSE_FINISH_REASONS, "[" + finishReason(finish) + "]"));
    }
    Usage usage = call.fromCache() ? null : call.usage();
    if (usage != null) {
      kv.add(KeyValue.of(GenAi.USAGE_INPUT_TOKENS, Integer.toString(usage.inputTokens())));
      kv.add(KeyValue.of(GenAi.USAGE_OUTPUT_TOKENS, Integer.toString(usage.outputTokens())));
      if (usage.cachedInputTokens() > 0) {
        kv.add(KeyValue.of(GenAi.USAGE_CACHE_READ_INPUT_TOKENS,
            Integer.toString(usage.cachedInputTokens())));
      }
    }
    if (request.temperature() != null) {
      kv.add(KeyValue.of(GenAi.REQUEST_TEMPERATURE, request.temperature().toString()));
    }
    if (request.maxTokens() != null) {
      kv.add(KeyValue.of(GenAi.REQUEST_MAX_TOKENS, request.maxTokens().toString()));
    }
    if (request.topP() != null) {
      kv.add(KeyValue.of(GenAi.REQUEST_TOP_P, request.topP().toString()));
    }
    if (request.seed() != null) {
      kv.add(KeyValue.of(GenAi.REQUEST_SEED, request.seed().toString()));
    }
    if (call.isStreaming()) { // the conventions: set if and only if the request streams
      kv.add(KeyValue.of(GenAi.REQUEST_STREAM, "true"));
    }
    kv.add(KeyValue.of(GenAi.ATTEMPTS, Integer.toString(call.attempts())));
    String system = context.systemInstructions();
    if (system != null) {
      kv.add(KeyValue.of(GenAi.SYSTEM_INSTRUCTIONS, system));
    }
    String input = context.inputMessages();
    if (input != null) {
      kv.add(KeyValue.of(GenAi.INPUT_MESSAGES, input));
    }
    String output = context.outputMessages();
    if (output != null) {
      kv.add(KeyValue.of(GenAi.OUTPUT_MESSAGES, output));
    }
    return KeyValues.of(kv);
  }

  /** The conventions' finish reason value: {@code stop}, {@code length}, {@code tool_calls}, ... */
  static String finishReason(FinishReason reason) {
    return lower(reason);
  }

  private static final ClassValue<String[]> LOWER = new ClassValue<>() {
    @Override
    protected String[] computeValue(Class<?> type) {
      Object[] constants = type.getEnumConstants();
      String[] names = new String[constants.length];
      for (int i = 0; i < constants.length; i++) {
        names[i] = ((Enum<?>) constants[i]).name().toLowerCase(Locale.ROOT);
      }
      return names;
    }
  };

  /** The constant's name in lower case, made once per enum type (a tag value on every call). */
  static String lower(Enum<?> e) {
    return LOWER.get(e.getDeclaringClass())[e.ordinal()];
  }
}
