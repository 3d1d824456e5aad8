package dev.aigateway.providers.anthropic;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.conformance.Wire;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;

/**
 * The conformance kit against Claude on Vertex AI: the same transcripts as Anthropic's (the wire
 * format is one), sent to Vertex's {@code rawPredict} paths with a bearer token, plus the errors
 * the Vertex platform answers with in Google's shape.
 */
class AnthropicVertexConformanceTest extends AnthropicConformanceTest {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    AnthropicVertexProvider.Builder b = AnthropicVertexProvider.builder().baseUrl(baseUrl)
        .project("conformance-project").location("us-east5")
        .tokenSupplier(() -> AccessToken.of(key.reveal(), clock.instant().plus(Duration.ofHours(1))))
        .clock(clock).maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected List<ErrorCase> documentedErrors() {
    List<ErrorCase> cases = new ArrayList<>(super.documentedErrors());
    // The platform's own errors come as google.rpc bodies.
    cases.add(new ErrorCase(429, "RESOURCE_EXHAUSTED", m -> Wire.json(429,
        googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for aiplatform.googleapis.com/"
            + "online_prediction_requests_per_base_model: " + m,
            "[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"9s\"}]")),
        ProviderRateLimitException.class, true, Duration.ofSeconds(9)));
    cases.add(new ErrorCase(403, "PERMISSION_DENIED", m -> Wire.json(403,
        googleError(403, "PERMISSION_DENIED", "Permission 'aiplatform.endpoints.predict' denied: "
            + m, null)), AuthenticationException.class, false, null));
    cases.add(new ErrorCase(404, "NOT_FOUND", m -> Wire.json(404,
        googleError(404, "NOT_FOUND", "Publisher Model `projects/conformance-project/locations/"
            + "us-east5/publishers/anthropic/models/claude-x` not found. " + m, null)),
        InvalidRequestException.class, false, null));
    return cases;
  }

  static String googleError(int code, String status, String message, String details) {
    return "{\"error\":{\"code\":" + code + ",\"message\":" + new TextNode(message)
        + ",\"status\":\"" + status + "\"" + (details == null ? "" : ",\"details\":" + details)
        + "}}";
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    assertThat(request.getUrl().encodedPath()).isEqualTo("/v1/projects/conformance-project/"
        + "locations/us-east5/publishers/anthropic/models/" + model()
        + (stream ? ":streamRawPredict" : ":rawPredict"));
    assertThat(request.getUrl().query()).isNull();
    assertThat(request.getUrl().toString()).doesNotContain(KEY);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(request.getHeaders().get("x-api-key")).isNull();
    assertThat(request.getHeaders().get("anthropic-version")).isNull();
    JsonNode body = Wire.body(request);
    assertThat(body.has("model")).as("the model travels in the path").isFalse();
    assertThat(body.path("anthropic_version").asText()).isEqualTo("vertex-2023-10-16");
    assertMessagesBody(request, body, stream);
  }
}
