package dev.aigateway.spring.autoconfigure;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Which Redis the shared limits and cache use: {@code ai-gateway.redis.url} when it is set and
 * not blank; when it is not set at all, the connection Spring Boot's own
 * {@code spring.data.redis.*} properties describe (its {@code url}, or its {@code host},
 * {@code port}, {@code username}, {@code password}, {@code database} and {@code ssl.enabled}),
 * if they name one; otherwise none, and both stay in each JVM. A blank
 * {@code ai-gateway.redis.url} turns Redis off even when {@code spring.data.redis.*} is set.
 * Sentinel and cluster settings are refused with an error that says to set
 * {@code ai-gateway.redis.url}, since the stores talk to one standalone server.
 *
 * <p>The properties are read rather than Spring Data Redis's connection factory so that the
 * gateway keeps a client of its own, with the failure behaviour the Redis module documents
 * (commands fail at once while disconnected, instead of queueing).
 */
final class RedisConnectionSource {
  static final String URL = "ai-gateway.redis.url";
  private static final String SPRING = "spring.data.redis.";

  private RedisConnectionSource() {}

  /** The Redis to use, or null for none. */
  static @Nullable RedisURI of(Environment env) {
    String own = env.getProperty(URL);
    if (own != null) {
      return own.isBlank() ? null : parse(URL, own);
    }
    if (env.containsProperty(SPRING + "sentinel.master")
        || env.containsProperty(SPRING + "cluster.nodes")
        || env.containsProperty(SPRING + "cluster.nodes[0]")) {
      throw new AiGatewayConfigurationException(SPRING + "sentinel / cluster",
          "the gateway's shared limits and cache use one standalone Redis, not a sentinel or "
              + "cluster setup",
          "set " + URL + " to the server to use (or blank, for none)");
    }
    String url = env.getProperty(SPRING + "url");
    if (url != null && !url.isBlank()) {
      return parse(SPRING + "url", url);
    }
    String host = env.getProperty(SPRING + "host");
    if (host == null || host.isBlank()) {
      return null; // Spring Data Redis not configured either
    }
    Binder binder = Binder.get(env);
    int port = binder.bind(SPRING + "port", Integer.class).orElse(6379);
    int database = binder.bind(SPRING + "database", Integer.class).orElse(0);
    boolean ssl = binder.bind(SPRING + "ssl.enabled", Boolean.class).orElse(false);
    RedisURI.Builder uri = RedisURI.builder().withHost(host).withPort(port)
        .withDatabase(database).withSsl(ssl);
    String username = env.getProperty(SPRING + "username");
    String password = env.getProperty(SPRING + "password");
    if (password != null && !password.isEmpty()) {
      if (username != null && !username.isEmpty()) {
        uri.withAuthentication(username, password.toCharArray());
      } else {
        uri.withPassword(password.toCharArray());
      }
    }
    binder.bind(SPRING + "client-name", String.class).ifBound(uri::withClientName);
    Duration timeout = binder.bind(SPRING + "connect-timeout", Duration.class).orElse(null);
    if (timeout != null) {
      uri.withTimeout(timeout);
    }
    return uri.build();
  }

  private static RedisURI parse(String property, String url) {
    try {
      return RedisURI.create(url);
    } catch (RuntimeException e) {
      throw new AiGatewayConfigurationException(property,
          "not a Redis URL (the value is not repeated: it may hold a password)",
          "use redis://host:port, rediss://host:port for TLS, or "
              + "redis://user:password@host:port/database");
    }
  }

  /**
   * Matches when {@link #of} names a Redis, or refuses a setting (so that the refusal is seen at
   * startup, from the bean that reads it). Evaluated after the Redis module's classes were found.
   */
  static final class Configured implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      try {
        return of(context.getEnvironment()) != null;
      } catch (AiGatewayConfigurationException refused) {
        return true;
      }
    }
  }
}
