package dev.aigateway.spring.autoconfigure;

import dev.aigateway.core.AiGateway;

/**
 * Changes the gateway's builder after the properties have been applied and before it is built:
 * for what properties cannot express (an interceptor with state, a custom classifier, a target
 * gate, a listener, an Entra ID token supplier). Every bean of this type is applied, in
 * {@code @Order}.
 */
@FunctionalInterface
public interface AiGatewayBuilderCustomizer {
  /** Changes {@code builder}. */
  void customize(AiGateway.Builder builder);
}
