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
 * <p>Low cardinality, kept few because a meter handler makes a timer of them for every attempt:
 * {@code gen_ai.operation.name}, {@code gen_ai.provider.name} (the target's vendor),
 * {@code gen_ai.request.model} (the target's model), {@code ai_gateway.target}
 * ({@code providerId/model}), {@code ai_gateway.outcome}, and on failure {@code error.type}
 * (the outcome and error once the attempt has ended; the high-cardinality values too).
 * High cardinality (on the span, not on a meter): {@code ai_gateway.attempt.number},
 * {@code ai_gateway.attempt.kind} ({@code initial}, {@code retry}, {@code failover},
 * {@code rescue}), {@code ai_gateway.provider.id}, {@code server.address}, {@code server.port}
 * and, when the vendor answered with one, {@code http.response.status_code}. The gateway's own
 * {@code ai_gateway.attempt.duration} timer counts attempts by target and outcome.
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
    KeyValue operation = KeyValue.of(GenAi.OPERATION_NAME, GenAi.OPERATION_CHAT);
    KeyValue provider = KeyValue.of(GenAi.PROVIDER_NAME, context.providerName());
    KeyValue model = KeyValue.of(GenAi.REQUEST_MODEL, context.target().model());
    KeyValue target = KeyValue.of(GenAi.TARGET, context.targetName());
    if (!context.isEnded()) {
      return KeyValues.of(operation, provider, model, target); // the outcome is not known yet
    }
    KeyValue outcome = KeyValue.of(GenAi.OUTCOME, context.outcome());
    String error = context.errorType();
    return error == null ? KeyValues.of(operation, provider, model, target, outcome)
        : KeyValues.of(operation, provider, model, target, outcome,
            KeyValue.of(GenAi.ERROR_TYPE, error));
  }

  @Override
  public KeyValues getHighCardinalityKeyValues(AttemptObservationContext context) {
    if (!context.isEnded()) {
      return KeyValues.empty();
    }
    List<KeyValue> kv = new ArrayList<>(6);
    kv.add(KeyValue.of(GenAi.ATTEMPT_NUMBER, Integer.toString(context.attempt())));
    kv.add(KeyValue.of(KIND, context.kind()));
    kv.add(KeyValue.of(GenAi.PROVIDER_ID, context.target().providerId()));
    String address = context.serverAddress();
    if (address != null) {
      kv.add(KeyValue.of(GenAi.SERVER_ADDRESS, address));
      kv.add(KeyValue.of(GenAi.SERVER_PORT, Integer.toString(context.serverPort())));
    }
    if (context.httpStatus() > 0) {
      kv.add(KeyValue.of(HTTP_STATUS, Integer.toString(context.httpStatus())));
    }
    return KeyValues.of(kv);
  }
}
