package dev.aigateway.spring.autoconfigure;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Secret;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.CacheStore;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.observation.ClientTags;
import dev.aigateway.core.observation.Observability;
import dev.aigateway.core.observation.PriceTable;
import dev.aigateway.core.ratelimit.ClientLimit;
import dev.aigateway.core.ratelimit.OnExhausted;
import dev.aigateway.core.ratelimit.RateLimits;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.resilience.Timeouts;
import dev.aigateway.core.routing.Overrides;
import dev.aigateway.core.routing.RequestPredicates;
import dev.aigateway.core.routing.Route;
import dev.aigateway.core.routing.Rule;
import dev.aigateway.providers.anthropic.AnthropicProvider;
import dev.aigateway.providers.auth.TokenSupplier;
import dev.aigateway.providers.azure.AzureOpenAiProvider;
import dev.aigateway.providers.gemini.GeminiProvider;
import dev.aigateway.providers.openai.OpenAiCompatible;
import dev.aigateway.providers.openai.OpenAiProvider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Limit;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.Provider;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.RouteProperties;
import dev.aigateway.spring.autoconfigure.AiGatewayProperties.TargetProperties;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.convert.DurationStyle;

/**
 * Turns {@link AiGatewayProperties} into an {@link AiGateway.Builder}: one provider per entry
 * (or the application's own {@code ChatProvider} bean of that id, which wins), the routes, and
 * each stage's settings. Every value is checked here, so that a bad one fails startup with an
 * {@link AiGatewayConfigurationException} naming its property, never later and never with a
 * builder's stack trace.
 */
final class GatewayFactory {
  static final String PREFIX = "ai-gateway";
  static final Set<String> PRESETS =
      Set.of("groq", "mistral", "deepseek", "together", "openrouter", "ollama", "vllm");

  private GatewayFactory() {}

  /** The types the properties can name, as they are written there. */
  static final String TYPES =
      "one of openai, openai-compatible, azure-openai, anthropic, gemini, vertex-ai, "
          + "vertex-anthropic, bedrock";

  /** A class of ai-gateway-bedrock, present exactly when that module is. */
  static final String BEDROCK_CLASS = "dev.aigateway.bedrock.BedrockProvider";
  /** A class of ai-gateway-google-auth, present exactly when that module is. */
  static final String GOOGLE_AUTH_CLASS = "dev.aigateway.googleauth.GoogleTokens";

  /** What the factory needs of the application context: its beans, and its classes. */
  interface Beans {
    /** The application's bean of {@code name} and {@code type}, or null. */
    <T> @Nullable T get(String name, Class<T> type);

    /**
     * Whether the application has {@code className}: whether an optional module is on its
     * classpath. Asked before anything of that module is touched, so that a missing module is a
     * clear failure of the one provider that needs it, never a NoClassDefFoundError.
     */
    default boolean hasClass(String className) {
      return org.springframework.util.ClassUtils.isPresent(className,
          GatewayFactory.class.getClassLoader());
    }
  }

  static AiGateway.Builder builder(AiGatewayProperties properties,
      List<ChatProvider> providerBeans, Beans beans, @Nullable CacheStore store,
      @Nullable LimitsBackend limitsBackend) {
    AiGateway.Builder b = AiGateway.builder();
    Map<String, ChatProvider> providers = new LinkedHashMap<>();
    properties.getProviders().forEach((id, p) -> providers.put(id, provider(id, p, beans)));
    for (ChatProvider bean : providerBeans) {
      ChatProvider replaced = providers.put(bean.id(), bean); // the application's bean wins
      if (replaced != null) {
        replaced.close();
      }
    }
    providers.values().forEach(b::provider);

    String defaultProvider = properties.getDefaultProvider();
    if (defaultProvider != null) {
      if (!providers.containsKey(defaultProvider)) {
        throw new AiGatewayConfigurationException(PREFIX + ".default-provider",
            "names no provider '" + defaultProvider + "'", "one of " + providers.keySet());
      }
      b.defaultProvider(defaultProvider);
    }
    properties.getRoutes().forEach((name, r) -> b.route(route(name, r, providers.keySet())));
    resilience(b, properties.getResilience());
    cache(b, properties.getCache(), properties.getRoutes(), store);
    rateLimits(b, properties.getRateLimits(), limitsBackend);
    upstreamLimits(b, properties.getUpstreamLimits(), providers.keySet(), limitsBackend);
    b.observability(observability(properties.getObservability()));
    return b;
  }

  // ---- providers ----

  private static ChatProvider provider(String id, Provider p, Beans beans) {
    String at = PREFIX + ".providers." + id;
    if (p.getType() == null) {
      throw new AiGatewayConfigurationException(at + ".type", "is missing", TYPES);
    }
    switch (p.getType()) {
      case VERTEX_AI -> {
        keyless(at, p, "vertex-ai", "token-supplier (a TokenSupplier bean), or "
            + "ai-gateway-google-auth's application default credentials");
        return VertexAiProviders.provider(id, at, p, beans);
      }
      case VERTEX_ANTHROPIC -> {
        keyless(at, p, "vertex-anthropic", "token-supplier (a TokenSupplier bean), or "
            + "ai-gateway-google-auth's application default credentials");
        return VertexAiProviders.anthropic(id, at, p, beans);
      }
      case BEDROCK -> {
        keyless(at, p, "bedrock", "credentials-provider (an AwsCredentialsProvider bean), or "
            + "the AWS SDK's default chain");
        if (!beans.hasClass(BEDROCK_CLASS)) {
          throw new AiGatewayConfigurationException(at + ".type",
              "type bedrock needs dev.aigateway:ai-gateway-bedrock on the classpath",
              "add the dependency dev.aigateway:ai-gateway-bedrock, or another type");
        }
        return BedrockProviders.provider(id, at, p, beans); // loaded only now
      }
      default -> { } // the adapters of ai-gateway-providers, below
    }
    Secret key = key(at, p);
    return guarded(at, () -> keyNamed(at, key, p, () -> switch (p.getType()) {
      case OPENAI -> openAi(OpenAiProvider.builder().id(id), p, key);
      case OPENAI_COMPATIBLE -> openAi(compatible(at, id, p).id(id), p, key);
      case AZURE_OPENAI -> {
        AzureOpenAiProvider.Builder az = AzureOpenAiProvider.builder().id(id)
            .baseUrl(required(at + ".base-url", p.getBaseUrl(),
                "the resource's URL, such as https://my-resource.openai.azure.com"))
            .deployments(p.getDeployments());
        if (key != null) {
          az.apiKey(key);
        }
        if (p.getTokenSupplier() != null) {
          az.tokenSupplier(bean(at + ".token-supplier", p.getTokenSupplier(),
              TokenSupplier.class, beans));
        }
        if (p.getApiVersion() != null) {
          az.apiVersion(p.getApiVersion());
        }
        p.getHeaders().forEach(az::header);
        if (p.getMaxResponseSize() != null) {
          az.maxResponseSize(p.getMaxResponseSize().toBytes());
        }
        yield az.build();
      }
      case ANTHROPIC -> {
        AnthropicProvider.Builder an = AnthropicProvider.builder().id(id);
        if (p.getBaseUrl() != null) {
          an.baseUrl(p.getBaseUrl());
        }
        if (p.getAnthropicVersion() != null) {
          an.version(p.getAnthropicVersion());
        }
        if (!p.getAnthropicBeta().isEmpty()) {
          an.beta(p.getAnthropicBeta().toArray(String[]::new));
        }
        if (p.getDefaultMaxTokens() != null) {
          an.defaultMaxTokens(p.getDefaultMaxTokens());
        }
        if (key != null) {
          an.apiKey(key);
        }
        p.getHeaders().forEach(an::header);
        if (p.getMaxResponseSize() != null) {
          an.maxResponseSize(p.getMaxResponseSize().toBytes());
        }
        yield an.build();
      }
      case GEMINI -> {
        GeminiProvider.Builder ge = GeminiProvider.builder().id(id);
        if (p.getBaseUrl() != null) {
          ge.baseUrl(p.getBaseUrl());
        }
        if (key != null) {
          ge.apiKey(key);
        }
        if (p.getApiVersion() != null) {
          ge.apiVersion(p.getApiVersion());
        }
        p.getHeaders().forEach(ge::header);
        if (p.getMaxResponseSize() != null) {
          ge.maxResponseSize(p.getMaxResponseSize().toBytes());
        }
        yield ge.build();
      }
      case VERTEX_AI, VERTEX_ANTHROPIC, BEDROCK -> throw new IllegalStateException("made above");
    }));
  }

  /** Fails when a key is given to a type that authenticates otherwise (never showing the key). */
  private static void keyless(String at, Provider p, String type, String instead) {
    if (p.getApiKey() != null || p.getApiKeyEnv() != null || p.getApiKeyFile() != null) {
      throw new AiGatewayConfigurationException(at + ".api-key",
          "is not used by type " + type + " (nor are api-key-env and api-key-file)", instead);
    }
  }

  /** The application's bean {@code name} of {@code type}; a failure of {@code at} when none. */
  static <T> T bean(String at, String name, Class<T> type, Beans beans) {
    T bean = beans.get(name, type);
    if (bean == null) {
      throw new AiGatewayConfigurationException(at,
          "names no " + type.getSimpleName() + " bean '" + name + "'",
          "the name of such a bean of the application's");
    }
    return bean;
  }

  /**
   * {@code build}'s provider. A builder given no key reads its vendor's environment variable, and
   * fails with an {@link IllegalStateException} naming it when that is unset too: that becomes a
   * failure of {@code api-key}, so that startup says which property to set.
   */
  private static ChatProvider keyNamed(String at, @Nullable Secret key, Provider p,
      Supplier<ChatProvider> build) {
    try {
      return build.get();
    } catch (IllegalStateException e) {
      if (key != null || p.getTokenSupplier() != null) {
        throw e;
      }
      throw new AiGatewayConfigurationException(at + ".api-key",
          "is missing, and so is the vendor's environment variable (" + e.getMessage() + ")",
          "one of api-key, api-key-env or api-key-file (or token-supplier for azure-openai), "
              + "or set the environment variable named");
    }
  }

  private static OpenAiProvider.Builder compatible(String at, String id, Provider p) {
    String preset = p.getPreset();
    if (preset == null) {
      return OpenAiCompatible.custom(id, required(at + ".base-url", p.getBaseUrl(),
          "the server's URL, or a preset: one of " + sorted(PRESETS)));
    }
    return switch (preset) {
      case "groq" -> OpenAiCompatible.groq();
      case "mistral" -> OpenAiCompatible.mistral();
      case "deepseek" -> OpenAiCompatible.deepSeek();
      case "together" -> OpenAiCompatible.together();
      case "openrouter" -> OpenAiCompatible.openRouter();
      case "ollama" -> OpenAiCompatible.ollama();
      case "vllm" -> OpenAiCompatible.vllm();
      default -> throw new AiGatewayConfigurationException(at + ".preset",
          "is no preset ('" + preset + "')", "one of " + sorted(PRESETS)
              + ", or no preset and a base-url");
    };
  }

  private static OpenAiProvider openAi(OpenAiProvider.Builder o, Provider p,
      @Nullable Secret key) {
    if (p.getBaseUrl() != null) {
      o.baseUrl(p.getBaseUrl());
    }
    if (p.getOrganization() != null) {
      o.organization(p.getOrganization());
    }
    if (p.getProject() != null) {
      o.project(p.getProject());
    }
    if (p.getProviderName() != null) {
      o.providerName(p.getProviderName());
    }
    if (key != null) {
      o.apiKey(key);
    }
    p.getHeaders().forEach(o::header);
    if (p.getMaxResponseSize() != null) {
      o.maxResponseSize(p.getMaxResponseSize().toBytes());
    }
    return o.build();
  }

  private static @Nullable Secret key(String at, Provider p) {
    int given = (p.getApiKey() != null ? 1 : 0) + (p.getApiKeyEnv() != null ? 1 : 0)
        + (p.getApiKeyFile() != null ? 1 : 0);
    if (given > 1) {
      throw new AiGatewayConfigurationException(at + ".api-key",
          "is given more than one way", "one of api-key, api-key-env or api-key-file");
    }
    if (p.getApiKey() != null) {
      if (p.getApiKey().isBlank()) {
        throw new AiGatewayConfigurationException(at + ".api-key", "is blank (is the "
            + "environment variable it names set?)", "the key, or leave it out");
      }
      return Secret.of(p.getApiKey());
    }
    if (p.getApiKeyEnv() != null) {
      return Secret.env(p.getApiKeyEnv());
    }
    if (p.getApiKeyFile() != null) {
      return Secret.file(Path.of(p.getApiKeyFile()));
    }
    return null;
  }

  // ---- routes ----

  static Route route(String name, RouteProperties r, Set<String> providers) {
    String at = PREFIX + ".routes." + name;
    if (r.getTargets().isEmpty()) {
      throw new AiGatewayConfigurationException(at + ".targets", "is empty",
          "at least one { provider, model, weight }");
    }
    Route.Builder b = Route.builder(name);
    each(at + ".targets", r.getTargets(), providers, true,
        (t, o) -> b.target(t.getProvider(), t.getModel(), t.getWeight(), o));
    each(at + ".fallbacks", r.getFallbacks(), providers, false,
        (t, o) -> b.fallback(t.getProvider(), t.getModel(), o));
    List<AiGatewayProperties.RuleProperties> rules = r.getRules();
    for (int i = 0; i < rules.size(); i++) {
      b.rule(rule(at + ".rules[" + i + "]", rules.get(i), providers));
    }
    AiGatewayProperties.Resilience own = r.getResilience();
    if (own != null) {
      Resilience resilience = resilienceOf(at + ".resilience", own);
      if (resilience != null) {
        b.resilience(resilience);
      }
      b.timeouts(timeoutsOf(at + ".resilience", own));
    }
    if (r.getStickyBy() != null) {
      b.stickyBy(r.getStickyBy());
    }
    if (r.getCache() != null) {
      b.cache(r.getCache());
    }
    if (r.getStreamRestarts() != null) {
      b.streamRestarts(r.getStreamRestarts());
    }
    if (r.getOnInvalidOutput() != null) {
      b.onInvalidOutput(r.getOnInvalidOutput());
    }
    return guarded(at, b::build);
  }

  private static Overrides overrides(String at, TargetProperties t) {
    AiGatewayProperties.OverrideProperties o = t.getOverrides();
    Overrides.Builder ob = Overrides.builder();
    if (o.getTemperature() != null) {
      guarded(at + ".overrides.temperature", () -> ob.temperature(o.getTemperature()));
    }
    if (o.getTopP() != null) {
      guarded(at + ".overrides.top-p", () -> ob.topP(o.getTopP()));
    }
    if (o.getMaxTokens() != null) {
      guarded(at + ".overrides.max-tokens", () -> ob.maxTokens(o.getMaxTokens()));
    }
    if (o.getAssistantPrefill() != null) {
      ob.assistantPrefill(o.getAssistantPrefill());
    }
    o.getExtra().forEach((k, v) -> guarded(at + ".overrides.extra." + k, () -> ob.extra(k, v)));
    return ob.build();
  }

  private static Rule rule(String at,
      AiGatewayProperties.RuleProperties r, Set<String> providers) {
    AiGatewayProperties.When w = r.getWhen();
    List<Predicate<ChatRequest>> parts =
        new ArrayList<>();
    if (Boolean.TRUE.equals(w.getHasImages())) {
      parts.add(RequestPredicates.hasImages());
    } else if (Boolean.FALSE.equals(w.getHasImages())) {
      parts.add(RequestPredicates.hasImages().negate());
    }
    if (Boolean.TRUE.equals(w.getHasTools())) {
      parts.add(RequestPredicates.hasTools());
    } else if (Boolean.FALSE.equals(w.getHasTools())) {
      parts.add(RequestPredicates.hasTools().negate());
    }
    if (w.getEstimatedInputTokensOver() != null) {
      int n = w.getEstimatedInputTokensOver();
      parts.add(guarded(at + ".when.estimated-input-tokens-over",
          () -> RequestPredicates.estimatedInputTokensOver(n)));
    }
    w.getMetadata().forEach((k, v) ->
        parts.add(RequestPredicates.metadataEquals(k, v)));
    w.getMetadataMatches().forEach((k, regex) -> {
      try {
        parts.add(RequestPredicates.metadataMatches(k,
            Pattern.compile(regex)));
      } catch (PatternSyntaxException e) {
        throw new AiGatewayConfigurationException(at + ".when.metadata-matches." + k,
            "is not a regular expression: " + e.getDescription(), "a java.util.regex pattern");
      }
    });
    if (parts.isEmpty()) {
      throw new AiGatewayConfigurationException(at + ".when", "has no condition",
          "one or more of has-images, has-tools, estimated-input-tokens-over, metadata, "
              + "metadata-matches");
    }
    Predicate<ChatRequest> all = parts.get(0);
    for (int i = 1; i < parts.size(); i++) {
      all = all.and(parts.get(i));
    }
    if (r.getTargets().isEmpty()) {
      throw new AiGatewayConfigurationException(at + ".targets", "is empty",
          "at least one { provider, model, weight }");
    }
    Rule.Builder rb = Rule.when(all);
    each(at + ".targets", r.getTargets(), providers, true,
        (t, o) -> rb.target(t.getProvider(), t.getModel(), t.getWeight(), o));
    each(at + ".fallbacks", r.getFallbacks(), providers, false,
        (t, o) -> rb.fallback(t.getProvider(), t.getModel()));
    return guarded(at, rb::build);
  }

  /**
   * Checks each of {@code targets} (at {@code at[i]}) and hands it, with its overrides, to
   * {@code add}: the one loop of routes' and rules' targets and fallbacks.
   */
  private static void each(String at, List<TargetProperties> targets, Set<String> providers,
      boolean weighted, java.util.function.BiConsumer<TargetProperties, Overrides> add) {
    for (int i = 0; i < targets.size(); i++) {
      TargetProperties t = targets.get(i);
      String ti = at + "[" + i + "]";
      check(ti, t, providers);
      if (weighted && t.getWeight() < 0) {
        throw new AiGatewayConfigurationException(ti + ".weight",
            "is negative (" + t.getWeight() + ")", "a weight of 0 or more");
      }
      add.accept(t, overrides(ti, t));
    }
  }

  private static void check(String at, TargetProperties t, Set<String> providers) {
    if (t.getProvider() == null || t.getProvider().isBlank()) {
      throw new AiGatewayConfigurationException(at + ".provider", "is missing",
          "one of " + providers);
    }
    if (!providers.contains(t.getProvider())) {
      throw new AiGatewayConfigurationException(at + ".provider",
          "names no provider '" + t.getProvider() + "'", "one of " + providers);
    }
    if (t.getModel() == null || t.getModel().isBlank()) {
      throw new AiGatewayConfigurationException(at + ".model", "is missing",
          "the model, in that vendor's terms");
    }
  }

  // ---- stages ----

  private static void resilience(AiGateway.Builder b, AiGatewayProperties.Resilience r) {
    String at = PREFIX + ".resilience";
    Resilience resilience = resilienceOf(at, r);
    if (resilience != null) {
      b.resilience(resilience);
    }
    b.timeouts(timeoutsOf(at, r));
  }

  /** The retry and breaker settings, or null when {@code r} sets none. */
  private static @Nullable Resilience resilienceOf(String at, AiGatewayProperties.Resilience r) {
    if (r.getMaxRetries() == null && r.getFailureThreshold() == null && r.getCooldown() == null) {
      return null;
    }
    Resilience.Builder rb = Resilience.builder();
    if (r.getMaxRetries() != null) {
      guarded(at + ".max-retries", () -> rb.maxRetries(r.getMaxRetries()));
    }
    if (r.getFailureThreshold() != null) {
      guarded(at + ".failure-threshold", () -> rb.failureThreshold(r.getFailureThreshold()));
    }
    if (r.getCooldown() != null) {
      guarded(at + ".cooldown", () -> rb.cooldown(r.getCooldown()));
    }
    return guarded(at, rb::build);
  }

  private static Timeouts timeoutsOf(String at, AiGatewayProperties.Resilience r) {
    Timeouts.Builder tb = Timeouts.builder();
    guarded(at + ".connect-timeout", () -> tb.connect(r.getConnectTimeout()));
    guarded(at + ".first-chunk-timeout", () -> tb.firstChunk(r.getFirstChunkTimeout()));
    guarded(at + ".idle-timeout", () -> tb.idle(r.getIdleTimeout()));
    guarded(at + ".deadline", () -> tb.total(r.getDeadline()));
    return guarded(at, tb::build);
  }

  private static void cache(AiGateway.Builder b, AiGatewayProperties.Cache c,
      Map<String, RouteProperties> routes, @Nullable CacheStore store) {
    boolean anyRoute = routes.values().stream().anyMatch(r -> Boolean.TRUE.equals(r.getCache()));
    if (!c.isEnabled() && !anyRoute && c.getMaxEntries() == null && c.getMaxBytes() == null
        && c.getTtl() == null && store == null) {
      return; // off, and no route turns it on
    }
    String at = PREFIX + ".cache";
    ResponseCache.Builder cb = ResponseCache.builder().enabledByDefault(c.isEnabled());
    if (store != null) {
      cb.store(store); // shared (Redis, or the application's own store)
    }
    if (c.getMaxEntries() != null) {
      guarded(at + ".max-entries", () -> cb.maxEntries(c.getMaxEntries()));
    }
    if (c.getMaxBytes() != null) {
      guarded(at + ".max-bytes", () -> cb.maxBytes(c.getMaxBytes().toBytes()));
    }
    if (c.getTtl() != null) {
      guarded(at + ".ttl", () -> cb.ttl(c.getTtl()));
    }
    b.cache(guarded(at, cb::build));
  }

  private static void rateLimits(AiGateway.Builder b, AiGatewayProperties.RateLimits r,
      @Nullable LimitsBackend shared) {
    if (r.getDefault() == null && r.getClients().isEmpty()) {
      return;
    }
    String at = PREFIX + ".rate-limits";
    RateLimits.Builder rb = RateLimits.builder();
    if (shared != null) {
      rb.backend(shared.backend()); // exact across replicas
    }
    if (r.getOnBackendFailure() != null) {
      rb.onBackendFailure(switch (r.getOnBackendFailure()) {
        case "fail-open" -> dev.aigateway.core.ratelimit.BackendFailure.FAIL_OPEN;
        case "fail-closed" -> dev.aigateway.core.ratelimit.BackendFailure.FAIL_CLOSED;
        default -> throw new AiGatewayConfigurationException(at + ".on-backend-failure",
            "is no policy ('" + r.getOnBackendFailure() + "')", "fail-open or fail-closed");
      });
    }
    if (r.getDefault() != null) {
      rb.defaultLimit(limit(at + ".default", r.getDefault()));
    }
    r.getClients().forEach((client, l) -> rb.client(client, limit(at + ".clients." + client, l)));
    if (r.getOnExhausted() != null) {
      rb.onExhausted(onExhausted(at, r));
    }
    b.rateLimits(guarded(at, rb::build));
  }

  private static OnExhausted onExhausted(String at,
      AiGatewayProperties.RateLimits r) {
    String policy = r.getOnExhausted();
    Duration wait = r.getMaxWait();
    String valid = "reject, wait-then-reject or wait-then-proceed (with max-wait)";
    return switch (policy) {
      case "reject" -> OnExhausted.reject();
      case "wait-then-reject", "wait-then-proceed" -> {
        if (wait == null) {
          throw new AiGatewayConfigurationException(at + ".max-wait", "is missing for "
              + policy, "how long a call may wait, such as 2s");
        }
        yield guarded(at + ".max-wait", () -> policy.equals("wait-then-reject")
            ? OnExhausted.waitThenReject(wait)
            : OnExhausted.waitThenProceed(wait));
      }
      default -> throw new AiGatewayConfigurationException(at + ".on-exhausted",
          "is no policy ('" + policy + "')", valid);
    };
  }

  private static void upstreamLimits(AiGateway.Builder b, AiGatewayProperties.UpstreamLimits u,
      Set<String> providers, @Nullable LimitsBackend shared) {
    if (u.getProviders().isEmpty() && u.getTargets().isEmpty()) {
      return;
    }
    String at = PREFIX + ".upstream-limits";
    dev.aigateway.core.ratelimit.UpstreamLimits.Builder ub =
        dev.aigateway.core.ratelimit.UpstreamLimits.builder();
    if (shared != null) {
      ub.backend(shared.backend());
    }
    u.getProviders().forEach((id, budget) -> {
      if (!providers.contains(id)) {
        throw new AiGatewayConfigurationException(at + ".providers." + id,
            "names no provider '" + id + "'", "one of " + providers);
      }
      guarded(at + ".providers." + id, () -> ub.provider(id, budget.getRequestsPerMinute(),
          budget.getTokensPerMinute()));
    });
    for (int i = 0; i < u.getTargets().size(); i++) {
      AiGatewayProperties.TargetBudget t = u.getTargets().get(i);
      String ti = at + ".targets[" + i + "]";
      if (t.getProvider() == null || !providers.contains(t.getProvider())) {
        throw new AiGatewayConfigurationException(ti + ".provider",
            "names no provider '" + t.getProvider() + "'", "one of " + providers);
      }
      if (t.getModel() == null || t.getModel().isBlank()) {
        throw new AiGatewayConfigurationException(ti + ".model", "is missing",
            "the model, in that vendor's terms");
      }
      guarded(ti, () -> ub.target(new Target(t.getProvider(),
          t.getModel()), t.getRequestsPerMinute(), t.getTokensPerMinute()));
    }
    b.upstreamLimits(guarded(at, ub::build));
  }

  private static ClientLimit limit(String at, Limit l) {
    ClientLimit.Builder cb = ClientLimit.builder();
    for (int i = 0; i < l.getRequests().size(); i++) {
      String wi = at + ".requests[" + i + "]";
      Window w = window(wi, l.getRequests().get(i));
      guarded(wi, () -> cb.requests(w.count, w.per));
    }
    for (int i = 0; i < l.getTokens().size(); i++) {
      String wi = at + ".tokens[" + i + "]";
      Window w = window(wi, l.getTokens().get(i));
      guarded(wi, () -> cb.tokens(w.count, w.per));
    }
    if (!l.getAllowedModels().isEmpty()) {
      cb.allowedModels(l.getAllowedModels().toArray(String[]::new));
    }
    return guarded(at, cb::build);
  }

  private record Window(long count, Duration per) {}

  /** {@code count/duration}, such as {@code 10/1s}, {@code 500/1m} or {@code 200000/PT1H}. */
  static Window window(String at, String text) {
    String valid = "count/duration, such as 10/1s, 500/1m or 200000/1h";
    int slash = text.indexOf('/');
    if (slash <= 0 || slash == text.length() - 1) {
      throw new AiGatewayConfigurationException(at, "'" + text + "' is not count/duration",
          valid);
    }
    long count;
    Duration per;
    try {
      count = Long.parseLong(text.substring(0, slash).trim());
    } catch (NumberFormatException e) {
      throw new AiGatewayConfigurationException(at,
          "'" + text + "' does not start with a whole number", valid);
    }
    try {
      per = DurationStyle.detectAndParse(text.substring(slash + 1).trim());
    } catch (IllegalArgumentException e) {
      throw new AiGatewayConfigurationException(at,
          "'" + text + "' does not end with a duration", valid);
    }
    if (count <= 0 || per.isNegative() || per.isZero()) {
      throw new AiGatewayConfigurationException(at,
          "'" + text + "' needs a count and a duration above zero", valid);
    }
    return new Window(count, per);
  }

  private static Observability observability(AiGatewayProperties.Observability o) {
    String at = PREFIX + ".observability";
    Observability.Builder ob = Observability.builder();
    if (!o.getClientTags().isEmpty()) {
      ob.clientTags(ClientTags.only(Set.copyOf(o.getClientTags())));
    } else if (o.isClientTag()) {
      ob.clientTags(ClientTags.all());
    }
    if (o.getCaptureContent() != null) {
      ob.captureContent(o.getCaptureContent());
    }
    if (o.getLatestExperimental() != null) {
      ob.latestExperimental(o.getLatestExperimental());
    }
    if (o.getPrices() != null) {
      String location = o.getPrices();
      ob.prices(guarded(at + ".prices", () -> PriceTable.load(location)));
    }
    return ob.build();
  }

  // ---- helpers ----

  static String required(String at, @Nullable String value, String valid) {
    if (value == null || value.isBlank()) {
      throw new AiGatewayConfigurationException(at, "is missing", valid);
    }
    return value;
  }

  /** {@link #guarded(String, Supplier)} for a step with no result. */
  static void guardedStep(String at, Runnable step) {
    guarded(at, () -> {
      step.run();
      return null;
    });
  }

  /** Runs a builder step; a builder's refusal becomes the property's failure. */
  static <T> T guarded(String at, Supplier<T> step) {
    try {
      return step.get();
    } catch (AiGatewayConfigurationException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new AiGatewayConfigurationException(at, String.valueOf(e.getMessage()),
          "see the property's description");
    }
  }

  private static List<String> sorted(Set<String> values) {
    return values.stream().sorted().toList();
  }
}
