package dev.aigateway.core.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.aigateway.api.AllTargetsFailedException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.StructuredOutputException.Problem;
import dev.aigateway.api.Usage;
import dev.aigateway.api.spi.CallInfo;
import dev.aigateway.api.spi.CircuitState;
import dev.aigateway.api.spi.GatewayEventListener;
import dev.aigateway.api.spi.Target;
import dev.aigateway.api.testing.ChunkPublisher;
import dev.aigateway.api.testing.FakeProvider;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.api.testing.TestSubscriber;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.cache.ResponseCache;
import dev.aigateway.core.observation.ErrorTypes;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Overrides;
import dev.aigateway.core.routing.Route;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Structured output through the whole pipeline, with in-memory vendors and fake time, each
 * scenario for {@code chat()} and for a folded {@code stream()}: the typed answer, an answer that
 * does not fit, and each route policy (fail, retry once, fail over), asserted by what each vendor
 * received, what the caller got, and what the listener heard.
 */
class StructuredOutputGatewayTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  record Line(String sku, int quantity) {}

  record Order(String id, List<Line> lines, BigDecimal total) {}

  private static final String GOOD =
      "{\"id\": \"A-7\", \"lines\": [{\"sku\": \"X\", \"quantity\": 2}], \"total\": 19.90}";
  private static final String WRONG =
      "{\"id\": \"A-7\", \"lines\": [{\"sku\": \"X\", \"quantity\": \"two\"}], \"total\": 19.90}";
  private static final String PROSE = "Order A-7: two of X, 19.90 in total.";

  private final ManualTiming time = new ManualTiming();
  private final Vendor primary = new Vendor("primary");
  private final Vendor backup = new Vendor("backup");
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final List<Throwable> attemptFailures = new CopyOnWriteArrayList<>();

  /** A vendor that answers with the next of its scripted texts, as a reply or a stream. */
  private final class Vendor {
    final FakeProvider fake;
    final Queue<String> script = new ConcurrentLinkedQueue<>();
    final List<ChatRequest> received = new CopyOnWriteArrayList<>();

    Vendor(String id) {
      fake = new FakeProvider(id);
      fake.onChat(r -> {
        received.add(r);
        return ChatResponse.builder().provider(id).model(r.model()).text(next())
            .finishReason(FinishReason.STOP).usage(Usage.of(20, 10)).build();
      });
      fake.onStream(r -> {
        received.add(r);
        String text = next();
        List<ChatChunk> chunks = new ArrayList<>();
        for (int i = 0; i < text.length(); i += 8) {
          boolean last = i + 8 >= text.length();
          chunks.add(ChatChunk.of(null, id, r.model(),
              text.substring(i, Math.min(text.length(), i + 8)), null,
              last ? FinishReason.STOP : null, last ? Usage.of(20, 10) : null));
        }
        return ChunkPublisher.of(chunks);
      });
    }

    Vendor answers(String... texts) {
      script.addAll(List.of(texts));
      return this;
    }

    private String next() {
      String text = script.poll();
      return text != null ? text : GOOD;
    }
  }

  private final class Log implements GatewayEventListener {
    @Override
    public void attemptStart(CallInfo call, Target target, int attempt) {
      events.add("attemptStart " + target + " #" + attempt);
    }

    @Override
    public void attemptEnd(CallInfo call, Target target, int attempt, AttemptOutcome outcome,
        Duration duration, int httpStatus, Throwable failure) {
      events.add("attemptEnd " + target + " #" + attempt + " " + outcome
          + (failure == null ? "" : " " + ErrorTypes.of(failure)));
      if (failure != null) {
        attemptFailures.add(failure);
      }
    }

    @Override
    public void retry(CallInfo call, Target target, int nextAttempt, Duration delay) {
      events.add("retry " + target + " #" + nextAttempt + " after " + delay.toMillis() + "ms");
    }

    @Override
    public void failover(CallInfo call, Target from, Target to, Throwable cause) {
      events.add("failover " + from + " -> " + to);
    }

    @Override
    public void streamRescue(CallInfo call, Target from, Target to, Throwable cause,
        RescueKind kind) {
      events.add("rescue " + from + " -> " + to + " " + kind);
    }

    @Override
    public void callEnd(CallInfo call, Duration duration, Throwable failure) {
      events.add("callEnd " + (failure == null ? "ok" : ErrorTypes.of(failure)));
    }
  }

  private AiGateway gateway(InvalidOutput policy) {
    return builder(policy).build();
  }

  private AiGateway.Builder builder(InvalidOutput policy) {
    return AiGateway.builder().provider(primary.fake).provider(backup.fake)
        .route(Route.builder("orders").target("primary", "p-1").fallback("backup", "b-1")
            .onInvalidOutput(policy).build())
        .resilience(Resilience.builder().maxRetries(2).jitter(0).build())
        .timing(time.timing())
        .eventListener(new Log());
  }

  /** The typed answer, by chat() or by a folded stream(); a stream's failure as chat's. */
  private static Order order(AiGateway gateway, boolean stream) {
    ChatRequest request = ChatRequest.of("orders", "Order A-7, two of X.");
    if (!stream) {
      return gateway.chat(request, Order.class);
    }
    try {
      return StructuredOutput.of(Order.class).fold(gateway, request)
          .get(WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw (RuntimeException) e.getCause();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static final Order EXPECTED =
      new Order("A-7", List.of(new Line("X", 2)), new BigDecimal("19.90"));

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void theAnswerIsTheTypedValueAndTheVendorWasAskedForTheSchema(boolean stream) {
    Order order = order(gateway(InvalidOutput.FAIL), stream);

    assertThat(order).isEqualTo(EXPECTED);
    assertThat(primary.received).singleElement().satisfies(r -> {
      assertThat(r.model()).isEqualTo("p-1");
      assertThat(r.responseFormat()).isEqualTo(StructuredOutput.of(Order.class).format());
    });
    assertThat(backup.received).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void byDefaultAnAnswerThatDoesNotFitFailsTheCallAtOnceWithTheRawText(boolean stream) {
    primary.answers(WRONG);
    SimpleMeterRegistry meters = new SimpleMeterRegistry();

    Throwable thrown = catchThrowable(() ->
        order(builder(InvalidOutput.FAIL).meterRegistry(meters).build(), stream));

    assertThat(thrown).isInstanceOfSatisfying(StructuredOutputException.class, e -> {
      assertThat(e.problem()).isEqualTo(Problem.DOES_NOT_FIT);
      assertThat(e.path()).isEqualTo("$.lines[0].quantity");
      assertThat(e.rawText()).isEqualTo(WRONG);
      assertThat(e.provider()).isEqualTo("primary");
    });
    assertThat(primary.received).hasSize(1);
    assertThat(backup.received).as("the fallback is not asked").isEmpty();
    assertThat(events).containsExactly(
        "attemptStart primary/p-1 #1",
        "attemptEnd primary/p-1 #1 FAILURE invalid_output",
        "callEnd invalid_output");
    assertThat(meters.get("gen_ai.client.operation.duration")
        .tag("error.type", "invalid_output").timer().count()).isEqualTo(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void retryOnceUsesTheSecondAnswerOfTheSameTarget(boolean stream) {
    primary.answers(PROSE, GOOD);

    Order order = order(gateway(InvalidOutput.RETRY_ONCE), stream);

    assertThat(order).isEqualTo(EXPECTED);
    assertThat(primary.received).hasSize(2);
    assertThat(backup.received).isEmpty();
    assertThat(events).containsExactly(
        "attemptStart primary/p-1 #1",
        "attemptEnd primary/p-1 #1 FAILURE invalid_output",
        stream ? "rescue primary/p-1 -> primary/p-1 RESTART"
            : "retry primary/p-1 #2 after 0ms",
        "attemptStart primary/p-1 #2",
        "attemptEnd primary/p-1 #2 SUCCESS",
        "callEnd ok");
    assertThat(time.sleeps).as("no backoff for a second sample").isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void retryOnceRetriesOnlyOnceThenFailsWithTheSecondErrorAndTheFirstSuppressed(
      boolean stream) {
    primary.answers(PROSE, WRONG, GOOD);

    Throwable thrown = catchThrowable(() -> order(gateway(InvalidOutput.RETRY_ONCE), stream));

    assertThat(thrown).isInstanceOfSatisfying(StructuredOutputException.class, e -> {
      assertThat(e.rawText()).isEqualTo(WRONG);
      assertThat(e.problem()).isEqualTo(Problem.DOES_NOT_FIT);
      if (!stream) {
        assertThat(e.getSuppressed()).singleElement().isInstanceOfSatisfying(
            StructuredOutputException.class, first -> assertThat(first.rawText())
                .isEqualTo(PROSE));
      }
    });
    assertThat(primary.received).hasSize(2);
    assertThat(backup.received).isEmpty();
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void retryOnceDoesNotRetryAnAnswerCutAtTheOutputLimit(boolean stream) {
    primary.fake.onChat(r -> {
      primary.received.add(r);
      return ChatResponse.builder().provider("primary").model(r.model())
          .text(GOOD.substring(0, 20)).finishReason(FinishReason.LENGTH).build();
    });
    primary.fake.onStream(r -> {
      primary.received.add(r);
      return ChunkPublisher.of(List.of(ChatChunk.of(null, "primary", r.model(),
          GOOD.substring(0, 20), null, FinishReason.LENGTH, null)));
    });

    Throwable thrown = catchThrowable(() -> order(gateway(InvalidOutput.RETRY_ONCE), stream));

    assertThat(thrown).isInstanceOfSatisfying(StructuredOutputException.class,
        e -> assertThat(e.problem()).isEqualTo(Problem.TRUNCATED));
    assertThat(primary.received).hasSize(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void failoverAsksTheNextTargetAndUsesItsAnswer(boolean stream) {
    primary.answers(WRONG);
    backup.answers(GOOD);

    Order order = order(gateway(InvalidOutput.FAILOVER), stream);

    assertThat(order).isEqualTo(EXPECTED);
    assertThat(primary.received).hasSize(1);
    assertThat(backup.received).singleElement().satisfies(r -> {
      assertThat(r.model()).isEqualTo("b-1");
      assertThat(r.responseFormat()).isEqualTo(StructuredOutput.of(Order.class).format());
    });
    assertThat(events).containsExactly(
        "attemptStart primary/p-1 #1",
        "attemptEnd primary/p-1 #1 FAILURE invalid_output",
        stream ? "rescue primary/p-1 -> backup/b-1 RESTART" : "failover primary/p-1 -> backup/b-1",
        "attemptStart backup/b-1 #2",
        "attemptEnd backup/b-1 #2 SUCCESS",
        "callEnd ok");
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void failoverWhenEveryTargetMissesListsEachAnswer(boolean stream) {
    primary.answers(WRONG);
    backup.answers(PROSE);

    Throwable thrown = catchThrowable(() -> order(gateway(InvalidOutput.FAILOVER), stream));

    if (stream) {
      // A stream ends with the error that ended it: the last answer's.
      assertThat(thrown).isInstanceOfSatisfying(StructuredOutputException.class,
          e -> assertThat(e.rawText()).isEqualTo(PROSE));
    } else {
      assertThat(thrown).isInstanceOfSatisfying(AllTargetsFailedException.class, e -> {
        assertThat(e.attempts()).extracting(a -> a.provider() + " " + a.error().getClass()
            .getSimpleName()).containsExactly("primary StructuredOutputException",
                "backup StructuredOutputException");
        assertThat(e.getMessage()).contains("does not fit");
      });
    }
    assertThat(primary.received).hasSize(1);
    assertThat(backup.received).hasSize(1);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void answersThatDoNotFitNeverOpenTheTargetsCircuit(boolean stream) {
    AiGateway gateway = AiGateway.builder().provider(primary.fake)
        .route(Route.builder("orders").target("primary", "p-1").build())
        .resilience(Resilience.builder().failureThreshold(2).maxRetries(0).build())
        .timing(time.timing()).build();
    primary.answers(PROSE, PROSE, PROSE);

    for (int i = 0; i < 3; i++) {
      assertThat(catchThrowable(() -> order(gateway, stream)))
          .isInstanceOf(StructuredOutputException.class);
    }

    assertThat(primary.received).as("every call reached the vendor").hasSize(3);
    assertThat(gateway.circuitState(new Target("primary", "p-1")))
        .isEqualTo(CircuitState.CLOSED);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void anAnswerThatDoesNotFitIsNotCachedAndTheRetriedOneIs(boolean stream) {
    AiGateway gateway = builder(InvalidOutput.RETRY_ONCE)
        .cache(ResponseCache.builder().ttl(Duration.ofMinutes(5)).build()).build();
    primary.answers(WRONG, GOOD);

    assertThat(order(gateway, stream)).isEqualTo(EXPECTED);
    assertThat(order(gateway, stream)).isEqualTo(EXPECTED);

    assertThat(primary.received).as("the second call was a cache hit").hasSize(2);
  }

  @ParameterizedTest(name = "stream={0}")
  @ValueSource(booleans = {false, true})
  void withoutTheTypeTheGatewayChecksNothing(boolean stream) {
    primary.answers(PROSE);
    ChatRequest plain = ChatRequest.builder().model("orders").user("hi")
        .responseFormat(StructuredOutput.of(Order.class).format()).build();

    String text;
    if (stream) {
      TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();
      gateway(InvalidOutput.RETRY_ONCE).stream(plain).subscribe(sub);
      sub.awaitTerminal(WAIT);
      assertThat(sub.error()).isNull();
      StringBuilder sb = new StringBuilder();
      sub.items().forEach(c -> sb.append(c.textDelta()));
      text = sb.toString();
    } else {
      text = gateway(InvalidOutput.RETRY_ONCE).chat(plain).text();
    }

    assertThat(text).isEqualTo(PROSE);
    assertThat(primary.received).hasSize(1);
  }

  @org.junit.jupiter.api.Test
  void aStreamSubscriberWhoDoesNotUnderstandRestartsGetsTheErrorNotASecondAnswer() {
    primary.answers(WRONG, GOOD);
    StructuredOutput<Order> output = StructuredOutput.of(Order.class);
    TestSubscriber<ChatChunk> sub = TestSubscriber.unbounded();

    gateway(InvalidOutput.RETRY_ONCE)
        .stream(output.request(ChatRequest.of("orders", "Order A-7"))).subscribe(sub);
    sub.awaitTerminal(WAIT);

    assertThat(sub.error()).isInstanceOfSatisfying(StructuredOutputException.class, e -> {
      assertThat(e.rawText()).isEqualTo(WRONG);
      assertThat(e.partialText()).contains(WRONG);
    });
    assertThat(sub.items()).noneMatch(ChatChunk::isRestart);
    assertThat(primary.received).hasSize(1);
  }

  @org.junit.jupiter.api.Test
  void aStructuredStreamCutMidAnswerIsRestartedNeverContinuedFromAPrefill() {
    primary.fake.onStream(r -> {
      primary.received.add(r);
      return ChunkPublisher.failingAfter(List.of(ChatChunk.of(null, "primary", r.model(),
          GOOD.substring(0, 25), null, null, null)),
          new ProviderUnavailableException("primary", 0, null, "primary: connection reset", null));
    });
    AiGateway gateway = AiGateway.builder().provider(primary.fake).provider(backup.fake)
        .route(Route.builder("orders").target("primary", "p-1")
            .fallback("backup", "b-1", Overrides.builder().assistantPrefill(true).build())
            .build())
        .resilience(Resilience.builder().maxRetries(0).jitter(0).build())
        .timing(time.timing()).eventListener(new Log()).build();

    Order order = order(gateway, true);

    assertThat(order).isEqualTo(EXPECTED);
    assertThat(events).contains("rescue primary/p-1 -> backup/b-1 RESTART");
    assertThat(backup.received).singleElement().satisfies(r ->
        assertThat(r.messages()).as("no assistant prefill").hasSize(1));
  }

  @org.junit.jupiter.api.Test
  void chatAsyncCompletesWithTheTypedValueOrTheTypedError() throws Exception {
    AiGateway gateway = gateway(InvalidOutput.FAIL);
    assertThat(gateway.chatAsync(ChatRequest.of("orders", "A-7"), Order.class)
        .get(5, java.util.concurrent.TimeUnit.SECONDS)).isEqualTo(EXPECTED);

    primary.answers(PROSE);
    Throwable failed = catchThrowable(() ->
        gateway.chatAsync(ChatRequest.of("orders", "A-7"), Order.class).join());
    assertThat(failed).isInstanceOf(CompletionException.class)
        .cause().isInstanceOf(StructuredOutputException.class);
  }
}
