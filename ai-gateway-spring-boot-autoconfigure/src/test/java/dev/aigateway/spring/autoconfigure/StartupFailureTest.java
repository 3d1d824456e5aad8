package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * A bad property fails startup with a report that names the property and what would be valid,
 * through {@link AiGatewayFailureAnalyzer}; never a builder's stack trace, never a key.
 */
class StartupFailureTest {
  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class))
      .withPropertyValues("ai-gateway.providers.openai.type=openai",
          "ai-gateway.providers.openai.api-key=sk-secret-startup-0123456789");

  private static AiGatewayConfigurationException cause(Throwable failure) {
    Throwable t = failure;
    while (t != null && !(t instanceof AiGatewayConfigurationException)) {
      t = t.getCause();
    }
    assertThat(t).as("the configuration failure in %s", failure).isNotNull();
    return (AiGatewayConfigurationException) t;
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ai-gateway.routes.r.targets[0].provider=nope|ai-gateway.routes.r.targets[0].provider"
          + "|names no provider 'nope'|one of [openai]",
      "ai-gateway.routes.r.targets[0].weight=-1|ai-gateway.routes.r.targets[0].weight"
          + "|is negative (-1)|a weight of 0 or more",
      "ai-gateway.rate-limits.default.requests[0]=10per1s|ai-gateway.rate-limits.default.requests[0]"
          + "|'10per1s' is not count/duration|such as 10/1s",
      "ai-gateway.rate-limits.default.requests[0]=ten/1s|ai-gateway.rate-limits.default.requests[0]"
          + "|does not start with a whole number|such as 10/1s",
      "ai-gateway.rate-limits.clients.acme.tokens[0]=100/soon|ai-gateway.rate-limits.clients.acme.tokens[0]"
          + "|does not end with a duration|count/duration",
      "ai-gateway.default-provider=claude|ai-gateway.default-provider"
          + "|names no provider 'claude'|one of [openai]",
      "ai-gateway.providers.groq.type=openai-compatible|ai-gateway.providers.groq.base-url"
          + "|is missing|or a preset: one of [deepseek, groq",
      "ai-gateway.providers.azure.type=azure-openai|ai-gateway.providers.azure.base-url"
          + "|is missing|https://my-resource.openai.azure.com",
      "ai-gateway.providers.x.base-url=http://x|ai-gateway.providers.x.type"
          + "|is missing|one of openai, openai-compatible, azure-openai, anthropic, gemini, "
          + "vertex-ai, vertex-anthropic, bedrock",
      "ai-gateway.observability.prices=classpath:no/such.json|ai-gateway.observability.prices"
          + "|classpath:no/such.json|see the property's description",
      "ai-gateway.resilience.max-retries=-2|ai-gateway.resilience.max-retries"
          + "|-2|see the property's description",
  })
  void aBadPropertyIsNamedWithWhatWouldBeValid(String property, String named, String problem,
      String valid) {
    String[] extra = property.startsWith("ai-gateway.routes.r.targets[0].weight")
        ? new String[] {property, "ai-gateway.routes.r.targets[0].provider=openai",
            "ai-gateway.routes.r.targets[0].model=gpt-4o"}
        : property.startsWith("ai-gateway.routes.r.targets[0].provider")
            ? new String[] {property, "ai-gateway.routes.r.targets[0].model=gpt-4o"}
            : new String[] {property};
    runner.withPropertyValues(extra).run(context -> {
      assertThat(context).hasFailed();
      AiGatewayConfigurationException e = cause(context.getStartupFailure());
      assertThat(e.property()).isEqualTo(named);
      assertThat(e.problem()).contains(problem);
      assertThat(e.valid()).contains(valid);
      FailureAnalysis analysis = new AiGatewayFailureAnalyzer().analyze(
          context.getStartupFailure());
      assertThat(analysis).isNotNull();
      assertThat(analysis.getDescription()).contains("'" + named + "'").contains(problem);
      assertThat(analysis.getAction()).contains(valid);
      assertThat(analysis.getDescription() + analysis.getAction())
          .doesNotContain("sk-secret-startup");
    });
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "anthropic|ANTHROPIC_API_KEY|ai-gateway.providers.x.type=anthropic|",
      "gemini|GEMINI_API_KEY|ai-gateway.providers.x.type=gemini|",
      "together|TOGETHER_API_KEY|ai-gateway.providers.x.type=openai-compatible"
          + "|ai-gateway.providers.x.preset=together",
      "azure|AZURE_OPENAI_API_KEY|ai-gateway.providers.x.type=azure-openai"
          + "|ai-gateway.providers.x.base-url=https://r.openai.azure.com",
  })
  void aProviderWithNoKeyAnywhereFailsStartupNamingApiKeyAndTheVariable(String vendor,
      String variable, String type, String more) {
    // The builders read the process environment; this machine must not have the variable.
    Assumptions.assumeTrue(System.getenv(variable) == null && System.getenv("GOOGLE_API_KEY") == null,
        variable + " is set in this environment, so the provider has a key");
    String[] properties = more == null ? new String[] {type} : new String[] {type, more};
    runner.withPropertyValues(properties).run(context -> {
      assertThat(context).hasFailed();
      AiGatewayConfigurationException e = cause(context.getStartupFailure());
      assertThat(e.property()).isEqualTo("ai-gateway.providers.x.api-key");
      assertThat(e.problem()).contains("is missing").contains(variable);
      assertThat(e.valid()).contains("api-key-env");
      FailureAnalysis analysis = new AiGatewayFailureAnalyzer().analyze(
          context.getStartupFailure());
      assertThat(analysis.getDescription()).contains("'ai-gateway.providers.x.api-key'")
          .contains(variable);
    });
  }

  @Test
  void aLocalServerNeedsNoKey() {
    runner.withPropertyValues("ai-gateway.providers.local.type=openai-compatible",
        "ai-gateway.providers.local.preset=ollama").run(context ->
        assertThat(context).hasNotFailed());
  }

  @Test
  void anUnknownProviderTypeIsSpringsBindingFailureNamingTheProperty() {
    runner.withPropertyValues("ai-gateway.providers.x.type=openia").run(context -> {
      assertThat(context).hasFailed();
      Throwable t = context.getStartupFailure();
      StringBuilder all = new StringBuilder();
      for (Throwable c = t; c != null; c = c.getCause()) {
        all.append(c.getMessage()).append('\n');
      }
      assertThat(all.toString()).contains("ai-gateway.providers.x.type").contains("openia");
    });
  }

  @Test
  void theFailureAnalyzerIsRegistered() throws Exception {
    String factories = new String(getClass().getClassLoader()
        .getResourceAsStream("META-INF/spring.factories").readAllBytes());
    assertThat(factories).contains("org.springframework.boot.diagnostics.FailureAnalyzer")
        .contains(AiGatewayFailureAnalyzer.class.getName());
  }
}
