package dev.aigateway.spring.autoconfigure;

import dev.aigateway.core.AiGateway;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.auth.TokenSupplier;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * Starts a context from properties and says how it went: {@code started [ids]}, or the
 * configuration failure's message, or else the whole failure. {@link OptionalModulesTest} loads
 * it through a class loader that lacks the optional modules, so that every class it touches
 * (the auto-configuration, Spring, the adapters) comes from there; it is a {@link Function} so
 * that the test can call it across the two loaders. A {@code TokenSupplier} bean named
 * {@code tokens} is always there.
 */
public final class IsolatedStartup implements Function<String[], String> {
  @Override
  public String apply(String[] properties) {
    ClassLoader own = IsolatedStartup.class.getClassLoader();
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    thread.setContextClassLoader(own); // as an application's own loader would be
    try {
      AtomicReference<String> result = new AtomicReference<>();
      TokenSupplier tokens = () -> AccessToken.of("t", Instant.MAX);
      new ApplicationContextRunner(() -> new org.springframework.context.annotation
          .AnnotationConfigApplicationContext())
          .withClassLoader(own)
          .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
          .withBean("tokens", TokenSupplier.class, () -> tokens)
          .withPropertyValues(properties)
          .run(context -> {
            Throwable failure = context.getStartupFailure();
            if (failure == null) {
              result.set("started " + context.getBean(AiGateway.class).providers().keySet());
              return;
            }
            for (Throwable t = failure; t != null; t = t.getCause()) {
              if (t instanceof AiGatewayConfigurationException e) {
                result.set(e.getMessage());
                return;
              }
            }
            StringBuilder all = new StringBuilder("failed otherwise:");
            for (Throwable t = failure; t != null; t = t.getCause()) {
              all.append('\n').append(t);
            }
            result.set(all.toString());
          });
      return result.get();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
