package dev.aigateway.core.resilience;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.Target;
import org.jspecify.annotations.Nullable;

/**
 * Admits attempts to a target before they are sent, after its circuit breaker and bulkhead. A
 * target the gate turns away is skipped, like an open circuit, and the call goes to the next
 * candidate: this is where a vendor's own limits (requests and tokens per minute for the key) are
 * respected before the vendor answers 429. Set one with
 * {@code AiGateway.builder().targetGate(...)}. Thread safe; quick; must not block.
 */
public interface TargetGate {
  /** A gate that admits everything. */
  TargetGate OPEN = new TargetGate() {
    @Override
    public @Nullable AiGatewayException tryEnter(Target target, ChatRequest request) {
      return null;
    }

    @Override
    public void exit(Target target, ChatRequest request, @Nullable Usage usage) {}
  };

  /**
   * Admits one attempt of {@code request} (as it will be sent to {@code target}), or says why
   * not: the exception is recorded as the reason the target was skipped. When admitted,
   * {@link #exit} follows exactly once.
   */
  @Nullable AiGatewayException tryEnter(Target target, ChatRequest request);

  /**
   * The admitted attempt ended; {@code usage} is what it used when known (a plain answer, or a
   * stream that reported usage), null otherwise.
   */
  void exit(Target target, ChatRequest request, @Nullable Usage usage);
}
