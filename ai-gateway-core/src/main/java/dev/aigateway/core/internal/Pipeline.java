package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import java.util.List;

/** The ordered interceptors of one gateway, ending with the provider call. Immutable. */
final class Pipeline {
  private final List<ChatInterceptor> interceptors;

  Pipeline(List<ChatInterceptor> interceptors) {
    this.interceptors = List.copyOf(interceptors);
  }

  /** Runs {@code request} through every interceptor; see {@link ChatInterceptor} for semantics. */
  ChatResult execute(RealCall call) {
    // A chain positioned before the first interceptor: its proceed() runs interceptor 0.
    return new RealChain(interceptors, 0, call.request(), call).proceed(call.request());
  }

  List<ChatInterceptor> interceptors() {
    return interceptors;
  }
}
