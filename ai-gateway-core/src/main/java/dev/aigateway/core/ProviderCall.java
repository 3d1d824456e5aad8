package dev.aigateway.core;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.core.resilience.ResilienceInterceptor;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage: sends the request to the provider that routing chose. For a stream it returns
 * once the first chunk has arrived (see {@link StartedStream}).
 */
final class ProviderCall implements ChatInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ProviderCall.class);

  private final Map<String, ChatProvider> providers;

  ProviderCall(Map<String, ChatProvider> providers) {
    this.providers = providers;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    Target target = request.attribute(Target.ATTRIBUTE);
    if (target == null) {
      throw new IllegalStateException(
          "no target on the request: an interceptor removed the routing decision");
    }
    ChatProvider provider = providers.get(target.providerId());
    if (provider == null) {
      throw new IllegalStateException("routing chose unknown provider " + target.providerId());
    }
    try {
      if (!chain.isStreaming()) {
        return ChatResult.of(provider.chat(request));
      }
      return ChatResult.ofStream(StartedStream.start(provider.stream(request), provider.id(),
          request.attribute(CallOptions.FIRST_CHUNK_TIMEOUT), Cancellation.of(request),
          attempt(request)));
    } catch (RuntimeException e) {
      if (log.isDebugEnabled()) {
        log.debug("{} call to {} failed: {}", chain.isStreaming() ? "stream" : "chat", target,
            e.toString());
      }
      throw e;
    }
  }

  private static int attempt(ChatRequest request) {
    Integer n = request.attribute(ResilienceInterceptor.ATTEMPT);
    return n == null ? 0 : n;
  }

  @Override
  public String toString() {
    return "ProviderCall";
  }
}
