package dev.aigateway.spring.autoconfigure;

import static dev.aigateway.spring.autoconfigure.GatewayFactory.guarded;

import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.bedrock.BedrockProvider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Provider;
import org.springframework.util.unit.DataSize;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * Makes a {@code bedrock} provider from its properties. The one class that names
 * ai-gateway-bedrock's and the AWS SDK's: {@link GatewayFactory} loads it only once the module is
 * known to be on the classpath, so that an application without it starts.
 */
final class BedrockProviders {
  private BedrockProviders() {}

  static ChatProvider provider(String id, String at, Provider p, GatewayFactory.Beans beans) {
    BedrockProvider.Builder b = BedrockProvider.builder().id(id);
    String region = p.getRegion();
    if (region != null) {
      guarded(at + ".region", () -> b.region(region));
    }
    String baseUrl = p.getBaseUrl();
    if (baseUrl != null) {
      guarded(at + ".base-url", () -> b.endpointOverride(baseUrl));
    }
    if (!p.getHeaders().isEmpty()) {
      throw new AiGatewayConfigurationException(at + ".headers",
          "is not sent by type bedrock (its requests are signed as they are)",
          "no headers; an AiGatewayBuilderCustomizer can add a provider built in code");
    }
    String credentials = p.getCredentialsProvider();
    if (credentials != null) {
      b.credentialsProvider(GatewayFactory.bean(at + ".credentials-provider", credentials,
          AwsCredentialsProvider.class, beans));
    }
    DataSize max = p.getMaxResponseSize();
    if (max != null) {
      guarded(at + ".max-response-size", () -> b.maxResponseSize(max.toBytes()));
    }
    if (region != null) {
      return guarded(at, b::build);
    }
    try {
      return b.build(); // the builder reads AWS_REGION, then AWS_DEFAULT_REGION
    } catch (IllegalArgumentException e) {
      throw new AiGatewayConfigurationException(at + ".region",
          "is missing, and the environment variables AWS_REGION and AWS_DEFAULT_REGION give no "
              + "region (" + e.getMessage() + ")", "the AWS region, such as us-east-1");
    }
  }
}
