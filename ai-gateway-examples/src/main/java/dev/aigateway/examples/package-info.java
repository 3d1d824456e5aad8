/**
 * Runnable examples, each a {@code main} that runs offline against the embedded stub vendor
 * (and against real vendors when their keys are set): {@code Quickstart} (the README's first
 * command), {@code EachVendor}, {@code CustomerServiceAB} (a weighted split with a fallback),
 * {@code CacheDemo}, {@code RateLimitDemo}, {@code ObservabilityDemo} (Prometheus metrics and
 * the Grafana dashboard) and {@code ManyReplicasDemo} (two gateways sharing limits and cache on
 * Redis). Run one with {@code -Dexample.main=<class>}. Not published.
 */
package dev.aigateway.examples;
