package dev.aigateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TimeoutOptions;
import java.time.Duration;
import java.util.Objects;

/**
 * What the limits and the cache store do alike: the client they make from a URL (which fails
 * its commands at once while disconnected, instead of queueing them, and times each out), and
 * the checks of their settings.
 */
final class Connections {
  private Connections() {}

  /** A client of our own on {@code uri}, with the failure behaviour the stores document. */
  static RedisClient ownClient(RedisURI uri, Duration commandTimeout) {
    RedisClient client = RedisClient.create(uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .build());
    return client;
  }

  /** {@code url} parsed, with an error that names the problem but not the URL (a password). */
  static RedisURI uri(String url) {
    Objects.requireNonNull(url, "url");
    if (url.isBlank()) {
      throw new IllegalArgumentException("the Redis URL is blank");
    }
    int schemeEnd = url.indexOf("://");
    String scheme = schemeEnd < 0 ? "none" : "'" + url.substring(0, schemeEnd) + "'";
    try {
      return RedisURI.create(url);
    } catch (RuntimeException e) { // not chained: Lettuce's message may repeat the URL
      throw new IllegalArgumentException("not a Redis URL (scheme " + scheme
          + "; expected redis://host:port or rediss://...; the URL is not repeated here, it may"
          + " hold a password)");
    }
  }

  static String namespace(String namespace) {
    if (namespace == null || namespace.isBlank() || namespace.contains(" ")) {
      throw new IllegalArgumentException("namespace must be a non-blank word: " + namespace);
    }
    return namespace;
  }

  static Duration commandTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("commandTimeout must be > 0: " + timeout);
    }
    return timeout;
  }
}
