package dev.aigateway.core.routing;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.ChatInterceptor;
import dev.aigateway.api.spi.ChatResult;
import dev.aigateway.core.Target;

/**
 * The routing stage: resolves the request's model with a {@link Router}, then passes the request
 * down with the vendor's model name and the chosen {@link Target} stored under
 * {@link Target#ATTRIBUTE}. Installed by the gateway; thread safe.
 */
public final class RoutingInterceptor implements ChatInterceptor {
  private final Router router;

  /** A routing stage that resolves with {@code router}. */
  public RoutingInterceptor(Router router) {
    this.router = router;
  }

  @Override
  public ChatResult intercept(Chain chain) {
    ChatRequest request = chain.request();
    Target target = router.resolve(request.model());
    return chain.proceed(
        request.withModel(target.model()).withAttribute(Target.ATTRIBUTE, target));
  }

  @Override
  public String toString() {
    return "RoutingInterceptor";
  }
}
