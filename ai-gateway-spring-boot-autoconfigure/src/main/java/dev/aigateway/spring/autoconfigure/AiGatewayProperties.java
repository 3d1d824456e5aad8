package dev.aigateway.spring.autoconfigure;

import dev.aigateway.core.structured.InvalidOutput;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * The {@code ai-gateway.*} properties: the providers, the routes, and the settings of each
 * stage. Bound by Spring Boot's relaxed binding, so {@code default-provider} and
 * {@code defaultProvider} are one property. What a property cannot say, an
 * {@link AiGatewayBuilderCustomizer} can.
 */
@ConfigurationProperties(prefix = "ai-gateway")
public class AiGatewayProperties {

  /**
   * The provider that serves bare model names (not needed with one provider).
   */
  private @Nullable String defaultProvider;

  /**
   * The vendors, by the id routes and requests name them with.
   */
  private Map<String, Provider> providers = new LinkedHashMap<>();

  /**
   * The routes, by the name requests use as their model.
   */
  private Map<String, RouteProperties> routes = new LinkedHashMap<>();

  /**
   * Retries, circuit breakers and the gateway's timeouts.
   */
  private Resilience resilience = new Resilience();

  /**
   * The response cache.
   */
  private Cache cache = new Cache();

  /**
   * Per-client limits on requests and tokens.
   */
  private RateLimits rateLimits = new RateLimits();

  /**
   * What the gateway records once the application has an ObservationRegistry or a
   * MeterRegistry.
   */
  private Observability observability = new Observability();

  /**
   * The vendors' own limits, respected before they answer 429: a target over its budget is
   * skipped like an open circuit.
   */
  private UpstreamLimits upstreamLimits = new UpstreamLimits();

  /**
   * Redis, for the response cache every replica shares (needs ai-gateway-redis).
   */
  private Redis redis = new Redis();

  public Redis getRedis() {
    return redis;
  }

  public void setRedis(Redis redis) {
    this.redis = redis;
  }

  /** The Redis the replicas share. */
  public static class Redis {
    /**
     * The server, such as redis://127.0.0.1:6379 (rediss:// for TLS). When not set, the server
     * spring.data.redis.* names, if any; blank turns Redis off. Without either, the limits and
     * the cache stay in each JVM.
     */
    private @Nullable String url;

    /**
     * The application's namespace in the keys (ai-gateway:namespace:...), so that applications
     * can share a Redis.
     */
    private String namespace = "default";

    /**
     * How long one Redis command may take before the call misses the cache.
     */
    private Duration commandTimeout = Duration.ofMillis(500);

    /**
     * The largest answer stored.
     */
    private DataSize maxValueSize = DataSize.ofMegabytes(1);

    public @Nullable String getUrl() {
      return url;
    }

    public void setUrl(@Nullable String url) {
      this.url = url;
    }

    public String getNamespace() {
      return namespace;
    }

    public void setNamespace(String namespace) {
      this.namespace = namespace;
    }

    public Duration getCommandTimeout() {
      return commandTimeout;
    }

    public void setCommandTimeout(Duration commandTimeout) {
      this.commandTimeout = commandTimeout;
    }

    public DataSize getMaxValueSize() {
      return maxValueSize;
    }

    public void setMaxValueSize(DataSize maxValueSize) {
      this.maxValueSize = maxValueSize;
    }

    /** The URL without its password. */
    @Override
    public String toString() {
      return "Redis[url=" + (url == null ? "none" : url.replaceAll("//[^@/]*@", "//[redacted]@"))
          + ", namespace=" + namespace + "]";
    }
  }

  public UpstreamLimits getUpstreamLimits() {
    return upstreamLimits;
  }

  public void setUpstreamLimits(UpstreamLimits upstreamLimits) {
    this.upstreamLimits = upstreamLimits;
  }

  /** Vendor-side budgets, per provider and per target. */
  public static class UpstreamLimits {
    /**
     * Budgets of a whole provider, by provider id.
     */
    private Map<String, Budget> providers = new LinkedHashMap<>();

    /**
     * Budgets of one provider and model each.
     */
    private List<TargetBudget> targets = new ArrayList<>();

    public Map<String, Budget> getProviders() {
      return providers;
    }

    public void setProviders(Map<String, Budget> providers) {
      this.providers = providers;
    }

    public List<TargetBudget> getTargets() {
      return targets;
    }

    public void setTargets(List<TargetBudget> targets) {
      this.targets = targets;
    }
  }

  /** Requests and tokens per minute. */
  public static class Budget {
    /**
     * Requests per minute (0 for no request budget).
     */
    private long requestsPerMinute;

    /**
     * Tokens per minute (0 for no token budget).
     */
    private long tokensPerMinute;

    public long getRequestsPerMinute() {
      return requestsPerMinute;
    }

    public void setRequestsPerMinute(long requestsPerMinute) {
      this.requestsPerMinute = requestsPerMinute;
    }

    public long getTokensPerMinute() {
      return tokensPerMinute;
    }

    public void setTokensPerMinute(long tokensPerMinute) {
      this.tokensPerMinute = tokensPerMinute;
    }
  }

  /** A budget of one provider and model. */
  public static class TargetBudget extends Budget {
    /**
     * The provider id.
     */
    private @Nullable String provider;

    /**
     * The model.
     */
    private @Nullable String model;

    public @Nullable String getProvider() {
      return provider;
    }

    public void setProvider(@Nullable String provider) {
      this.provider = provider;
    }

    public @Nullable String getModel() {
      return model;
    }

    public void setModel(@Nullable String model) {
      this.model = model;
    }
  }

  public @Nullable String getDefaultProvider() {
    return defaultProvider;
  }

  public void setDefaultProvider(@Nullable String defaultProvider) {
    this.defaultProvider = defaultProvider;
  }

  public Map<String, Provider> getProviders() {
    return providers;
  }

  public void setProviders(Map<String, Provider> providers) {
    this.providers = providers;
  }

  public Map<String, RouteProperties> getRoutes() {
    return routes;
  }

  public void setRoutes(Map<String, RouteProperties> routes) {
    this.routes = routes;
  }

  public Resilience getResilience() {
    return resilience;
  }

  public void setResilience(Resilience resilience) {
    this.resilience = resilience;
  }

  public Cache getCache() {
    return cache;
  }

  public void setCache(Cache cache) {
    this.cache = cache;
  }

  public RateLimits getRateLimits() {
    return rateLimits;
  }

  public void setRateLimits(RateLimits rateLimits) {
    this.rateLimits = rateLimits;
  }

  public Observability getObservability() {
    return observability;
  }

  public void setObservability(Observability observability) {
    this.observability = observability;
  }

  /** The kinds of provider the properties can make. */
  public enum ProviderType {
    /** OpenAI's API ({@code openai}). */
    OPENAI,
    /** Any server speaking OpenAI's Chat Completions ({@code openai-compatible}), by preset. */
    OPENAI_COMPATIBLE,
    /** Azure OpenAI ({@code azure-openai}). */
    AZURE_OPENAI,
    /** Anthropic's Messages API ({@code anthropic}). */
    ANTHROPIC,
    /** Google Gemini's Generative Language API ({@code gemini}). */
    GEMINI,
    /**
     * Gemini on Google Cloud's Vertex AI ({@code vertex-ai}), with Google OAuth tokens; needs a
     * project, and a {@code token-supplier} or {@code dev.aigateway:ai-gateway-google-auth}.
     */
    VERTEX_AI,
    /**
     * Anthropic's Claude models on Google Cloud's Vertex AI ({@code vertex-anthropic}), with
     * Google OAuth tokens; needs what {@code vertex-ai} needs.
     */
    VERTEX_ANTHROPIC,
    /**
     * AWS Bedrock's Converse API ({@code bedrock}), signed with SigV4; needs
     * {@code dev.aigateway:ai-gateway-bedrock}.
     */
    BEDROCK
  }

  /** One vendor. */
  public static class Provider {
    /**
     * The adapter: openai, openai-compatible, azure-openai, anthropic, gemini, vertex-ai,
     * vertex-anthropic or bedrock.
     */
    private @Nullable ProviderType type;

    /**
     * The key, usually a placeholder such as ${OPENAI_API_KEY}; never logged, and masked by
     * the actuator's env and configprops endpoints.
     */
    private @Nullable String apiKey;

    /**
     * The name of an environment variable to read the key from at each request, instead of
     * api-key.
     */
    private @Nullable String apiKeyEnv;

    /**
     * A file to read the key from at each request (a mounted secret), instead of api-key.
     */
    private @Nullable String apiKeyFile;

    /**
     * The base URL; the adapter's (or the preset's) documented one when not set. Required for
     * azure-openai (https://my-resource.openai.azure.com). For vertex-ai, instead of the one the
     * location implies; for bedrock, the endpoint override (a VPC endpoint or a proxy; requests
     * are still signed for the region).
     */
    private @Nullable String baseUrl;

    /**
     * For openai-compatible: groq, mistral, deepseek, together, openrouter, ollama or vllm;
     * without a preset, base-url names the server.
     */
    private @Nullable String preset;

    /**
     * For azure-openai: the deployment that serves each model name.
     */
    private Map<String, String> deployments = new LinkedHashMap<>();

    /**
     * For azure-openai, gemini, vertex-ai and vertex-anthropic: the API version the adapter
     * sends (for the Vertex types the path segment, v1 unless set).
     */
    private @Nullable String apiVersion;

    /**
     * Headers sent with every request to this vendor.
     */
    private Map<String, String> headers = new LinkedHashMap<>();

    /**
     * The largest reply body the adapter reads (32MB unless set).
     */
    private @Nullable DataSize maxResponseSize;

    /**
     * For openai: the OpenAI-Organization header.
     */
    private @Nullable String organization;

    /**
     * For openai: the OpenAI-Project header. For vertex-ai and vertex-anthropic: the Google
     * Cloud project id; GOOGLE_CLOUD_PROJECT when not set, and one of the two is required.
     */
    private @Nullable String project;

    /**
     * For vertex-ai and vertex-anthropic: the location, a region such as us-central1 or global;
     * GOOGLE_CLOUD_LOCATION when not set, else global.
     */
    private @Nullable String location;

    /**
     * For vertex-ai and vertex-anthropic: the project billed for quota (the x-goog-user-project header), for user
     * credentials billed to another project.
     */
    private @Nullable String quotaProject;

    /**
     * For bedrock: the AWS region requests go to and are signed for, such as us-east-1;
     * AWS_REGION (or AWS_DEFAULT_REGION) when not set, and one of them is required.
     */
    private @Nullable String region;

    /**
     * For bedrock: the name of the application's
     * software.amazon.awssdk.auth.credentials.AwsCredentialsProvider bean; the AWS SDK's default
     * chain when not set.
     */
    private @Nullable String credentialsProvider;

    public @Nullable String getLocation() {
      return location;
    }

    public void setLocation(@Nullable String location) {
      this.location = location;
    }

    public @Nullable String getQuotaProject() {
      return quotaProject;
    }

    public void setQuotaProject(@Nullable String quotaProject) {
      this.quotaProject = quotaProject;
    }

    public @Nullable String getRegion() {
      return region;
    }

    public void setRegion(@Nullable String region) {
      this.region = region;
    }

    public @Nullable String getCredentialsProvider() {
      return credentialsProvider;
    }

    public void setCredentialsProvider(@Nullable String credentialsProvider) {
      this.credentialsProvider = credentialsProvider;
    }

    /**
     * For openai and openai-compatible: the vendor's name in traces and metrics
     * (gen_ai.provider.name), when the preset's or openai is not right.
     */
    private @Nullable String providerName;

    /**
     * For anthropic: the anthropic-version header. For vertex-anthropic: the body's
     * anthropic_version, vertex-2023-10-16 by default.
     */
    private @Nullable String anthropicVersion;

    /**
     * For anthropic and vertex-anthropic: the anthropic-beta features.
     */
    private List<String> anthropicBeta = new ArrayList<>();

    /**
     * For anthropic and vertex-anthropic: the max_tokens sent when a request sets none.
     */
    private @Nullable Integer defaultMaxTokens;

    public @Nullable String getOrganization() {
      return organization;
    }

    public void setOrganization(@Nullable String organization) {
      this.organization = organization;
    }

    public @Nullable String getProject() {
      return project;
    }

    public void setProject(@Nullable String project) {
      this.project = project;
    }

    public @Nullable String getProviderName() {
      return providerName;
    }

    public void setProviderName(@Nullable String providerName) {
      this.providerName = providerName;
    }

    public @Nullable String getAnthropicVersion() {
      return anthropicVersion;
    }

    public void setAnthropicVersion(@Nullable String anthropicVersion) {
      this.anthropicVersion = anthropicVersion;
    }

    public List<String> getAnthropicBeta() {
      return anthropicBeta;
    }

    public void setAnthropicBeta(List<String> anthropicBeta) {
      this.anthropicBeta = anthropicBeta;
    }

    public @Nullable Integer getDefaultMaxTokens() {
      return defaultMaxTokens;
    }

    public void setDefaultMaxTokens(@Nullable Integer defaultMaxTokens) {
      this.defaultMaxTokens = defaultMaxTokens;
    }

    /**
     * The name of the application's dev.aigateway.providers.auth.TokenSupplier bean. For
     * azure-openai with Microsoft Entra ID, used instead of a key. For vertex-ai and
     * vertex-anthropic, the Google OAuth tokens; when not set, application default credentials through
     * dev.aigateway:ai-gateway-google-auth, which must then be on the classpath.
     */
    private @Nullable String tokenSupplier;

    public @Nullable String getTokenSupplier() {
      return tokenSupplier;
    }

    public void setTokenSupplier(@Nullable String tokenSupplier) {
      this.tokenSupplier = tokenSupplier;
    }

    public @Nullable ProviderType getType() {
      return type;
    }

    public void setType(@Nullable ProviderType type) {
      this.type = type;
    }

    public @Nullable String getApiKey() {
      return apiKey;
    }

    public void setApiKey(@Nullable String apiKey) {
      this.apiKey = apiKey;
    }

    public @Nullable String getApiKeyEnv() {
      return apiKeyEnv;
    }

    public void setApiKeyEnv(@Nullable String apiKeyEnv) {
      this.apiKeyEnv = apiKeyEnv;
    }

    public @Nullable String getApiKeyFile() {
      return apiKeyFile;
    }

    public void setApiKeyFile(@Nullable String apiKeyFile) {
      this.apiKeyFile = apiKeyFile;
    }

    public @Nullable String getBaseUrl() {
      return baseUrl;
    }

    public void setBaseUrl(@Nullable String baseUrl) {
      this.baseUrl = baseUrl;
    }

    public @Nullable String getPreset() {
      return preset;
    }

    public void setPreset(@Nullable String preset) {
      this.preset = preset;
    }

    public Map<String, String> getDeployments() {
      return deployments;
    }

    public void setDeployments(Map<String, String> deployments) {
      this.deployments = deployments;
    }

    public @Nullable String getApiVersion() {
      return apiVersion;
    }

    public void setApiVersion(@Nullable String apiVersion) {
      this.apiVersion = apiVersion;
    }

    public Map<String, String> getHeaders() {
      return headers;
    }

    public void setHeaders(Map<String, String> headers) {
      this.headers = headers;
    }

    public @Nullable DataSize getMaxResponseSize() {
      return maxResponseSize;
    }

    public void setMaxResponseSize(@Nullable DataSize maxResponseSize) {
      this.maxResponseSize = maxResponseSize;
    }

    /** Never the key. */
    @Override
    public String toString() {
      return "Provider[type=" + type + ", baseUrl=" + baseUrl + ", preset=" + preset
          + ", apiKey=" + (apiKey == null ? "none" : "[redacted]") + "]";
    }
  }

  /** One route: weighted targets, then fallbacks. */
  public static class RouteProperties {
    /**
     * The weighted targets a request is split over.
     */
    private List<TargetProperties> targets = new ArrayList<>();

    /**
     * The targets tried, in order, when the chosen one fails.
     */
    private List<TargetProperties> fallbacks = new ArrayList<>();

    /**
     * The request metadata key whose value keeps a caller on one target of the split.
     */
    private @Nullable String stickyBy;

    /**
     * Whether the response cache serves this route (the cache's own default when not set).
     */
    private @Nullable Boolean cache;

    /**
     * Whether subscribers of this route understand a restarted stream (a restart chunk).
     */
    private @Nullable Boolean streamRestarts;

    /**
     * What an answer that does not fit the structured output its request asked for leads to:
     * fail (the default), retry-once on the same target, or failover to the next candidate.
     */
    private @Nullable InvalidOutput onInvalidOutput;

    /**
     * Content rules, tried in order before the split: the first whose condition matches picks
     * its own targets.
     */
    private List<RuleProperties> rules = new ArrayList<>();

    /**
     * This route's own retries and timeouts; what it leaves unset is the gateway's.
     */
    private @Nullable Resilience resilience;

    public List<RuleProperties> getRules() {
      return rules;
    }

    public void setRules(List<RuleProperties> rules) {
      this.rules = rules;
    }

    public @Nullable Resilience getResilience() {
      return resilience;
    }

    public void setResilience(@Nullable Resilience resilience) {
      this.resilience = resilience;
    }

    public List<TargetProperties> getTargets() {
      return targets;
    }

    public void setTargets(List<TargetProperties> targets) {
      this.targets = targets;
    }

    public List<TargetProperties> getFallbacks() {
      return fallbacks;
    }

    public void setFallbacks(List<TargetProperties> fallbacks) {
      this.fallbacks = fallbacks;
    }

    public @Nullable String getStickyBy() {
      return stickyBy;
    }

    public void setStickyBy(@Nullable String stickyBy) {
      this.stickyBy = stickyBy;
    }

    public @Nullable Boolean getCache() {
      return cache;
    }

    public void setCache(@Nullable Boolean cache) {
      this.cache = cache;
    }

    public @Nullable Boolean getStreamRestarts() {
      return streamRestarts;
    }

    public void setStreamRestarts(@Nullable Boolean streamRestarts) {
      this.streamRestarts = streamRestarts;
    }

    public @Nullable InvalidOutput getOnInvalidOutput() {
      return onInvalidOutput;
    }

    public void setOnInvalidOutput(@Nullable InvalidOutput onInvalidOutput) {
      this.onInvalidOutput = onInvalidOutput;
    }
  }

  /** A provider and a model, with a weight in its route's split. */
  public static class TargetProperties {
    /**
     * The provider id.
     */
    private @Nullable String provider;

    /**
     * The model, in that vendor's terms.
     */
    private @Nullable String model;

    /**
     * The share of the route's traffic (relative to the other targets); ignored for fallbacks.
     */
    private int weight = 1;

    /**
     * What this target changes in each request sent to it.
     */
    private OverrideProperties overrides = new OverrideProperties();

    public OverrideProperties getOverrides() {
      return overrides;
    }

    public void setOverrides(OverrideProperties overrides) {
      this.overrides = overrides;
    }

    public @Nullable String getProvider() {
      return provider;
    }

    public void setProvider(@Nullable String provider) {
      this.provider = provider;
    }

    public @Nullable String getModel() {
      return model;
    }

    public void setModel(@Nullable String model) {
      this.model = model;
    }

    public int getWeight() {
      return weight;
    }

    public void setWeight(int weight) {
      this.weight = weight;
    }
  }

  /** What a target changes in the requests sent to it. */
  public static class OverrideProperties {
    /**
     * The sampling temperature this target is sent.
     */
    private @Nullable Double temperature;

    /**
     * The nucleus sampling mass this target is sent.
     */
    private @Nullable Double topP;

    /**
     * The output token limit this target is sent.
     */
    private @Nullable Integer maxTokens;

    /**
     * Whether this target continues an assistant prefill (mid-stream rescue by continuation).
     */
    private @Nullable Boolean assistantPrefill;

    /**
     * Vendor fields added to the request body.
     */
    private Map<String, String> extra = new LinkedHashMap<>();

    public @Nullable Double getTemperature() {
      return temperature;
    }

    public void setTemperature(@Nullable Double temperature) {
      this.temperature = temperature;
    }

    public @Nullable Double getTopP() {
      return topP;
    }

    public void setTopP(@Nullable Double topP) {
      this.topP = topP;
    }

    public @Nullable Integer getMaxTokens() {
      return maxTokens;
    }

    public void setMaxTokens(@Nullable Integer maxTokens) {
      this.maxTokens = maxTokens;
    }

    public @Nullable Boolean getAssistantPrefill() {
      return assistantPrefill;
    }

    public void setAssistantPrefill(@Nullable Boolean assistantPrefill) {
      this.assistantPrefill = assistantPrefill;
    }

    public Map<String, String> getExtra() {
      return extra;
    }

    public void setExtra(Map<String, String> extra) {
      this.extra = extra;
    }
  }

  /** A content rule: a condition on the request, and the targets it picks. */
  public static class RuleProperties {
    /**
     * The condition; every part given must hold.
     */
    private When when = new When();

    /**
     * The targets when the condition holds.
     */
    private List<TargetProperties> targets = new ArrayList<>();

    /**
     * Their fallbacks.
     */
    private List<TargetProperties> fallbacks = new ArrayList<>();

    public When getWhen() {
      return when;
    }

    public void setWhen(When when) {
      this.when = when;
    }

    public List<TargetProperties> getTargets() {
      return targets;
    }

    public void setTargets(List<TargetProperties> targets) {
      this.targets = targets;
    }

    public List<TargetProperties> getFallbacks() {
      return fallbacks;
    }

    public void setFallbacks(List<TargetProperties> fallbacks) {
      this.fallbacks = fallbacks;
    }
  }

  /** The named request conditions a rule can test. */
  public static class When {
    /**
     * The request has images.
     */
    private @Nullable Boolean hasImages;

    /**
     * The request offers tools.
     */
    private @Nullable Boolean hasTools;

    /**
     * The request's estimated input is over this many tokens.
     */
    private @Nullable Integer estimatedInputTokensOver;

    /**
     * Request metadata entries that must equal these values.
     */
    private Map<String, String> metadata = new LinkedHashMap<>();

    /**
     * Request metadata entries that must match these regular expressions.
     */
    private Map<String, String> metadataMatches = new LinkedHashMap<>();

    public @Nullable Boolean getHasImages() {
      return hasImages;
    }

    public void setHasImages(@Nullable Boolean hasImages) {
      this.hasImages = hasImages;
    }

    public @Nullable Boolean getHasTools() {
      return hasTools;
    }

    public void setHasTools(@Nullable Boolean hasTools) {
      this.hasTools = hasTools;
    }

    public @Nullable Integer getEstimatedInputTokensOver() {
      return estimatedInputTokensOver;
    }

    public void setEstimatedInputTokensOver(@Nullable Integer estimatedInputTokensOver) {
      this.estimatedInputTokensOver = estimatedInputTokensOver;
    }

    public Map<String, String> getMetadata() {
      return metadata;
    }

    public void setMetadata(Map<String, String> metadata) {
      this.metadata = metadata;
    }

    public Map<String, String> getMetadataMatches() {
      return metadataMatches;
    }

    public void setMetadataMatches(Map<String, String> metadataMatches) {
      this.metadataMatches = metadataMatches;
    }
  }

  /** Retries, breakers and timeouts. */
  public static class Resilience {
    /**
     * How often a failed attempt is retried on the same target before failing over.
     */
    private @Nullable Integer maxRetries;

    /**
     * Consecutive failures that open a target's circuit.
     */
    private @Nullable Integer failureThreshold;

    /**
     * How long an open circuit stays open before a probe.
     */
    private @Nullable Duration cooldown;

    /**
     * How long to wait for a connection.
     */
    private @Nullable Duration connectTimeout;

    /**
     * How long to wait for a stream's first chunk or a plain call's answer (30s unless set).
     */
    private @Nullable Duration firstChunkTimeout;

    /**
     * The longest silence between two chunks of a stream.
     */
    private @Nullable Duration idleTimeout;

    /**
     * The call's total deadline, across retries and failovers.
     */
    private @Nullable Duration deadline;

    public @Nullable Integer getMaxRetries() {
      return maxRetries;
    }

    public void setMaxRetries(@Nullable Integer maxRetries) {
      this.maxRetries = maxRetries;
    }

    public @Nullable Integer getFailureThreshold() {
      return failureThreshold;
    }

    public void setFailureThreshold(@Nullable Integer failureThreshold) {
      this.failureThreshold = failureThreshold;
    }

    public @Nullable Duration getCooldown() {
      return cooldown;
    }

    public void setCooldown(@Nullable Duration cooldown) {
      this.cooldown = cooldown;
    }

    public @Nullable Duration getConnectTimeout() {
      return connectTimeout;
    }

    public void setConnectTimeout(@Nullable Duration connectTimeout) {
      this.connectTimeout = connectTimeout;
    }

    public @Nullable Duration getFirstChunkTimeout() {
      return firstChunkTimeout;
    }

    public void setFirstChunkTimeout(@Nullable Duration firstChunkTimeout) {
      this.firstChunkTimeout = firstChunkTimeout;
    }

    public @Nullable Duration getIdleTimeout() {
      return idleTimeout;
    }

    public void setIdleTimeout(@Nullable Duration idleTimeout) {
      this.idleTimeout = idleTimeout;
    }

    public @Nullable Duration getDeadline() {
      return deadline;
    }

    public void setDeadline(@Nullable Duration deadline) {
      this.deadline = deadline;
    }
  }

  /** The response cache. */
  public static class Cache {
    /**
     * Whether every model is cached unless its route says otherwise (routes can turn it on
     * when this is off).
     */
    private boolean enabled;

    /**
     * The most entries kept.
     */
    private @Nullable Long maxEntries;

    /**
     * The most bytes the entries may hold.
     */
    private @Nullable DataSize maxBytes;

    /**
     * How long an entry lives.
     */
    private @Nullable Duration ttl;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public @Nullable Long getMaxEntries() {
      return maxEntries;
    }

    public void setMaxEntries(@Nullable Long maxEntries) {
      this.maxEntries = maxEntries;
    }

    public @Nullable DataSize getMaxBytes() {
      return maxBytes;
    }

    public void setMaxBytes(@Nullable DataSize maxBytes) {
      this.maxBytes = maxBytes;
    }

    public @Nullable Duration getTtl() {
      return ttl;
    }

    public void setTtl(@Nullable Duration ttl) {
      this.ttl = ttl;
    }
  }

  /** Per-client limits. */
  public static class RateLimits {
    /**
     * The limit of every client without one of its own.
     */
    private @Nullable Limit defaultLimit;

    /**
     * Limits by client id.
     */
    private Map<String, Limit> clients = new LinkedHashMap<>();

    /**
     * What a call over its limit does: reject (at once), wait-then-reject or wait-then-proceed
     * (up to max-wait).
     */
    private @Nullable String onExhausted;

    /**
     * The longest wait for wait-then-reject and wait-then-proceed.
     */
    private @Nullable Duration maxWait;

    /**
     * When the shared limits' Redis is unreachable: fail-open (admit unchecked, counted; the
     * default) or fail-closed (refuse with RateLimitStoreUnavailableException).
     */
    private @Nullable String onBackendFailure;

    public @Nullable String getOnBackendFailure() {
      return onBackendFailure;
    }

    public void setOnBackendFailure(@Nullable String onBackendFailure) {
      this.onBackendFailure = onBackendFailure;
    }

    public @Nullable String getOnExhausted() {
      return onExhausted;
    }

    public void setOnExhausted(@Nullable String onExhausted) {
      this.onExhausted = onExhausted;
    }

    public @Nullable Duration getMaxWait() {
      return maxWait;
    }

    public void setMaxWait(@Nullable Duration maxWait) {
      this.maxWait = maxWait;
    }

    /**
     * Alias of default-limit, so that rate-limits.default reads as in the README.
     */
    public @Nullable Limit getDefault() {
      return defaultLimit;
    }

    public void setDefault(@Nullable Limit limit) {
      this.defaultLimit = limit;
    }

    public Map<String, Limit> getClients() {
      return clients;
    }

    public void setClients(Map<String, Limit> clients) {
      this.clients = clients;
    }
  }

  /** One client's limit. */
  public static class Limit {
    /**
     * Request windows, each "count/duration" such as 10/1s or 500/1m.
     */
    private List<String> requests = new ArrayList<>();

    /**
     * Token windows, each "count/duration" such as 200000/1m.
     */
    private List<String> tokens = new ArrayList<>();

    /**
     * The models and routes this client may use (any when empty).
     */
    private List<String> allowedModels = new ArrayList<>();

    public List<String> getRequests() {
      return requests;
    }

    public void setRequests(List<String> requests) {
      this.requests = requests;
    }

    public List<String> getTokens() {
      return tokens;
    }

    public void setTokens(List<String> tokens) {
      this.tokens = tokens;
    }

    public List<String> getAllowedModels() {
      return allowedModels;
    }

    public void setAllowedModels(List<String> allowedModels) {
      this.allowedModels = allowedModels;
    }
  }

  /** What is recorded. */
  public static class Observability {
    /**
     * Whether the client id becomes a metric and span tag (only for applications whose client
     * ids are few).
     */
    private boolean clientTag;

    /**
     * Client ids that may be tag values (others are _OTHER); implies client-tag.
     */
    private List<String> clientTags = new ArrayList<>();

    /**
     * Whether prompts and answers are recorded on the call's observation (the
     * OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT variable's choice when not set).
     */
    private @Nullable Boolean captureContent;

    /**
     * A price table for the cost counter: classpath:prices.json or a file path (JSON or
     * properties).
     */
    private @Nullable String prices;

    /**
     * Whether the newest experimental GenAI metric names are emitted (the
     * OTEL_SEMCONV_STABILITY_OPT_IN variable's choice when not set).
     */
    private @Nullable Boolean latestExperimental;

    public boolean isClientTag() {
      return clientTag;
    }

    public void setClientTag(boolean clientTag) {
      this.clientTag = clientTag;
    }

    public List<String> getClientTags() {
      return clientTags;
    }

    public void setClientTags(List<String> clientTags) {
      this.clientTags = clientTags;
    }

    public @Nullable Boolean getCaptureContent() {
      return captureContent;
    }

    public void setCaptureContent(@Nullable Boolean captureContent) {
      this.captureContent = captureContent;
    }

    public @Nullable String getPrices() {
      return prices;
    }

    public void setPrices(@Nullable String prices) {
      this.prices = prices;
    }

    public @Nullable Boolean getLatestExperimental() {
      return latestExperimental;
    }

    public void setLatestExperimental(@Nullable Boolean latestExperimental) {
      this.latestExperimental = latestExperimental;
    }
  }
}
