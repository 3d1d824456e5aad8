package dev.aigateway.core.internal;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.api.spi.GatewayCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The chain handed to the interceptor at {@code index}. It enforces the SPI's obligations: an
 * interceptor must not return null, and stream results it obtained but dropped are discarded so
 * that their connections close.
 */
final class RealChain implements ChatInterceptor.Chain {
  private final List<ChatInterceptor> interceptors;
  private final int index;
  private final ChatRequest request;
  private final boolean streaming;
  private final RealCall call;
  // Results this chain's proceed() handed to interceptor index-1. Usually one, so no list.
  private @Nullable ChatResult handedOut;
  private @Nullable List<ChatResult> moreHandedOut;

  RealChain(List<ChatInterceptor> interceptors, int index, ChatRequest request, RealCall call) {
    this.interceptors = interceptors;
    this.index = index;
    this.request = request;
    this.streaming = call.isStreaming();
    this.call = call;
  }

  /** This chain, at the same position, for another view of the call (the cache's shared call). */
  RealChain withCall(RealCall other) {
    return new RealChain(interceptors, index, request, other);
  }

  @Override
  public GatewayCall call() {
    return call;
  }

  @Override
  public ChatRequest request() {
    return request;
  }

  @Override
  public boolean isStreaming() {
    return streaming;
  }

  @Override
  public ChatResult proceed(ChatRequest request) {
    Objects.requireNonNull(request, "request");
    if (index >= interceptors.size()) {
      throw new IllegalStateException("the last interceptor in the chain must not call proceed()");
    }
    ChatInterceptor interceptor = interceptors.get(index);
    RealChain next = new RealChain(interceptors, index + 1, request, call);
    ChatResult result;
    try {
      result = interceptor.intercept(next);
    } catch (RuntimeException | Error e) {
      next.discardAll();
      throw e;
    }
    if (result == null) {
      next.discardAll();
      throw new NullPointerException(
          "interceptor " + interceptor.getClass().getName() + " returned null");
    }
    next.discardDropped(result);
    record(result);
    return result;
  }

  private void record(ChatResult result) {
    if (handedOut == null) {
      handedOut = result;
    } else {
      if (moreHandedOut == null) {
        moreHandedOut = new ArrayList<>(2);
      }
      moreHandedOut.add(result);
    }
  }

  private void discardAll() {
    if (handedOut != null) {
      handedOut.discard();
    }
    if (moreHandedOut != null) {
      moreHandedOut.forEach(ChatResult::discard);
    }
  }

  /** Discards every stream result the interceptor neither returned nor took charge of. */
  private void discardDropped(ChatResult returned) {
    if (handedOut != null && handedOut != returned && !handedOut.isClaimed()) {
      handedOut.discard();
    }
    if (moreHandedOut != null) {
      for (ChatResult r : moreHandedOut) {
        if (r != returned && !r.isClaimed()) {
          r.discard();
        }
      }
    }
  }
}
