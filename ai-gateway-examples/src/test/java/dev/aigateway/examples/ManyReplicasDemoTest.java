package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Two gateways share one client's limit and the cache through one Redis. */
class ManyReplicasDemoTest {

  @Test
  void theLimitAndTheCacheAreSharedBetweenTheReplicas() throws Exception {
    assumeTrue(ManyReplicasDemo.redisReachable(),
        "no Redis at " + ManyReplicasDemo.redisUrl() + " (.ci/run starts one)");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(ManyReplicasDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8)))
        .isTrue();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out.lines().filter(l -> l.contains(" served: "))).hasSize(4);
    assertThat(out.lines().filter(l -> l.contains(" throttled: client 'acme'"))).hasSize(2);
    assertThat(out).contains("replica B: call 2 served").contains("replica A: call 5 throttled")
        .contains("a hit on the cache replica A filled")
        .contains("The vendor received 4 requests.");
  }
}
