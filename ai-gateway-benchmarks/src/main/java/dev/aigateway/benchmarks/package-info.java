/**
 * The JMH benchmarks behind the README's performance budgets: the pipeline's own cost over an
 * in-memory provider ({@code PipelineOverheadBenchmark}), the cache's cost by prompt size
 * ({@code CacheHitBenchmark}), what observability adds ({@code ObservationCostBenchmark}), the
 * SSE cost per chunk from bytes to {@code onNext} ({@code SseChunkBenchmark}), loopback round
 * trips against raw OkHttp ({@code LoopbackRoundTripBenchmark}, and {@code InterleavedRoundTrip},
 * which alternates the two call by call), and what Redis adds ({@code RedisCostBenchmark}).
 * They compile in the normal build and run only on demand: see the README's Performance section
 * for the command and the method. Not published.
 */
package dev.aigateway.benchmarks;
