package dev.aigateway.providers.internal;

import dev.aigateway.api.Usage;

/** Vendor token counts made into the unified {@link Usage}, for the shapes several vendors share. */
public final class Usages {
  private Usages() {}

  /**
   * The unified usage of a vendor that counts its input without the tokens read from or written
   * to its prompt cache (Anthropic's Messages API, Bedrock's Converse): the unified input is the
   * sum of the three (saturating at {@link Integer#MAX_VALUE}), the cached input is the cache
   * reads, and the total is input plus output.
   */
  public static Usage withCacheApart(
      int uncachedInput, int cacheRead, int cacheWrite, int output, int reasoning) {
    long input = (long) uncachedInput + cacheRead + cacheWrite;
    return Usage.of((int) Math.min(input, Integer.MAX_VALUE), output, cacheRead, reasoning);
  }
}
