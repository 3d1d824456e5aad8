/**
 * The vendor adapters: OpenAI and the OpenAI-compatible endpoints, Azure OpenAI, Anthropic and
 * Google Gemini, over OkHttp. Their shared HTTP, SSE and error code
 * ({@code dev.aigateway.providers.internal}, {@code dev.aigateway.providers.openai.internal}) is not
 * exported.
 *
 * <p>Streams are framed by the module's own demand-driven SSE reader over okio, not by
 * okhttp-sse, whose pull reader is in a package that module does not export.
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic", "module"})
module dev.aigateway.providers {
  requires transitive dev.aigateway.api;
  requires static transitive org.jspecify;

  // In the public API: each builder takes an OkHttpClient to share connections.
  requires transitive okhttp3;
  requires okio;
  requires com.fasterxml.jackson.core;
  requires com.fasterxml.jackson.databind;

  exports dev.aigateway.providers.anthropic;
  exports dev.aigateway.providers.auth;
  exports dev.aigateway.providers.azure;
  exports dev.aigateway.providers.gemini;
  exports dev.aigateway.providers.openai;
  // For ai-gateway-bedrock, an automatic module, which composes its adapter from these parts
  // ("module" above: javac cannot see that module when it compiles this one).
  exports dev.aigateway.providers.internal to dev.aigateway.bedrock;
}
