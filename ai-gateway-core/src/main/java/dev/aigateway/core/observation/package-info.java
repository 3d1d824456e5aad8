/**
 * Observability: one Micrometer {@code Observation} per call and one per attempt, named and
 * tagged after the OpenTelemetry GenAI semantic conventions (v1.41), the gateway's own metrics,
 * and cost from a {@link dev.aigateway.core.observation.PriceTable}.
 *
 * <p>Turned on with {@code AiGateway.builder().observationRegistry(...)} and/or
 * {@code .meterRegistry(...)}, tuned with {@link dev.aigateway.core.observation.Observability};
 * with neither registry nothing is recorded and the calls pay nothing for it. Names and tags
 * are listed in {@link dev.aigateway.core.observation.GenAi}; the conventions
 * ({@link dev.aigateway.core.observation.GatewayObservationConvention},
 * {@link dev.aigateway.core.observation.AttemptObservationConvention}) let an application rename
 * observations or add tags. Nothing here ever records a key; prompt and completion content only
 * when the application opts in.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.observation;

import org.jspecify.annotations.NullMarked;
