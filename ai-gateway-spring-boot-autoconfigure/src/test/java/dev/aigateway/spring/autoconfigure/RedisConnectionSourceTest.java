package dev.aigateway.spring.autoconfigure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisURI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.mock.env.MockEnvironment;

/** Which Redis the properties name: the gateway's own URL first, then Spring Data Redis's. */
class RedisConnectionSourceTest {

  @Test
  void nothingSetIsNoRedis() {
    assertThat(RedisConnectionSource.of(new MockEnvironment())).isNull();
  }

  @Test
  void theGatewaysUrlWins() {
    RedisURI uri = RedisConnectionSource.of(new MockEnvironment()
        .withProperty("ai-gateway.redis.url", "redis://cache.internal:6380/3")
        .withProperty("spring.data.redis.host", "other.internal"));
    assertThat(uri.getHost()).isEqualTo("cache.internal");
    assertThat(uri.getPort()).isEqualTo(6380);
    assertThat(uri.getDatabase()).isEqualTo(3);
  }

  @Test
  void aBlankGatewayUrlTurnsRedisOffEvenWithSpringDataRedisSet() {
    assertThat(RedisConnectionSource.of(new MockEnvironment()
        .withProperty("ai-gateway.redis.url", " ")
        .withProperty("spring.data.redis.host", "other.internal"))).isNull();
  }

  @Test
  void springDataRedisHostPortCredentialsDatabaseAndTls() {
    RedisURI uri = RedisConnectionSource.of(new MockEnvironment()
        .withProperty("spring.data.redis.host", "redis.internal")
        .withProperty("spring.data.redis.port", "6390")
        .withProperty("spring.data.redis.username", "app")
        .withProperty("spring.data.redis.password", "p@ss/word")
        .withProperty("spring.data.redis.database", "2")
        .withProperty("spring.data.redis.ssl.enabled", "true")
        .withProperty("spring.data.redis.connect-timeout", "3s"));
    assertThat(uri.getHost()).isEqualTo("redis.internal");
    assertThat(uri.getPort()).isEqualTo(6390);
    io.lettuce.core.RedisCredentials credentials =
        uri.getCredentialsProvider().resolveCredentials().block();
    assertThat(credentials.getUsername()).isEqualTo("app");
    assertThat(new String(credentials.getPassword())).isEqualTo("p@ss/word"); // not escaped
    assertThat(uri.getDatabase()).isEqualTo(2);
    assertThat(uri.isSsl()).isTrue();
    assertThat(uri.getTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  void springDataRedisHostAloneTakesTheDefaults() {
    RedisURI uri = RedisConnectionSource.of(new MockEnvironment()
        .withProperty("spring.data.redis.host", "localhost"));
    assertThat(uri.getPort()).isEqualTo(6379);
    assertThat(uri.getDatabase()).isZero();
    assertThat(uri.isSsl()).isFalse();
    assertThat(uri.getCredentialsProvider().resolveCredentials().block().hasPassword()).isFalse();
  }

  @Test
  void springDataRedisUrl() {
    RedisURI uri = RedisConnectionSource.of(new MockEnvironment()
        .withProperty("spring.data.redis.url", "rediss://u:secret@tls.internal:6400"));
    assertThat(uri.getHost()).isEqualTo("tls.internal");
    assertThat(uri.isSsl()).isTrue();
  }

  @Test
  void sentinelOrClusterIsRefusedWithWhatToDo() {
    assertThatThrownBy(() -> RedisConnectionSource.of(new MockEnvironment()
        .withProperty("spring.data.redis.sentinel.master", "mymaster")))
        .isInstanceOf(AiGatewayConfigurationException.class)
        .hasMessageContaining("standalone").hasMessageContaining("ai-gateway.redis.url");
    assertThatThrownBy(() -> RedisConnectionSource.of(new MockEnvironment()
        .withProperty("spring.data.redis.cluster.nodes", "a:1,b:2")))
        .isInstanceOf(AiGatewayConfigurationException.class);
  }

  @Test
  void aBadUrlNamesThePropertyButNotThePassword() {
    assertThatThrownBy(() -> RedisConnectionSource.of(new MockEnvironment()
        .withProperty("ai-gateway.redis.url", "mysql://root:hunter2@db:3306")))
        .isInstanceOf(AiGatewayConfigurationException.class)
        .hasMessageContaining("ai-gateway.redis.url")
        .hasMessageNotContaining("hunter2");
  }
}
