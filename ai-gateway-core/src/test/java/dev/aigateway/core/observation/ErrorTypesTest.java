package dev.aigateway.core.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.AccessDeniedException;
import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.NoRouteException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.RateLimitExceededException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class ErrorTypesTest {
  private static Map<Throwable, String> cases() {
    Map<Throwable, String> cases = new LinkedHashMap<>();
    cases.put(new AuthenticationException("p", 401, "invalid_api_key", "p: bad key", null),
        "authentication");
    cases.put(new ContextLengthExceededException("p", 400, null, "p: too long", null),
        "context_length_exceeded");
    cases.put(new InvalidRequestException("p", 400, null, "p: bad", null), "invalid_request");
    cases.put(new ProviderRateLimitException("p", 429, null, "p: slow down", null, true, null),
        "provider_rate_limited");
    cases.put(new MalformedResponseException("p", 200, "p: not JSON", null),
        "malformed_response");
    cases.put(new dev.aigateway.api.UnsupportedResponseException("p", 200, "p: a shape", null),
        "unsupported_response");
    cases.put(new ProviderUnavailableException("p", 503, null, "p: down", null),
        "provider_unavailable");
    cases.put(new ProviderException("p", 418, null, "p: teapot", false, null), "provider_error");
    cases.put(new GatewayTimeoutException("p", GatewayTimeoutException.Phase.IDLE, "idle", null),
        "timeout");
    cases.put(new RateLimitExceededException("acme", "over the limit", null), "rate_limited");
    cases.put(new dev.aigateway.api.RateLimitStoreUnavailableException("acme", "store down",
        null), "rate_limit_store_unavailable");
    cases.put(new AccessDeniedException("acme", "gpt-4o", "not allowed"), "access_denied");
    cases.put(new NoRouteException("nope", "no route"), "no_route");
    cases.put(new AllTargetsFailedException("all failed", List.of(
        new AllTargetsFailedException.FailedAttempt("p", "m", new IllegalStateException()))),
        "all_targets_failed");
    cases.put(new ProviderUnavailableException("p", 0, "circuit_open", "p: circuit open", null),
        "circuit_open");
    cases.put(new ProviderUnavailableException("p", 0, "bulkhead_full", "p: bulkhead full",
        null), "bulkhead_full");
    cases.put(new ProviderRateLimitException("p", 0, "upstream_limit", "p: over its budget",
        null, true, null), "upstream_limit");
    cases.put(new ProviderUnavailableException("p", 503, "circuit_open", "a vendor's own code",
        null), "provider_unavailable");
    cases.put(new dev.aigateway.api.StructuredOutputException(
        dev.aigateway.api.StructuredOutputException.Problem.DOES_NOT_FIT, "Invoice", "$.total",
        "expected number, got a string", "{}", "p", "m", null), "invalid_output");
    cases.put(new CancellationException(), "cancelled");
    cases.put(new AiGatewayException("other", null, false), "gateway_error");
    cases.put(new IllegalStateException("an interceptor's own"), "_OTHER");
    return cases;
  }

  @Test
  void everyFailureHasItsDocumentedValue() {
    Map<Throwable, String> cases = cases();
    cases.forEach((failure, type) ->
        assertThat(ErrorTypes.of(failure)).as(failure.getClass().getSimpleName()).isEqualTo(type));
    assertThat(ErrorTypes.of(null)).isEqualTo("none");
    assertThat(java.util.Set.copyOf(cases.values())).as("every documented value is reachable")
        .containsExactlyInAnyOrderElementsOf(ErrorTypes.ALL);
  }

  @Test
  void everyExceptionTypeOfTheApiIsACaseAbove() throws Exception {
    // The API's exception classes, read off its class directory or jar: a new one must be
    // given its error.type (or knowingly share its parent's) here, or this fails.
    java.net.URL where = AiGatewayException.class.getProtectionDomain().getCodeSource()
        .getLocation();
    List<String> names = new java.util.ArrayList<>();
    Path root = Path.of(where.toURI());
    if (Files.isDirectory(root)) {
      try (var files = Files.list(root.resolve("dev/aigateway/api"))) {
        files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith("Exception.class"))
            .forEach(n -> names.add(n.substring(0, n.length() - ".class".length())));
      }
    } else {
      try (java.util.jar.JarFile jar = new java.util.jar.JarFile(root.toFile())) {
        jar.stream().map(e -> e.getName()).filter(n -> n.startsWith("dev/aigateway/api/")
            && n.endsWith("Exception.class") && n.indexOf('/', 18) < 0)
            .forEach(n -> names.add(n.substring(18, n.length() - ".class".length())));
      }
    }
    assertThat(names).hasSizeGreaterThan(10);
    List<String> covered = cases().keySet().stream().map(t -> t.getClass().getSimpleName())
        .distinct().toList();
    assertThat(covered).containsAll(names);
  }
}
