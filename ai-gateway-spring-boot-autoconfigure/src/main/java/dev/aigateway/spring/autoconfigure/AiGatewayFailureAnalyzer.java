package dev.aigateway.spring.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a bad {@code ai-gateway.*} property at startup as Spring Boot reports its own: the
 * property and what is wrong (description), and what would be valid (action), rather than the
 * stack trace of a builder.
 */
public class AiGatewayFailureAnalyzer
    extends AbstractFailureAnalyzer<AiGatewayConfigurationException> {

  @Override
  protected FailureAnalysis analyze(Throwable rootFailure,
      AiGatewayConfigurationException cause) {
    return new FailureAnalysis("The property '" + cause.property() + "' is invalid: "
        + cause.problem() + ".",
        "Change '" + cause.property() + "': " + cause.valid() + ".", cause);
  }
}
