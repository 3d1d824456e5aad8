package dev.aigateway.core.observation;

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
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.UnsupportedResponseException;
import java.util.List;
import java.util.concurrent.CancellationException;
import org.jspecify.annotations.Nullable;

/**
 * The values of {@code error.type}: a short, fixed list, one per kind of failure the gateway
 * reports, so that the tag stays low-cardinality whatever the vendors say. The most specific
 * type wins (a {@link ContextLengthExceededException} is {@code context_length_exceeded}, not
 * {@code invalid_request}); anything that is none of these is {@value #OTHER}, as the
 * conventions ask.
 *
 * <table>
 *   <caption>error.type</caption>
 *   <tr><th>value</th><th>failure</th></tr>
 *   <tr><td>{@code rate_limited}</td><td>the gateway's own per-client limit refused the call
 *       ({@link RateLimitExceededException})</td></tr>
 *   <tr><td>{@code rate_limit_store_unavailable}</td><td>the limits' shared store could not be
 *       reached and they fail closed</td></tr>
 *   <tr><td>{@code access_denied}</td><td>the client may not use that model
 *       ({@link AccessDeniedException})</td></tr>
 *   <tr><td>{@code no_route}</td><td>the model names no route or provider
 *       ({@link NoRouteException})</td></tr>
 *   <tr><td>{@code all_targets_failed}</td><td>every candidate failed or was skipped
 *       ({@link AllTargetsFailedException})</td></tr>
 *   <tr><td>{@code timeout}</td><td>a connect, first-chunk, idle or total timeout
 *       ({@link GatewayTimeoutException})</td></tr>
 *   <tr><td>{@code circuit_open}, {@code bulkhead_full}, {@code upstream_limit}</td><td>the
 *       gateway passed a target over without sending (its breaker open, its bulkhead full, its
 *       vendor-side limit spent): the cause of the failover that follows</td></tr>
 *   <tr><td>{@code authentication}</td><td>the vendor refused the key (401, 403)</td></tr>
 *   <tr><td>{@code context_length_exceeded}</td><td>the prompt is too long for the model</td></tr>
 *   <tr><td>{@code invalid_request}</td><td>the vendor refused the request as invalid</td></tr>
 *   <tr><td>{@code provider_rate_limited}</td><td>the vendor said 429</td></tr>
 *   <tr><td>{@code malformed_response}</td><td>the vendor's reply could not be read</td></tr>
 *   <tr><td>{@code unsupported_response}</td><td>the vendor's reply was well-formed, in a shape
 *       the adapter does not understand ({@link UnsupportedResponseException})</td></tr>
 *   <tr><td>{@code provider_unavailable}</td><td>5xx, a dead or cut connection, a truncated
 *       stream</td></tr>
 *   <tr><td>{@code provider_error}</td><td>any other vendor error</td></tr>
 *   <tr><td>{@code invalid_output}</td><td>the vendor answered, but not with the structured
 *       output the request asked for: not JSON, JSON that does not fit the type, cut short,
 *       refused ({@link StructuredOutputException})</td></tr>
 *   <tr><td>{@code cancelled}</td><td>the caller cancelled</td></tr>
 *   <tr><td>{@code gateway_error}</td><td>any other failure of the gateway's</td></tr>
 *   <tr><td>{@code _OTHER}</td><td>anything else (an application interceptor's own exception,
 *       say)</td></tr>
 * </table>
 */
public final class ErrorTypes {
  /** The value for a failure that is none of the listed kinds. */
  public static final String OTHER = "_OTHER";

  /** Every value {@link #of} can return, in the table's order. */
  public static final List<String> ALL = List.of("rate_limited", "rate_limit_store_unavailable",
      "access_denied", "no_route",
      "all_targets_failed", "timeout", "circuit_open", "bulkhead_full", "upstream_limit",
      "authentication", "context_length_exceeded",
      "invalid_request", "provider_rate_limited", "malformed_response", "unsupported_response",
      "provider_unavailable", "provider_error", "invalid_output", "cancelled", "gateway_error", OTHER);

  private ErrorTypes() {}

  /** The {@code error.type} of {@code failure}; {@link GenAi#NONE} for null (no failure). */
  public static String of(@Nullable Throwable failure) {
    if (failure == null) {
      return GenAi.NONE;
    }
    if (failure instanceof ProviderException p) {
      String code = p.errorCode();
      if (p.statusCode() == 0 && code != null) {
        // The gateway's own refusals to send (a target skipped), not a vendor's answer.
        switch (code) {
          case "circuit_open", "bulkhead_full", "upstream_limit":
            return code;
          default:
            break;
        }
      }
      if (failure instanceof AuthenticationException) {
        return "authentication";
      }
      if (failure instanceof ContextLengthExceededException) {
        return "context_length_exceeded";
      }
      if (failure instanceof InvalidRequestException) {
        return "invalid_request";
      }
      if (failure instanceof ProviderRateLimitException) {
        return "provider_rate_limited";
      }
      if (failure instanceof MalformedResponseException) {
        return "malformed_response";
      }
      if (failure instanceof UnsupportedResponseException) {
        return "unsupported_response";
      }
      if (failure instanceof ProviderUnavailableException) {
        return "provider_unavailable";
      }
      return "provider_error";
    }
    if (failure instanceof AiGatewayException) {
      if (failure instanceof RateLimitExceededException) {
        return "rate_limited";
      }
      if (failure instanceof dev.aigateway.api.RateLimitStoreUnavailableException) {
        return "rate_limit_store_unavailable";
      }
      if (failure instanceof AccessDeniedException) {
        return "access_denied";
      }
      if (failure instanceof NoRouteException) {
        return "no_route";
      }
      if (failure instanceof AllTargetsFailedException) {
        return "all_targets_failed";
      }
      if (failure instanceof GatewayTimeoutException) {
        return "timeout";
      }
      if (failure instanceof StructuredOutputException) {
        return "invalid_output";
      }
      return "gateway_error";
    }
    if (failure instanceof CancellationException) {
      return "cancelled";
    }
    return OTHER;
  }
}
