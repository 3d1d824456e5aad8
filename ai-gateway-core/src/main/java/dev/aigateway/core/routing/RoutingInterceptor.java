package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;

/**
 * The routing stage: decides with a {@link Router} where the request may go, and passes it down
 * with the {@link RoutingDecision} stored under {@link RoutingDecision#ATTRIBUTE}. The resilience
 * stage below it tries the candidates. Installed by the gateway; thread safe.
 */
public final class RoutingInterceptor implements ChatInterceptor {
  private final Router router;

  /** A routing stage that decides with {@code router}. */
  public RoutingInterceptor(Router router) {
    this.router = router;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    return chain.proceed(request.withAttribute(RoutingDecision.ATTRIBUTE, router.decide(request)));
  }

  @Override
  public String toString() {
    return "RoutingInterceptor";
  }
}
