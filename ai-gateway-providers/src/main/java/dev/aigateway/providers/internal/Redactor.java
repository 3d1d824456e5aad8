package dev.aigateway.providers.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Request;

/**
 * Removes credentials from text before it goes into an exception. It knows what to remove from
 * the request actually sent: the values of its credential headers.
 */
public final class Redactor {
  /** Headers whose values are credentials in every vendor's protocol. */
  public static final Set<String> CREDENTIAL_HEADERS = Set.of(
      "authorization", "proxy-authorization", "api-key", "x-api-key", "x-goog-api-key",
      "cookie");

  static final String MASK = "[redacted]";

  // Vendors echo part of a bad key ("Incorrect API key provided: sk-abc*****wxyz").
  private static final Pattern ECHOED_KEY =
      Pattern.compile("(?i)(api[ _-]?key[^:]{0,20}:\\s*)(\\S+)");

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
