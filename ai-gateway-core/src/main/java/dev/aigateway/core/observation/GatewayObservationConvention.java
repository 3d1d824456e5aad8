package dev.aigateway.core.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags a call's observation. {@link DefaultGatewayObservationConvention} follows the
 * OpenTelemetry GenAI conventions; extend it to add or rename tags, or implement this to start
 * over, and set it with {@link Observability.Builder#convention}. An application may also
 * register one on its {@code ObservationRegistry} (a global convention), which then wins.
 */
public interface GatewayObservationConvention
    extends ObservationConvention<GatewayObservationContext> {
  @Override
  default boolean supportsContext(Observation.Context context) {
    return context instanceof GatewayObservationContext;
  }
}
