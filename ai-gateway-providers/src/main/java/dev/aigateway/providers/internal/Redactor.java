package dev.aigateway.providers.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.UnsupportedResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Removes credentials from text before it goes into an exception. It knows what to remove from
 * the request actually sent: the values of its credential headers.
 */
public final class Redactor {
  /** Headers whose values are credentials in every vendor's protocol. */
  public static final Set<String> CREDENTIAL_HEADERS = Set.of(
      "authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key",
      "cookie", "x-amz-security-token");

  static final String MASK = "[redacted]";

  // Vendors echo part of a bad key ("Incorrect API key provided: sk-abc*****wxyz").
  private static final Pattern ECHOED_KEY =
      Pattern.compile("(?i)(api[ _-]?key[^:]{0,20}:\\s*)((?=\\S*[0-9*])\\S{8,})");

  private final List<String> secrets;

  private Redactor(List<String> secrets) {
    this.secrets = secrets;
  }

  /** A redactor for the credentials {@code request} carries, plus {@code extraSensitive} headers. */
  public static Redactor forRequest(Request request, Set<String> extraSensitive) {
    List<String> secrets = new ArrayList<>(2);
    for (int i = 0; i < request.headers().size(); i++) {
      String name = request.headers().name(i).toLowerCase(Locale.ROOT);
      if (CREDENTIAL_HEADERS.contains(name) || extraSensitive.contains(name)) {
        String value = request.headers().value(i);
        secrets.add(value);
        int space = value.indexOf(' ');
        if (space > 0 && space < value.length() - 1) {
          secrets.add(value.substring(space + 1)); // "Bearer <token>"
        }
      }
    }
    return new Redactor(secrets);
  }

  /** A redactor with nothing to remove but echoed keys. */
  public static Redactor none() {
    return new Redactor(List.of());
  }

  /**
   * {@code error} as it may leave the adapter: itself when neither its message nor any cause's
   * mentions a credential; otherwise a copy of the same type, status, code and retryability with
   * the message scrubbed, and a leaking cause replaced by its scrubbed description.
   */
  public AiGatewayException sanitize(AiGatewayException error) {
    if (!leaks(error)) {
      return error;
    }
    String message = scrub(error.getMessage());
    Throwable cause = error.getCause();
    if (cause != null && leaks(cause)) {
      message = message + " (cause: " + scrub(cause.toString()) + ")";
      cause = null;
    }
    AiGatewayException copy = copy(error, message, cause);
    copy.setStackTrace(error.getStackTrace());
    error.partialText().ifPresent(copy::initPartialText);
    return copy;
  }

  private boolean leaks(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = c.getMessage();
      if (m != null && !m.equals(scrub(m))) {
        return true;
      }
      if (c.getCause() == c) {
        break;
      }
    }
    return false;
  }

  private static AiGatewayException copy(
      AiGatewayException e, String message, @Nullable Throwable cause) {
    if (e instanceof ProviderException p) {
      String provider = p.provider();
      int status = p.statusCode();
      String code = p.errorCode();
      if (e instanceof MalformedResponseException) {
        return new MalformedResponseException(provider, status, message, cause);
      }
      if (e instanceof UnsupportedResponseException) {
        return new UnsupportedResponseException(provider, status, message, cause);
      }
      if (e instanceof ProviderUnavailableException) {
        return new ProviderUnavailableException(provider, status, code, message, cause);
      }
      if (e instanceof ContextLengthExceededException) {
        return new ContextLengthExceededException(provider, status, code, message, cause);
      }
      if (e instanceof InvalidRequestException) {
        return new InvalidRequestException(provider, status, code, message, cause);
      }
      if (e instanceof AuthenticationException) {
        return new AuthenticationException(provider, status, code, message, cause);
      }
      if (e instanceof ProviderRateLimitException r) {
        return new ProviderRateLimitException(provider, status, code, message,
            r.retryAfter().orElse(null), r.retryable(), cause);
      }
      return new ProviderException(provider, status, code, message, p.retryable(), cause);
    }
    if (e instanceof GatewayTimeoutException t) {
      return new GatewayTimeoutException(t.provider(), t.phase(), message, cause);
    }
    return new AiGatewayException(message, cause, e.retryable());
  }

  /** {@code text} with every known credential, and any key a vendor echoed, masked. */
  public String scrub(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    for (String secret : secrets) {
      if (secret.length() >= 4 && result.contains(secret)) {
        result = result.replace(secret, MASK);
      }
    }
    Matcher m = ECHOED_KEY.matcher(result);
    if (m.find()) {
      result = m.replaceAll("$1" + Matcher.quoteReplacement(MASK));
    }
    return result;
  }
}
