package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * ai-gateway-bedrock and ai-gateway-google-auth are optional: an application without them starts
 * when it does not use them, and fails with a configuration failure naming the module when it
 * does. Checked twice: with Spring Boot's {@link FilteredClassLoader} hiding a module from the
 * context (what the presence check asks), and with the auto-configuration, Spring and the
 * adapters loaded by a class loader that really lacks the modules' jars and the AWS and Google
 * auth libraries, so that a class of theirs named where the JVM would load it too early shows up
 * as a NoClassDefFoundError.
 */
class OptionalModulesTest {
  private static URLClassLoader isolated;

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AiGatewayAutoConfiguration.class));

  /** The test class path without the optional modules and the cloud libraries they bring. */
  @BeforeAll
  static void isolate() throws Exception {
    List<URL> urls = new ArrayList<>();
    List<String> left = new ArrayList<>();
    for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
      String path = entry.replace('\\', '/');
      if (path.contains("/ai-gateway-bedrock") || path.contains("/ai-gateway-google-auth")
          || path.contains("/software/amazon/") || path.contains("/com/google/auth/")) {
        left.add(path);
      } else {
        urls.add(new File(entry).toURI().toURL());
      }
    }
    assertThat(left).as("the jars left out").anyMatch(p -> p.contains("/ai-gateway-bedrock"))
        .anyMatch(p -> p.contains("/ai-gateway-google-auth"));
    isolated = new URLClassLoader("without-optional-modules", urls.toArray(URL[]::new),
        ClassLoader.getPlatformClassLoader());
  }

  @AfterAll
  static void close() throws Exception {
    isolated.close();
  }

  @SuppressWarnings("unchecked")
  private static String startIsolated(String... properties) throws Exception {
    Function<String[], String> start = (Function<String[], String>) Class
        .forName(IsolatedStartup.class.getName(), true, isolated)
        .getDeclaredConstructor().newInstance();
    return start.apply(properties);
  }

  @Test
  void theIsolatedLoaderHasTheStarterButNotTheOptionalModules() throws Exception {
    assertThat(Class.forName(GatewayFactory.class.getName(), false, isolated).getClassLoader())
        .isSameAs(isolated);
    for (String absent : List.of(GatewayFactory.BEDROCK_CLASS, GatewayFactory.GOOGLE_AUTH_CLASS,
        "software.amazon.awssdk.auth.credentials.AwsCredentialsProvider")) {
      assertThat(catchThrowable(() -> Class.forName(absent, false, isolated)))
          .as(absent).isInstanceOf(ClassNotFoundException.class);
    }
  }

  @Test
  void withoutTheModulesAnApplicationThatUsesNeitherStarts() throws Exception {
    assertThat(startIsolated("ai-gateway.providers.openai.type=openai",
        "ai-gateway.providers.openai.api-key=sk-test-isolated",
        "ai-gateway.providers.claude.type=anthropic",
        "ai-gateway.providers.claude.api-key=sk-ant-test-isolated"))
        .isEqualTo("started [openai, claude]");
  }

  @Test
  void withoutTheBedrockModuleTypeBedrockFailsNamingIt() throws Exception {
    assertThat(startIsolated("ai-gateway.providers.aws.type=bedrock",
        "ai-gateway.providers.aws.region=us-east-1"))
        .contains("ai-gateway.providers.aws.type")
        .contains("type bedrock needs dev.aigateway:ai-gateway-bedrock on the classpath");
  }

  @Test
  void withoutGoogleAuthVertexAiNeedsATokenSupplierBean() throws Exception {
    assertThat(startIsolated("ai-gateway.providers.v.type=vertex-ai",
        "ai-gateway.providers.v.project=my-project"))
        .contains("ai-gateway.providers.v.token-supplier")
        .contains("dev.aigateway:ai-gateway-google-auth");
    assertThat(startIsolated("ai-gateway.providers.v.type=vertex-ai",
        "ai-gateway.providers.v.project=my-project",
        "ai-gateway.providers.v.token-supplier=tokens"))
        .isEqualTo("started [v]");
  }

  @Test
  void aContextWhoseClassLoaderHidesBedrockFailsNamingTheModule() {
    runner.withClassLoader(new FilteredClassLoader("dev.aigateway.bedrock."))
        .withPropertyValues("ai-gateway.providers.aws.type=bedrock",
            "ai-gateway.providers.aws.region=us-east-1")
        .run(context -> {
          AiGatewayConfigurationException e =
              CloudProvidersTest.cause(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("ai-gateway.providers.aws.type");
          assertThat(e.problem())
              .isEqualTo("type bedrock needs dev.aigateway:ai-gateway-bedrock on the classpath");
          assertThat(e.valid()).contains("dev.aigateway:ai-gateway-bedrock");
        });
  }

  @Test
  void aContextWhoseClassLoaderHidesGoogleAuthFailsNamingTokenSupplierAndTheModule() {
    runner.withClassLoader(new FilteredClassLoader("dev.aigateway.googleauth."))
        .withPropertyValues("ai-gateway.providers.v.type=vertex-ai",
            "ai-gateway.providers.v.project=my-project")
        .run(context -> {
          AiGatewayConfigurationException e =
              CloudProvidersTest.cause(context.getStartupFailure());
          assertThat(e.property()).isEqualTo("ai-gateway.providers.v.token-supplier");
          assertThat(e.problem()).contains("is not set")
              .contains("dev.aigateway:ai-gateway-google-auth on the classpath");
          assertThat(e.valid()).contains("TokenSupplier bean")
              .contains("dev.aigateway:ai-gateway-google-auth");
        });
  }
}
