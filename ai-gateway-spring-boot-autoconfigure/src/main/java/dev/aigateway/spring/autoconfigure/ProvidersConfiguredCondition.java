package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.spi.ChatProvider;
import java.util.Map;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when there is something to build a gateway of: an {@code ai-gateway.providers} entry,
 * or a {@link ChatProvider} bean of the application's.
 */
class ProvidersConfiguredCondition extends SpringBootCondition {
  @Override
  public ConditionOutcome getMatchOutcome(ConditionContext context,
      AnnotatedTypeMetadata metadata) {
    boolean properties = Binder.get(context.getEnvironment())
        .bind(GatewayFactory.PREFIX + ".providers", Bindable.mapOf(String.class, Object.class))
        .map(Map::isEmpty).map(empty -> !empty).orElse(false);
    if (properties) {
      return ConditionOutcome.match("ai-gateway.providers names providers");
    }
    if (context.getBeanFactory() != null
        && context.getBeanFactory().getBeanNamesForType(ChatProvider.class, true, false).length
        > 0) {
      return ConditionOutcome.match("the application has ChatProvider beans");
    }
    return ConditionOutcome.noMatch("no ai-gateway.providers and no ChatProvider bean");
  }
}
