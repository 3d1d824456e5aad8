package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** A bad URL fails at the builder, with a message that does not repeat it (it may hold a password). */
class RedisUrlTest {

  @Test
  void aUrlThatIsNotRedisFailsAtTheBuilderWithoutRepeatingIt() {
    for (String bad : new String[] {"mysql://root:hunter2@db:3306", "hunter2@localhost:6379"}) {
      assertThatThrownBy(() -> RedisCacheStore.builder(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a Redis URL").hasMessageNotContaining("hunter2")
          .hasNoCause();
      assertThatThrownBy(() -> RedisRateLimits.builder(bad))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageNotContaining("hunter2");
    }
    assertThatThrownBy(() -> RedisCacheStore.builder(" "))
        .hasMessageContaining("blank");
  }
}
