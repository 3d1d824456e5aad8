package dev.aigateway.core;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The call log on {@code dev.aigateway.calls}: a DEBUG line per call with its facts, failovers
 * and circuit moves at INFO, never the prompt or the answer; and it needs no listener or
 * registry.
 */
class CallLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger("dev.aigateway.calls");
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
  private final ManualTiming time = new ManualTiming();
  private final FakeProvider a = new FakeProvider("a");
  private final FakeProvider b = new FakeProvider("b");
  private Level before;

  @BeforeEach
  void attach() {
    before = logger.getLevel();
    lines.start();
    logger.addAppender(lines);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(lines);
    logger.setLevel(before);
  }

  private List<String> logged(Level level) {
    return lines.list.stream().filter(e -> e.getLevel() == level)
        .map(ILoggingEvent::getFormattedMessage).collect(Collectors.toList());
  }

  private AiGateway gateway() {
    a.onChat(r -> {
      throw new ProviderUnavailableException("a", 503, null, "a: HTTP 503", null);
    });
    b.onChat(r -> {
      time.advance(Duration.ofMillis(250));
      return ChatResponse.builder().provider("b").model("m2").text("the secret answer")
          .finishReason(FinishReason.STOP).usage(Usage.of(11, 4)).build();
    });
    return AiGateway.builder().provider(a).provider(b)
        .route(Route.builder("r").target("a", "m1").fallback("b", "m2").build())
        .resilience(Resilience.builder().maxRetries(0).failureThreshold(1).build())
        .timing(time.timing()).build();
  }

  @Test
  void aCallIsOneDebugLineWithItsFactsAndNoContent() {
    logger.setLevel(Level.DEBUG);
    gateway().chat(ChatRequest.of("r", "the secret question"));
    List<String> debug = logged(Level.DEBUG).stream().filter(l -> l.startsWith("call #"))
        .filter(l -> l.contains("outcome=")).collect(Collectors.toList());
    assertThat(debug).hasSize(1);
    assertThat(debug.get(0)).matches("call #\\d+ chat r route=r target=b/m2 outcome=success "
        + "attempts=2 duration=250ms tokens=11/4");
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(l -> l.contains("secret"));
  }

  @Test
  void failoversAndCircuitMovesAreInfo() {
    logger.setLevel(Level.INFO);
    gateway().chat(ChatRequest.of("r", "the secret question"));
    assertThat(logged(Level.INFO)).anyMatch(l -> l.matches(
        "call #\\d+ r: failover a/m1 -> b/m2 after ProviderUnavailableException"))
        .anyMatch(l -> l.equals("circuit of a/m1 CLOSED -> OPEN"));
    assertThat(logged(Level.DEBUG)).as("DEBUG is off").isEmpty();
  }

  @Test
  void aFailedCallSaysItsFailuresTypeOnly() {
    logger.setLevel(Level.DEBUG);
    a.onChat(r -> {
      throw new ProviderUnavailableException("a", 503, null, "a: HTTP 503 secret body", null);
    });
    AiGateway gateway = AiGateway.builder().provider(a).timing(time.timing())
        .resilience(Resilience.builder().maxRetries(0).build()).build();
    try {
      gateway.chat(ChatRequest.of("m1", "q"));
    } catch (ProviderUnavailableException expected) {
      // logged below
    }
    assertThat(logged(Level.DEBUG)).anyMatch(l -> l.contains(
        "outcome=error(ProviderUnavailableException) attempts=1"));
    assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage)
        .noneMatch(l -> l.contains("secret"));
  }
}
