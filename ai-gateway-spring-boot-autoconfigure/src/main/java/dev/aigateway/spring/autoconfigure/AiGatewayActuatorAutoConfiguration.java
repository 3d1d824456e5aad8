package dev.aigateway.spring.autoconfigure;

import dev.aigateway.core.AiGateway;
import java.util.regex.Pattern;
import org.springframework.boot.actuate.endpoint.SanitizableData;
import org.springframework.boot.actuate.endpoint.SanitizingFunction;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The gateway in the actuator, when the application has it: a health indicator, the
 * {@code aigateway} endpoint, and a sanitizing function that masks every provider's
 * {@code api-key} and {@code headers} in {@code /actuator/env} and {@code /actuator/configprops},
 * whatever {@code show-values} says. Each part only when its actuator module is on the class
 * path; a user bean of the same type replaces it.
 */
@AutoConfiguration(after = AiGatewayAutoConfiguration.class)
@ConditionalOnClass(AiGateway.class)
public class AiGatewayActuatorAutoConfiguration {
  /** The property names that hold a key or a header value (which may be a token). */
  static final Pattern SECRET_PROPERTY = Pattern.compile(
      "ai-?gateway\\.providers\\.[^.]+\\.(api-?key|headers\\..+)", Pattern.CASE_INSENSITIVE);

  /** Remembers each target's last failure kind for the health indicator. */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnClass(HealthIndicator.class)
  public TargetFailures aiGatewayTargetFailures() {
    return new TargetFailures();
  }

  /** Adds {@link TargetFailures} to the gateway this configuration builds. */
  @Bean
  @ConditionalOnClass(HealthIndicator.class)
  public AiGatewayBuilderCustomizer aiGatewayTargetFailuresCustomizer(TargetFailures failures) {
    return builder -> builder.eventListener(failures);
  }

  /** Masks keys and headers, even with show-values set to always. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(SanitizingFunction.class)
  static class Sanitizing {
    @Bean
    SanitizingFunction aiGatewayKeySanitizer() {
      return data -> isSecret(data) ? data.withSanitizedValue() : data;
    }

    private static boolean isSecret(SanitizableData data) {
      String key = data.getKey();
      return key != null && SECRET_PROPERTY.matcher(key).matches()
          && !key.toLowerCase(java.util.Locale.ROOT).endsWith("api-key-env");
    }
  }

  /** The health indicator. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(HealthIndicator.class)
  static class HealthConfiguration {
    @Bean
    @ConditionalOnBean(AiGateway.class)
    @ConditionalOnMissingBean(name = "aiGatewayHealthIndicator")
    AiGatewayHealthIndicator aiGatewayHealthIndicator(AiGateway gateway,
        TargetFailures failures) {
      return new AiGatewayHealthIndicator(gateway, failures);
    }
  }

  /** The endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {
    @Bean
    @ConditionalOnBean(AiGateway.class)
    @ConditionalOnMissingBean
    AiGatewayEndpoint aiGatewayEndpoint(AiGateway gateway) {
      return new AiGatewayEndpoint(gateway);
    }
  }
}
