package dev.aigateway.core.internal;

import dev.aigateway.api.spi.ChatResult;

/**
 * One step of the per-target sequence that the failover stage runs for each candidate, in the
 * manner of a Failsafe policy: it may refuse the target ({@link TargetRun.Skipped}), proceed once
 * or several times ({@link Next#proceed}), and register what must happen when the attempt it
 * admitted ends ({@link TargetRun#onEnd}). Stages are values, shared by all calls; per-call state
 * lives on the {@link TargetRun}.
 */
interface AttemptStage {

  /** Runs this step for {@code run}, calling {@code next} for the rest of the sequence. */
  ChatResult execute(TargetRun run, Next next);

  /** The rest of the sequence. */
  @FunctionalInterface
  interface Next {
    ChatResult proceed(TargetRun run);
  }

  /** {@code stages} composed in order, outermost first, around {@code last}. */
  static Next compose(java.util.List<AttemptStage> stages, Next last) {
    Next next = last;
    for (int i = stages.size() - 1; i >= 0; i--) {
      AttemptStage stage = stages.get(i);
      Next inner = next;
      next = run -> stage.execute(run, inner);
    }
    return next;
  }
}
