package dev.aigateway.core.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags an attempt's observation; {@link DefaultAttemptObservationConvention} is the
 * default, set another with {@link Observability.Builder#attemptConvention}.
 */
public interface AttemptObservationConvention
    extends ObservationConvention<AttemptObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof AttemptObservationContext;
  }
}
