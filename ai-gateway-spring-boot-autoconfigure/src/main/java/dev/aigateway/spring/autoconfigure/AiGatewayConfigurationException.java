package dev.aigateway.spring.autoconfigure;

/**
 * An {@code ai-gateway.*} property that cannot be applied: it names the property, what is wrong
 * with it, and what would be valid. Thrown while the gateway bean is built, and turned into a
 * startup failure report by {@link AiGatewayFailureAnalyzer}. Never carries a key.
 */
public class AiGatewayConfigurationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String property;
  private final String problem;
  private final String valid;

  /**
   * @param property the full property name, such as {@code ai-gateway.providers.openai.type}
   * @param problem what is wrong with it
   * @param valid what would be valid
   */
  public AiGatewayConfigurationException(String property, String problem, String valid) {
    super(property + ": " + problem + " (" + valid + ")");
    this.property = property;
    this.problem = problem;
    this.valid = valid;
  }

  /** The property. */
  public String property() {
    return property;
  }

  /** What is wrong with it. */
  public String problem() {
    return problem;
  }

  /** What would be valid. */
  public String valid() {
    return valid;
  }
}
