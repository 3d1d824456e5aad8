package dev.aigateway.core.observation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.Usage;
import dev.aigateway.api.testing.ManualTiming;
import dev.aigateway.core.AiGateway;
import dev.aigateway.core.resilience.Resilience;
import dev.aigateway.core.routing.Route;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.DefaultTracingObservationHandler;
import io.micrometer.tracing.handler.PropagatingSenderTracingObservationHandler;
import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a tracing backend receives: the gateway observed on an ObservationRegistry wired as an
 * application wires the OpenTelemetry bridge (micrometer-tracing's handlers over an OpenTelemetry
 * SDK), with the spans kept by an in-memory exporter. One call that fails over is one span for
 * the call with a child span per attempt, named and attributed as the GenAI conventions spell
 * it.
 */
class OpenTelemetrySpansTest {
  private final InMemorySpanExporter exporter = InMemorySpanExporter.create();
  private final SdkTracerProvider tracerProvider = SdkTracerProvider.builder()
      .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build();
  private final OpenTelemetrySdk sdk = OpenTelemetrySdk.builder()
      .setTracerProvider(tracerProvider)
      .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
      .build();
  private final ManualTiming time = new ManualTiming();

  @AfterEach
  void close() {
    sdk.close();
  }

  private ObservationRegistry tracing() {
    OtelCurrentTraceContext context = new OtelCurrentTraceContext();
    OtelTracer tracer = new OtelTracer(sdk.getTracer("ai-gateway-test"), context, event -> {});
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(
        new io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler(
            new PropagatingSenderTracingObservationHandler<>(tracer,
                new OtelPropagator(sdk.getPropagators(), sdk.getTracer("ai-gateway-test"))),
            new DefaultTracingObservationHandler(tracer)));
    return registry;
  }

  @Test
  void aFailoverIsACallSpanWithAChildSpanPerAttempt() {
    Vendor openai = new Vendor("openai", "openai", "https://api.openai.com");
    Vendor claude = new Vendor("claude", "anthropic", "https://api.anthropic.com:8443");
    openai.fake.onChat(r -> {
      throw new ProviderUnavailableException("openai", 503, null, "openai: HTTP 503", null);
    });
    claude.fake.onChat(r -> ChatResponse.builder().id("msg_1").provider("claude")
        .model("claude-sonnet-4-5-20250929").text("ok").finishReason(FinishReason.STOP)
        .usage(Usage.of(20, 7, 5, 0)).build());
    AiGateway gateway = AiGateway.builder().provider(openai).provider(claude)
        .route(Route.builder("support").target("openai", "gpt-4o")
            .fallback("claude", "claude-sonnet-4-5").build())
        .resilience(Resilience.builder().maxRetries(0).build()).timing(time.timing())
        .observationRegistry(tracing()).build();

    gateway.chat(ChatRequest.builder().model("support").user("hi").maxTokens(64).build());

    List<SpanData> spans = exporter.getFinishedSpanItems();
    assertThat(spans).extracting(SpanData::getName)
        .containsExactlyInAnyOrder("chat support", "chat gpt-4o", "chat claude-sonnet-4-5");
    SpanData call = span(spans, "chat support");
    SpanData first = span(spans, "chat gpt-4o");
    SpanData second = span(spans, "chat claude-sonnet-4-5");

    assertThat(call.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(call.getParentSpanContext().isValid()).as("a root here").isFalse();
    assertThat(first.getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(second.getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(first.getTraceId()).isEqualTo(call.getTraceId());

    assertThat(attr(call, "gen_ai.operation.name")).isEqualTo("chat");
    assertThat(attr(call, "gen_ai.provider.name")).isEqualTo("anthropic");
    assertThat(attr(call, "gen_ai.request.model")).isEqualTo("support");
    assertThat(attr(call, "gen_ai.response.model")).isEqualTo("claude-sonnet-4-5-20250929");
    assertThat(attr(call, "gen_ai.response.id")).isEqualTo("msg_1");
    assertThat(attr(call, "gen_ai.usage.input_tokens")).isEqualTo("20");
    assertThat(attr(call, "gen_ai.usage.output_tokens")).isEqualTo("7");
    assertThat(attr(call, "gen_ai.usage.cache_read.input_tokens")).isEqualTo("5");
    assertThat(attr(call, "gen_ai.request.max_tokens")).isEqualTo("64");
    assertThat(attr(call, "gen_ai.response.finish_reasons")).isEqualTo("[stop]");
    assertThat(attr(call, "server.address")).isEqualTo("api.anthropic.com");
    assertThat(attr(call, "server.port")).isEqualTo("8443");
    assertThat(attr(call, "ai_gateway.route")).isEqualTo("support");
    assertThat(attr(call, "error.type")).as("it succeeded").isNull();
    assertThat(call.getStatus().getStatusCode()).isNotEqualTo(StatusCode.ERROR);
    assertThat(call.getEvents()).extracting(e -> e.getName())
        .anyMatch(n -> n.contains("failover"));

    assertThat(first.getKind()).isEqualTo(SpanKind.CLIENT);
    assertThat(attr(first, "gen_ai.provider.name")).isEqualTo("openai");
    assertThat(attr(first, "gen_ai.request.model")).isEqualTo("gpt-4o");
    assertThat(attr(first, "server.address")).isEqualTo("api.openai.com");
    assertThat(attr(first, "server.port")).isEqualTo("443");
    assertThat(attr(first, "error.type")).isEqualTo("provider_unavailable");
    assertThat(attr(first, "ai_gateway.outcome")).isEqualTo("error");
    assertThat(first.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(attr(second, "ai_gateway.attempt.kind")).isEqualTo("failover");
    assertThat(attr(second, "ai_gateway.outcome")).isEqualTo("success");
  }

  @Test
  void aCallMadeInsideAnApplicationSpanIsItsChild() {
    Vendor openai = new Vendor("openai", "openai", "https://api.openai.com");
    AtomicInteger n = new AtomicInteger();
    openai.fake.onChat(r -> ChatResponse.builder().provider("openai").model("gpt-4o")
        .text("ok " + n.incrementAndGet()).finishReason(FinishReason.STOP).build());
    ObservationRegistry registry = tracing();
    AiGateway gateway = AiGateway.builder().provider(openai).timing(time.timing())
        .observationRegistry(registry).build();

    io.micrometer.observation.Observation.createNotStarted("handle.request", registry)
        .observe(() -> gateway.chat(ChatRequest.of("gpt-4o", "hi")));

    List<SpanData> spans = exporter.getFinishedSpanItems();
    SpanData outer = span(spans, "handle.request");
    // With no route, the call and its one attempt are both "chat gpt-4o": the call is the one
    // with route and cache tags, the attempt the one with a target.
    SpanData call = spans.stream().filter(s -> attr(s, "ai_gateway.cache") != null)
        .findFirst().orElseThrow();
    SpanData attempt = spans.stream().filter(s -> attr(s, "ai_gateway.target") != null)
        .findFirst().orElseThrow();
    assertThat(call.getName()).isEqualTo("chat gpt-4o");
    assertThat(call.getParentSpanId()).isEqualTo(outer.getSpanId());
    assertThat(attempt.getParentSpanId()).isEqualTo(call.getSpanId());
    assertThat(call.getTraceId()).isEqualTo(outer.getTraceId());
  }

  private static SpanData span(List<SpanData> spans, String name) {
    return spans.stream().filter(s -> s.getName().equals(name)).findFirst()
        .orElseThrow(() -> new AssertionError("no span " + name + " in " + spans));
  }

  private static String attr(SpanData span, String key) {
    return span.getAttributes().get(AttributeKey.stringKey(key));
  }
}
