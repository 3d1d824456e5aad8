package dev.aigateway.providers.gemini;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.providers.conformance.Wire;
import dev.aigateway.providers.internal.GoogleRpcErrors;
import dev.aigateway.providers.internal.VendorError;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Reading Google's {@code google.rpc} error body and its status names. */
class GoogleRpcErrorsTest {

  @Test
  void statusNamesMapToTheHttpStatusGoogleDocuments() {
    assertThat(GoogleRpcErrors.httpStatus("INVALID_ARGUMENT", 0)).isEqualTo(400);
    assertThat(GoogleRpcErrors.httpStatus("FAILED_PRECONDITION", 0)).isEqualTo(400);
    assertThat(GoogleRpcErrors.httpStatus("UNAUTHENTICATED", 0)).isEqualTo(401);
    assertThat(GoogleRpcErrors.httpStatus("PERMISSION_DENIED", 0)).isEqualTo(403);
    assertThat(GoogleRpcErrors.httpStatus("NOT_FOUND", 0)).isEqualTo(404);
    assertThat(GoogleRpcErrors.httpStatus("RESOURCE_EXHAUSTED", 0)).isEqualTo(429);
    assertThat(GoogleRpcErrors.httpStatus("INTERNAL", 0)).isEqualTo(500);
    assertThat(GoogleRpcErrors.httpStatus("UNAVAILABLE", 0)).isEqualTo(503);
    assertThat(GoogleRpcErrors.httpStatus("DEADLINE_EXCEEDED", 0)).isEqualTo(504);
    assertThat(GoogleRpcErrors.httpStatus("SOMETHING_NEW", 502)).as("the numeric code")
        .isEqualTo(502);
    assertThat(GoogleRpcErrors.httpStatus(null, 0)).as("neither: a server error").isEqualTo(500);
  }

  @Test
  void protobufDurations() {
    assertThat(GoogleRpcErrors.protobufDuration("13s")).isEqualTo(Duration.ofSeconds(13));
    assertThat(GoogleRpcErrors.protobufDuration("0.5s")).isEqualTo(Duration.ofMillis(500));
    assertThat(GoogleRpcErrors.protobufDuration("1.0000000019s"))
        .isEqualTo(Duration.ofNanos(1_000_000_001));
    assertThat(GoogleRpcErrors.protobufDuration("13")).isNull();
    assertThat(GoogleRpcErrors.protobufDuration("-1s")).isNull();
    assertThat(GoogleRpcErrors.protobufDuration("soons")).isNull();
    assertThat(GoogleRpcErrors.protobufDuration(null)).isNull();
  }

  @Test
  void theBodyIsRead() {
    VendorError e = GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(429,
        "RESOURCE_EXHAUSTED", "Quota exceeded", GeminiFixtures.RETRY_INFO_13S)));
    assertThat(e).isEqualTo(new VendorError("RESOURCE_EXHAUSTED", "RESOURCE_EXHAUSTED",
        "Quota exceeded", false, false, Duration.ofSeconds(13)));
    assertThat(GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(429, "RESOURCE_EXHAUSTED",
        "Quota exceeded", GeminiFixtures.PER_DAY_QUOTA))).quotaExhausted()).isTrue();
    assertThat(GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(400, "INVALID_ARGUMENT",
        GeminiFixtures.CONTEXT_MESSAGE, null))).contextLengthExceeded()).isTrue();
    assertThat(GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(400, "INVALID_ARGUMENT",
        "Invalid JSON payload received.", null))).contextLengthExceeded()).isFalse();
    assertThat(GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(400, "INVALID_ARGUMENT",
        "Invalid JSON payload received.", null))).credentialsRejected()).isFalse();
    assertThat(GoogleRpcErrors.parse(Wire.tree("{\"message\":\"no\"}"))).isNull();
  }

  @Test
  void anInvalidKeyIsAnInvalidArgumentWhoseErrorInfoSaysApiKeyInvalid() {
    VendorError e = GoogleRpcErrors.parse(Wire.tree(GeminiFixtures.error(400, "INVALID_ARGUMENT",
        "API key not valid. Please pass a valid API key.", GeminiFixtures.API_KEY_INVALID)));
    assertThat(e.credentialsRejected()).isTrue();
    assertThat(e.contextLengthExceeded()).isFalse();
  }
}
