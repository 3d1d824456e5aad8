package dev.aigateway.providers.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.openai.OpenAiConformanceTest;
import dev.aigateway.providers.openai.OpenAiFixtures;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;

/**
 * The conformance kit against Azure OpenAI's deployment URLs. The body format is OpenAI's, so
 * the transcripts and body checks are {@link OpenAiConformanceTest}'s; the URL, the credential
 * header and the absent {@code model} are Azure's, and so is the content-filter error.
 */
class AzureOpenAiConformanceTest extends OpenAiConformanceTest {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    AzureOpenAiProvider.Builder b = AzureOpenAiProvider.builder().baseUrl(baseUrl).apiKey(key)
        .clock(clock).deployment("gpt-4o", "prod-gpt4o").maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    List<ErrorCase> cases = new ArrayList<>(super.documentedErrors());
    // https://learn.microsoft.com/azure/ai-foundry/openai/concepts/content-filter
    cases.add(new ErrorCase(400, "content_filter", m -> Wire.json(400, """
        {"error":{"message":"%s","type":null,"param":"prompt","code":"content_filter",
          "status":400,"innererror":{"code":"ResponsibleAIPolicyViolation",
          "content_filter_result":{"hate":{"filtered":true,"severity":"high"},
            "self_harm":{"filtered":false,"severity":"safe"}}}}}""".formatted(m)),
        InvalidRequestException.class, false, null));
    return cases;
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath())
        .isEqualTo("/openai/deployments/prod-gpt4o/chat/completions");
    assertThat(request.getUrl().queryParameter("api-version"))
        .isEqualTo(AzureOpenAiProvider.DEFAULT_API_VERSION);
    assertThat(request.getHeaders().get("api-key")).isEqualTo(KEY);
    assertThat(request.getHeaders().get("Authorization")).isNull();
    JsonNode body = Wire.body(request);
    assertThat(body.has("model")).as("the deployment URL names the model").isFalse();
    if (stream) {
      assertThat(body.path("stream").asBoolean()).isTrue();
      assertThat(body.path("stream_options").path("include_usage").asBoolean()).isTrue();
    } else {
      assertThat(body.has("stream")).isFalse();
    }
  }
}
