package dev.aigateway.providers.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.AuthenticationException;
import dev.aigateway.api.ContextLengthExceededException;
import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.api.ProviderException;
import dev.aigateway.api.ProviderRateLimitException;
import dev.aigateway.api.ProviderUnavailableException;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import okhttp3.Headers;
import okhttp3.MediaType;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.jspecify.annotations.Nullable;

/**
 * Maps a vendor's HTTP error reply onto the gateway's exceptions. The status decides the type;
 * the vendor's error body refines it (context length, exhausted quota) and supplies the code and
 * message. A body that is not JSON, such as a proxy's HTML page, still yields a typed exception
 * with its status and a short excerpt.
 *
 * <table>
 *   <caption>Status mapping</caption>
 *   <tr><th>status</th><th>exception</th><th>retryable</th></tr>
 *   <tr><td>400, 404, 413, 422</td><td>{@link InvalidRequestException}, or
 *       {@link ContextLengthExceededException}</td><td>no</td></tr>
 *   <tr><td>401, 403, and other 4xx whose body rejects the credential</td>
 *       <td>{@link AuthenticationException}</td><td>no</td></tr>
 *   <tr><td>408</td><td>{@link ProviderUnavailableException}</td><td>yes</td></tr>
 *   <tr><td>409</td><td>{@link ProviderException}</td><td>yes</td></tr>
 *   <tr><td>429</td><td>{@link ProviderRateLimitException}</td><td>yes, unless quota is
 *       exhausted</td></tr>
 *   <tr><td>5xx, 529</td><td>{@link ProviderUnavailableException}</td><td>yes</td></tr>
 *   <tr><td>other</td><td>{@link ProviderException}</td><td>no</td></tr>
 * </table>
 */
public final class HttpErrors {
  /** Error bodies are read up to this size; the rest is ignored. */
  static final long MAX_ERROR_BODY = 64 * 1024;
  private static final int EXCERPT = 200;
  /** How much of a body {@link #describeBody} looks at. */
  private static final int SCANNED = 8192;

  private HttpErrors() {}

  /** The exception for a non-2xx {@code response}. Reads at most 64 KiB of its body. */
  public static ProviderException fromResponse(
      String provider, Response response, VendorError.Parser parser, Clock clock,
      Redactor redactor) {
    String body = readBody(response);
    VendorError error = parseVendorError(body, response.headers(), parser);
    ProviderException mapped = map(provider, response.code(), response.headers(),
        contentType(response), body, error, parser, clock, redactor);
    if (response.code() == 404 && error == null) {
      // Not the vendor's own "model not found" but a page that is not there: almost always a
      // base URL without its version path. Say which URL was called (without its query).
      okhttp3.HttpUrl url = response.request().url();
      String called = url.scheme() + "://" + url.host()
          + (url.port() == okhttp3.HttpUrl.defaultPort(url.scheme()) ? "" : ":" + url.port())
          + url.encodedPath();
      return new InvalidRequestException(provider, 404, mapped.errorCode(),
          redactor.scrub(mapped.getMessage() + "; " + response.request().method() + " "
              + called + " does not exist: check the base URL (an OpenAI-compatible server's"
              + " usually ends in /v1)"), null);
    }
    return mapped;
  }

  /** The exception for status {@code status} with {@code body}. */
  public static ProviderException map(
      String provider, int status, Headers headers, @Nullable String contentType, String body,
      VendorError.Parser parser, Clock clock, Redactor redactor) {
    return map(provider, status, headers, contentType, body,
        parseVendorError(body, headers, parser), parser, clock, redactor);
  }

  /** {@link #map} with the vendor error already read from {@code body} (null when none). */
  private static ProviderException map(
      String provider, int status, Headers headers, @Nullable String contentType, String body,
      @Nullable VendorError error, VendorError.Parser parser, Clock clock, Redactor redactor) {
    String detail = error != null ? detail(error) : "with " + describeBody(contentType, body);
    String message = redactor.scrub(provider + ": HTTP " + status + " " + detail);
    String code = error != null ? error.errorCode() : null;
    Duration retryAfter = RetryAfter.parse(headers, clock);
    if (retryAfter == null && error != null) {
      retryAfter = error.retryAfter(); // a delay given only in the body, as Google does
    }
    if (error != null) {
      ProviderException own = parser.classify(provider, status, error, message, retryAfter);
      if (own != null) {
        return own;
      }
    }

    if (status == 429) {
      boolean exhausted = error != null && error.quotaExhausted();
      return new ProviderRateLimitException(provider, status, code, message, retryAfter,
          !exhausted, null);
    }
    if (status == 401 || status == 403
        || (status >= 400 && status < 500 && error != null && error.credentialsRejected())) {
      return new AuthenticationException(provider, status, code, message, null);
    }
    if (status == 400 || status == 404 || status == 413 || status == 422) {
      if (error != null && error.contextLengthExceeded()) {
        return new ContextLengthExceededException(provider, status, code, message, null);
      }
      return new InvalidRequestException(provider, status, code, message, null);
    }
    if (status == 408 || status >= 500) {
      return new ProviderUnavailableException(provider, status, code, message, null);
    }
    if (status == 409) {
      return new ProviderException(provider, status, code, message, true, null);
    }
    if (status >= 300 && status < 400) {
      String location = headers.get("Location");
      return new ProviderException(provider, status, code,
          redactor.scrub(provider + ": HTTP " + status + " redirect"
              + (location != null ? " to " + location : "")
              + "; redirects are not followed so that credentials never travel elsewhere."
              + " Check the base URL."), false, null);
    }
    return new ProviderException(provider, status, code, message, false, null);
  }

  /** Up to {@link #MAX_ERROR_BODY} bytes of the body as text; empty when unreadable. */
  public static String readBody(Response response) {
    try {
      ResponseBody peeked = response.peekBody(MAX_ERROR_BODY);
      return peeked.string();
    } catch (IOException | IllegalStateException e) {
      return "";
    }
  }

  /** The response's content type, or null. */
  public static @Nullable String contentType(Response response) {
    MediaType type = response.body().contentType();
    return type == null ? null : type.toString();
  }

  /** The vendor's code and message, as one line. */
  static String detail(VendorError error) {
    return (error.errorCode() != null ? error.errorCode() + ": " : "")
        + (error.message() != null ? error.message() : "(no message)");
  }

  /** The vendor error {@code body} describes, or null when it is not one. */
  static @Nullable VendorError parseVendorError(String body, VendorError.Parser parser) {
    return parseVendorError(body, okhttp3.Headers.of(), parser);
  }

  /** As {@link #parseVendorError(String, VendorError.Parser)}, with the reply's headers. */
  static @Nullable VendorError parseVendorError(
      String body, Headers headers, VendorError.Parser parser) {
    if (body == null || body.isBlank()) {
      return null;
    }
    String trimmed = body.stripLeading();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      return null;
    }
    try {
      JsonNode root = Json.parse(body);
      if (root != null && root.isArray() && root.size() > 0) {
        root = root.get(0); // Gemini has sent errors wrapped in an array
      }
      return root == null ? null : parser.parse(root, headers);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  /**
   * A short description of a body that is not the vendor's JSON error: its type and start (an
   * HTML page's title, or its text without tags), at most {@value #EXCERPT} characters with
   * control characters and runs of white space as one space. Looks at the first
   * {@value #SCANNED} characters only, in one pass, so a page of any size costs the same.
   */
  static String describeBody(@Nullable String contentType, String body) {
    if (body == null || body.isBlank()) {
      return "an empty body";
    }
    String type = contentType == null ? "no content type" : contentType;
    String text = body.length() > SCANNED ? body.substring(0, SCANNED) : body;
    if (type.toLowerCase(Locale.ROOT).contains("html") || text.stripLeading().startsWith("<")) {
      String title = title(text);
      text = title != null ? title : withoutTags(text);
    }
    return "a body of type " + type + ": " + excerpt(text);
  }

  /** The text of the first {@code <title>} element, or null. */
  private static @Nullable String title(String html) {
    int open = indexOfIgnoreCase(html, "<title", 0);
    if (open < 0) {
      return null;
    }
    int start = html.indexOf('>', open);
    if (start < 0) {
      return null;
    }
    int close = indexOfIgnoreCase(html, "</title", start + 1);
    return close < 0 ? null : html.substring(start + 1, close);
  }

  private static int indexOfIgnoreCase(String s, String what, int from) {
    for (int i = from; i <= s.length() - what.length(); i++) {
      if (s.regionMatches(true, i, what, 0, what.length())) {
        return i;
      }
    }
    return -1;
  }

  private static String withoutTags(String html) {
    StringBuilder sb = new StringBuilder(Math.min(html.length(), 2 * EXCERPT));
    boolean inTag = false;
    for (int i = 0; i < html.length() && sb.length() <= 2 * EXCERPT; i++) {
      char c = html.charAt(i);
      if (c == '<') {
        inTag = true;
        sb.append(' ');
      } else if (c == '>' && inTag) {
        inTag = false;
      } else if (!inTag) {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** At most {@value #EXCERPT} characters of {@code text}, on one line. */
  private static String excerpt(String text) {
    StringBuilder sb = new StringBuilder(Math.min(text.length(), EXCERPT + 1));
    boolean space = false;
    for (int i = 0; i < text.length() && sb.length() < EXCERPT + 1; i++) {
      char c = text.charAt(i);
      if (Character.isWhitespace(c) || Character.isISOControl(c)) {
        space = sb.length() > 0;
      } else {
        if (space) {
          sb.append(' ');
          space = false;
        }
        sb.append(c);
      }
    }
    if (sb.length() > EXCERPT) {
      sb.setLength(EXCERPT);
      return sb + "…";
    }
    return sb.toString();
  }
}
