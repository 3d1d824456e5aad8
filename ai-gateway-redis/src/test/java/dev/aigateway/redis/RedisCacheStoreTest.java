package dev.aigateway.redis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.CacheKey;
import dev.aigateway.core.cache.ResponseCache;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The cache store on a Redis server of the test's own: what is written (key, value, TTL),
 * two gateways (two replicas) sharing answers, the size limit, and Redis killed and started
 * again during traffic: misses, never errors, and the cache is back without a restart.
 */
class RedisCacheStoreTest extends OnOwnRedis {

  private static FakeProvider vendor(String id) {
    return new FakeProvider(id).onChat(r -> ChatResponse.builder().id("r-" + id).provider(id)
        .model(r.model()).text("answer from " + id).finishReason(FinishReason.STOP)
        .usage(Usage.of(5, 3)).build());
  }

  private static AiGateway replica(FakeProvider vendor, RedisCacheStore store) {
    return AiGateway.builder().provider(vendor)
        .cache(ResponseCache.builder().store(store).ttl(Duration.ofMinutes(5))
            .lookupTimeout(Duration.ofSeconds(2)).build())
        .build();
  }

  @Test
  void aValueIsWrittenUnderItsNamespaceWithItsTtl() throws Exception {
    try (RedisCacheStore store = RedisCacheStore.builder(redis.url()).namespace("shop").build()) {
      CacheKey key = CacheKey.of(1, 2);
      store.put(key, "v1".getBytes(StandardCharsets.UTF_8), Duration.ofSeconds(90))
          .get(5, TimeUnit.SECONDS);
      assertThat(raw.sync().keys("*")).containsExactly("ai-gateway:shop:cache:" + key);
      long pttl = raw.sync().pttl("ai-gateway:shop:cache:" + key);
      assertThat(pttl).isBetween(80_000L, 90_000L);
      assertThat(new String(store.get(key).get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8))
          .isEqualTo("v1");
      store.invalidate(key).get(5, TimeUnit.SECONDS);
      assertThat(store.get(key).get(5, TimeUnit.SECONDS)).isNull();
    }
  }

  @Test
  void twoReplicasShareAnswers() throws Exception {
    FakeProvider first = vendor("openai");
    FakeProvider second = vendor("openai");
    try (RedisCacheStore s1 = RedisCacheStore.builder(redis.url()).build();
        RedisCacheStore s2 = RedisCacheStore.builder(redis.url()).build();
        AiGateway a = replica(first, s1);
        AiGateway b = replica(second, s2)) {
      ChatResponse fromVendor = a.chat(ChatRequest.of("gpt-4o", "Where is my order?"));
      assertThat(fromVendor.fromCache()).isFalse();
      waitUntil(() -> raw.sync().dbsize() == 1); // the store is written after the answer
      ChatResponse hit = b.chat(ChatRequest.of("gpt-4o", "Where is my order?"));
      assertThat(hit.fromCache()).isTrue();
      assertThat(hit.text()).isEqualTo("answer from openai");
      assertThat(first.chatRequests()).hasSize(1);
      assertThat(second.chatRequests()).as("the other replica never asked its vendor").isEmpty();
    }
  }

  @Test
  void aValueOverTheLimitIsNotStored() throws Exception {
    try (RedisCacheStore store = RedisCacheStore.builder(redis.url()).maxValueSize(10)
        .build()) {
      store.put(CacheKey.of(3, 4), new byte[11], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
      store.put(CacheKey.of(3, 5), new byte[10], Duration.ofSeconds(5)).get(5, TimeUnit.SECONDS);
      assertThat(raw.sync().dbsize()).isEqualTo(1);
    }
  }

  @Test
  void redisDownIsAMissAndItComesBackWithoutARestart() throws Exception {
    FakeProvider vendor = vendor("openai");
    try (RedisCacheStore store = RedisCacheStore.builder(redis.url())
            .commandTimeout(Duration.ofMillis(300)).build();
        AiGateway gateway = replica(vendor, store)) {
      gateway.chat(ChatRequest.of("gpt-4o", "q1"));
      waitUntil(() -> raw.sync().dbsize() == 1);
      assertThat(gateway.chat(ChatRequest.of("gpt-4o", "q1")).fromCache()).isTrue();

      raw.close();
      redis.kill();
      ChatResponse whileDown = gateway.chat(ChatRequest.of("gpt-4o", "q1"));
      assertThat(whileDown.fromCache()).as("a miss, answered by the vendor").isFalse();
      assertThat(whileDown.text()).isEqualTo("answer from openai");
      assertThat(store.isDown()).isTrue();
      assertThat(vendor.chatRequests()).hasSize(2);

      redis.startAgain(); // empty: it kept nothing on disk
      raw = inspector.connect();
      // Lettuce reconnects on its own; the first call that finds it writes the answer again.
      waitUntil(() -> {
        gateway.chat(ChatRequest.of("gpt-4o", "q2"));
        return raw.sync().dbsize() >= 1;
      });
      assertThat(gateway.chat(ChatRequest.of("gpt-4o", "q2")).fromCache()).isTrue();
      assertThat(store.isDown()).isFalse();
    }
  }
}
