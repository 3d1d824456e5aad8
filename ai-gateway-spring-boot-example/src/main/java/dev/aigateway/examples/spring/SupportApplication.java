package dev.aigateway.examples.spring;

import dev.aigateway.examples.stub.StubVendor;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.env.MapPropertySource;

/**
 * A Spring Boot application whose gateway comes only from {@code application.yaml}: a route
 * {@code support} over OpenAI with a fallback, observed on {@code /actuator/prometheus}, served
 * by {@link SupportController} as a chat endpoint and a streamed one (server-sent events).
 *
 * <p>Offline by default: without {@code OPENAI_API_KEY} it starts the embedded stub vendor on
 * loopback and points the {@code openai} provider at it (the property {@code stub.openai-url}
 * that {@code application.yaml} reads); with the key set it talks to OpenAI.
 */
@SpringBootApplication
public class SupportApplication {

  /** Runs it; {@code --server.port=0} for a random port. */
  public static void main(String[] args) {
    offline(new SpringApplication(SupportApplication.class)).run(args);
  }

  /** Adds the stub vendor to {@code app} unless {@code OPENAI_API_KEY} is set. */
  public static SpringApplication offline(SpringApplication app) {
    if (System.getenv("OPENAI_API_KEY") != null) {
      return app;
    }
    app.addInitializers(context -> {
      StubVendor stub = StubVendor.start(question -> "Here is what I can tell you about \""
          + question + "\": the gateway routed this through Spring Boot, one word per chunk.");
      context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("stub",
          Map.of("stub.openai-url", stub.baseUrl())));
      context.addApplicationListener(event -> {
        if (event instanceof ContextClosedEvent) {
          stub.close();
        }
      });
    });
    return app;
  }
}
