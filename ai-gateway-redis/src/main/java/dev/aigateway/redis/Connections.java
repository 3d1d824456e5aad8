package dev.aigateway.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
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

  /** A client of our own on {@code url}, with the failure behaviour the stores document. */
  static RedisClient ownClient(String url, Duration commandTimeout) {
    RedisClient client = RedisClient.create(url);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
        .build());
    return client;
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
