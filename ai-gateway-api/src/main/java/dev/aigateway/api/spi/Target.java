package dev.aigateway.api.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One place a request can be sent: a provider and the model to ask of it. Immutable.
 *
 * <p>The gateway's call object names the target of each attempt
 * ({@link GatewayCall#target()}); the circuit breakers, upstream limits and event listener key on
 * it.
 *
 * @param providerId the provider's id
 * @param model the model name in that vendor's terms
 */
public record Target(String providerId, String model) {
  /** Validates that both parts are present. */
  public Target {
    if (providerId == null || providerId.isBlank()) {
      throw new IllegalArgumentException("providerId must not be blank");
    }
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must not be blank");
    }
  }

  /** {@code providerId/model}. */
  @Override
  public String toString() {
    return providerId + "/" + model;
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof Target t && providerId.equals(t.providerId) && model.equals(t.model);
  }

  @Override
  public int hashCode() {
    return 31 * providerId.hashCode() + model.hashCode(); // no varargs array: a hot-path key
  }
}
