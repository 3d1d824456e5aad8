package dev.aigateway.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.conformance.Wire;
import java.time.Clock;
import java.time.Duration;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;

/**
 * The conformance kit against Gemini on Vertex AI: the same transcripts as Gemini's (the wire
 * format is one), sent to Vertex's resource paths with a bearer token.
 */
class VertexConformanceTest extends GeminiConformanceTest {

  @Override
  protected ChatProvider newProvider(
      String baseUrl, Secret key, Clock clock, OkHttpClient client, long maxResponseSize) {
    VertexAiProvider.Builder b = VertexAiProvider.builder().baseUrl(baseUrl)
        .project("conformance-project").location("us-central1")
        .tokenSupplier(() -> AccessToken.of(key.reveal(), clock.instant().plus(Duration.ofHours(1))))
        .clock(clock).maxResponseSize(maxResponseSize);
    return (client == null ? b : b.httpClient(client)).build();
  }

  @Override
  protected void assertRequestLine(RecordedRequest request, boolean stream) {
    assertThat(request.getMethod()).isEqualTo("POST");
    String model = "/v1/projects/conformance-project/locations/us-central1/publishers/google/"
        + "models/gemini-2.5-flash";
    assertThat(request.getUrl().encodedPath())
        .isEqualTo(model + (stream ? ":streamGenerateContent" : ":generateContent"));
    assertThat(request.getUrl().query()).isEqualTo(stream ? "alt=sse" : null);
    assertThat(request.getUrl().toString()).doesNotContain(KEY);
    assertThat(request.getHeaders().get("Authorization")).isEqualTo("Bearer " + KEY);
    assertThat(request.getHeaders().get("x-goog-api-key")).isNull();
    JsonNode body = Wire.body(request);
    assertThat(body.has("model")).as("the model travels in the path").isFalse();
    assertThat(body.has("stream")).isFalse();
  }
}
