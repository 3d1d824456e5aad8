package dev.aigateway.core.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import java.util.ArrayList;
import java.util.List;

/**
 * The default names and tags of an attempt's observation. Name {@value GenAi#ATTEMPT_OBSERVATION}
 * (its own, so that a meter handler's timer of calls counts each call once); contextual name
 * {@code chat <target model>}, so a trace reads as the call ({@code chat support}) and under it
 * each vendor call the gateway really made ({@code chat gpt-4o}, {@code chat claude-sonnet-4-5}).
 *
 * <p>Low cardinality: {@code gen_ai.operation.name}, {@code gen_ai.provider.name} (the target's
 * vendor), {@code gen_ai.request.model} (the target's model), {@code server.address},
 * {@code server.port}, {@code ai_gateway.target} ({@code providerId/model}),
 * {@code ai_gateway.provider.id}, {@code ai_gateway.attempt.kind} ({@code initial},
 * {@code retry}, {@code failover}, {@code rescue}), {@code ai_gateway.outcome}, and on failure
 * {@code error.type} and, when the vendor answered with one, {@code http.response.status_code}.
 * High cardinality: {@code ai_gateway.attempt.number}.
 */
public class DefaultAttemptObservationConvention implements AttemptObservationConvention {
  /** The shared instance. */
  public static final DefaultAttemptObservationConvention INSTANCE =
      new DefaultAttemptObservationConvention();

  /** The attempt's reason tag. */
  public static final String KIND = "ai_gateway.attempt.kind";
  /** The vendor's HTTP status on a failed attempt. */
  public static final String HTTP_STATUS = "http.response.status_code";

  /** For subclasses; otherwise use {@link #INSTANCE}. */
  protected DefaultAttemptObservationConvention() {}

  @Override
  public String getName() {
    return GenAi.ATTEMPT_OBSERVATION;
  }

  @Override
  public String getContextualName(AttemptObservationContext context) {
    return GenAi.OPERATION_CHAT + " " + context.target().model();
  }

  @Override
  public KeyValues getLowCardinalityKeyValues(AttemptObservationContext context) {
    List<KeyValue> kv = new ArrayList<>(11);
    kv.add(KeyValue.of(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT));
    kv.add(KeyValue.of(GenAi.PROVIDER_NAME, context.providerName()));
    kv.add(KeyValue.of(GenAi.REQUEST_MODEL, context.target().model()));
    String address = context.serverAddress();
    if (address != null) {
      kv.add(KeyValue.of(GenAi.SERVER_ADDRESS, address));
      kv.add(KeyValue.of(GenAi.SERVER_PORT, Integer.toString(context.serverPort())));
    }
    kv.add(KeyValue.of(GenAi.TARGET, context.target().toString()));
    kv.add(KeyValue.of(GenAi.PROVIDER_ID, context.target().providerId()));
    kv.add(KeyValue.of(KIND, context.kind()));
    kv.add(KeyValue.of(GenAi.OUTCOME, context.outcome()));
    String error = context.errorType();
    if (error != null) {
      kv.add(KeyValue.of(GenAi.ERROR_TYPE, error));
      if (context.httpStatus() > 0) {
        kv.add(KeyValue.of(HTTP_STATUS, Integer.toString(context.httpStatus())));
      }
    }
    return KeyValues.of(kv);
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(AttemptObservationContext context) {
    return KeyValues.of(GenAi.ATTEMPT_NUMBER, Integer.toString(context.attempt()));
  }
}
