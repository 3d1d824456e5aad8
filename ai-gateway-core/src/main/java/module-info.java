/**
 * The gateway: {@code AiGateway} and its pipeline (routing, the response cache, rate limits,
 * resilience, structured output and observation). Its internals ({@code dev.aigateway.core.internal})
 * are not exported.
 *
 * <p>Structured output reads answers into the application's own types with Jackson, so a module
 * that asks for {@code chat(request, Type.class)} opens the package of {@code Type} to
 * {@code com.fasterxml.jackson.databind}. jtokkit, the tokenizer for OpenAI's models, has no module
 * name of its own; its name is the one the JDK derives from its jar, {@code jtokkit}.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module dev.aigateway.core {
  requires transitive dev.aigateway.api;
  requires static transitive org.jspecify;

  // In the public API: RateLimits and UpstreamLimits take a Bucket4j ProxyManager for a shared
  // backend; the builder takes Micrometer's registries and conventions.
  requires transitive io.github.bucket4j.core;
  requires transitive micrometer.commons;
  requires transitive micrometer.observation;
  requires transitive micrometer.core;

  requires org.slf4j;
  requires dev.failsafe.core;
  requires com.github.benmanes.caffeine;
  requires com.dynatrace.hash4j;
  requires jtokkit;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;
  requires com.fasterxml.jackson.datatype.jdk8;
  requires com.fasterxml.jackson.datatype.jsr310;
  requires com.fasterxml.classmate;
  requires com.github.victools.jsonschema.generator;
  requires com.github.victools.jsonschema.module.jackson;

  exports dev.aigateway.core;
  exports dev.aigateway.core.cache;
  exports dev.aigateway.core.observation;
  exports dev.aigateway.core.ratelimit;
  exports dev.aigateway.core.resilience;
  exports dev.aigateway.core.routing;
  exports dev.aigateway.core.structured;
}
