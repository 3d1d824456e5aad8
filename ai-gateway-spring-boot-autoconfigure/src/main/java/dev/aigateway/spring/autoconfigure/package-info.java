/**
 * Spring Boot auto-configuration of the gateway from {@code ai-gateway.*} properties:
 * {@link dev.aigateway.spring.autoconfigure.AiGatewayAutoConfiguration} makes the bean,
 * {@link dev.aigateway.spring.autoconfigure.AiGatewayProperties} holds the properties,
 * {@link dev.aigateway.spring.autoconfigure.AiGatewayBuilderCustomizer} changes what they cannot
 * say, and {@link dev.aigateway.spring.autoconfigure.AiGatewayFailureAnalyzer} reports a bad
 * property at startup.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.spring.autoconfigure;

import org.jspecify.annotations.NullMarked;
