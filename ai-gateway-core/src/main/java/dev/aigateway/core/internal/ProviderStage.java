package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.Target;
import dev.aigateway.core.resilience.Timeouts;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The last stage: sends the attempt in progress to the provider of its target, with the
 * attempt's {@link AttemptContext}. For a stream it returns once the first chunk has arrived
 * (see {@link StartedStream}), within the first-chunk timeout, and watches the idle timeout
 * between its chunks when one is set.
 */
final class ProviderStage implements ChatInterceptor {
  private static final Logger log = LoggerFactory.getLogger(ProviderStage.class);

  private final Map<String, ChatProvider> providers;

  ProviderStage(Map<String, ChatProvider> providers) {
    this.providers = providers;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    RealCall call = (RealCall) chain.call();
    Target target = call.target();
    AttemptContext context = call.attemptContext();
    if (target == null || context == null) {
      throw new IllegalStateException("no attempt in progress: the failover stage did not run");
    }
    ChatProvider provider = providers.get(target.providerId());
    if (provider == null) {
      throw new IllegalStateException("routing chose unknown provider " + target.providerId());
    }
    try {
      if (!chain.isStreaming()) {
        return ChatResult.of(provider.chat(request, context));
      }
      Timeouts timeouts = call.decision().timeouts();
      return ChatResult.ofStream(StartedStream.start(provider.stream(request, context),
          provider.id(), timeouts.firstChunk(), timeouts.idle(), call.cancellation(),
          call.timing().scheduler(), call.timing().ticker(), provider.streamsInline()));
    } catch (RuntimeException e) {
      if (log.isDebugEnabled()) {
        log.debug("{} call to {} failed: {}", chain.isStreaming() ? "stream" : "chat", target,
            e.toString());
      }
      throw e;
    }
  }

  @Override
  public String toString() {
    return "ProviderStage";
  }
}
