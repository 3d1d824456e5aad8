package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.core.AiGateway;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.ConfigurableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.util.ClassUtils;

/**
 * The gateway from {@code ai-gateway.*} properties: one {@link AiGateway} bean (injectable as
 * {@code ChatClient} too), made when the properties name at least one provider or the
 * application has a {@link ChatProvider} bean, and not at all when the application defines its
 * own {@code AiGateway}.
 *
 * <p>Into it go: a provider per {@code ai-gateway.providers} entry (an application
 * {@code ChatProvider} bean of the same id replaces it; one of a new id is added), the routes,
 * resilience, cache, rate limits and observability settings; the application's
 * {@link ChatInterceptor} beans in {@code @Order}; the context's {@code ObservationRegistry} and
 * {@code MeterRegistry} when there are; a {@code CacheStore} bean as the response cache's store
 * (the shared Redis one, when {@code ai-gateway.redis.url} is set, or when it is not set and
 * Spring Boot's {@code spring.data.redis.*} names a server; that also puts the rate limits on
 * Redis); and last every
 * {@link AiGatewayBuilderCustomizer}, in
 * {@code @Order}. A property that cannot be applied fails startup, reported by
 * {@link AiGatewayFailureAnalyzer}. The bean is closed with the context.
 */
@AutoConfiguration
@ConditionalOnClass(AiGateway.class)
@EnableConfigurationProperties(AiGatewayProperties.class)
public class AiGatewayAutoConfiguration {

  /** The gateway. */
  @Bean
  @ConditionalOnMissingBean
  @Conditional(ProvidersConfiguredCondition.class)
  public AiGateway aiGateway(AiGatewayProperties properties,
      ObjectProvider<ChatProvider> providers, ObjectProvider<ChatInterceptor> interceptors,
      ObjectProvider<ObservationRegistry> observationRegistry,
      ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<AiGatewayBuilderCustomizer> customizers,
      ObjectProvider<dev.aigateway.core.cache.CacheStore> cacheStore,
      ObjectProvider<LimitsBackend> limitsBackend,
      org.springframework.beans.factory.ListableBeanFactory beanFactory) {
    List<ChatProvider> beans = providers.orderedStream().toList();
    AiGateway.Builder builder = GatewayFactory.builder(properties, beans,
        new GatewayFactory.Beans() {
          @Override
          public <T> T get(String name, Class<T> type) {
            return beanFactory.containsBean(name) && beanFactory.isTypeMatch(name, type)
                ? beanFactory.getBean(name, type) : null;
          }

          @Override
          public boolean hasClass(String className) {
            // The context's class loader, as @ConditionalOnClass asks.
            ClassLoader loader = beanFactory instanceof ConfigurableBeanFactory c
                ? c.getBeanClassLoader() : null;
            return ClassUtils.isPresent(className,
                loader != null ? loader : AiGatewayAutoConfiguration.class.getClassLoader());
          }
        }, cacheStore.getIfUnique(), limitsBackend.getIfUnique());
    interceptors.orderedStream().forEach(builder::interceptor);
    observationRegistry.ifAvailable(builder::observationRegistry);
    meterRegistry.ifAvailable(builder::meterRegistry);
    customizers.orderedStream().forEach(c -> c.customize(builder));
    try {
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new AiGatewayConfigurationException(GatewayFactory.PREFIX, String.valueOf(
          e.getMessage()), "see the ai-gateway properties");
    }
  }

  /**
   * Replaces the routes live when their properties change (see the class); only for the gateway
   * this configuration made (the bean named {@code aiGateway}), never an application's own.
   */
  @Bean
  @ConditionalOnBean(name = "aiGateway")
  @ConditionalOnMissingBean
  public AiGatewayRoutesReloader aiGatewayRoutesReloader(AiGateway gateway,
      AiGatewayProperties properties, org.springframework.core.env.Environment environment) {
    return new AiGatewayRoutesReloader(gateway, environment, properties.getRoutes().keySet());
  }

  /**
   * The response cache's store and the rate limits on Redis, when the Redis module is there and
   * a Redis is named: by {@code ai-gateway.redis.url}, or, when that is not set, by Spring Boot's
   * {@code spring.data.redis.*} (see {@link RedisConnectionSource}).
   */
  @org.springframework.context.annotation.Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = "dev.aigateway.redis.RedisCacheStore")
  @Conditional(RedisConnectionSource.Configured.class)
  static class RedisCache {
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean(dev.aigateway.core.cache.CacheStore.class)
    dev.aigateway.redis.RedisCacheStore aiGatewayRedisCacheStore(
        AiGatewayProperties properties, org.springframework.core.env.Environment environment) {
      AiGatewayProperties.Redis r = properties.getRedis();
      return dev.aigateway.redis.RedisCacheStore.builder(server(environment))
          .namespace(r.getNamespace()).commandTimeout(r.getCommandTimeout())
          .maxValueSize(r.getMaxValueSize().toBytes()).build();
    }

    @Bean(destroyMethod = "close")
    dev.aigateway.redis.RedisRateLimits aiGatewayRedisRateLimits(AiGatewayProperties properties,
        org.springframework.core.env.Environment environment) {
      AiGatewayProperties.Redis r = properties.getRedis();
      return dev.aigateway.redis.RedisRateLimits.builder(server(environment))
          .namespace(r.getNamespace()).commandTimeout(r.getCommandTimeout()).build();
    }

    private static io.lettuce.core.RedisURI server(
        org.springframework.core.env.Environment environment) {
      io.lettuce.core.RedisURI uri = RedisConnectionSource.of(environment);
      if (uri == null) { // the condition matched, so only a setting changed since would do this
        throw new AiGatewayConfigurationException(RedisConnectionSource.URL, "no Redis is named",
            "set " + RedisConnectionSource.URL + " or spring.data.redis.host");
      }
      return uri;
    }

    @Bean
    LimitsBackend aiGatewayRedisLimitsBackend(dev.aigateway.redis.RedisRateLimits limits) {
      return limits::backend;
    }
  }
}
