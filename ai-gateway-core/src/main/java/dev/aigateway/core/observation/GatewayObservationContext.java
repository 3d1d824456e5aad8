package dev.aigateway.core.observation;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.spi.CallInfo;
import io.micrometer.observation.transport.Kind;
import io.micrometer.observation.transport.SenderContext;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * The context of one call's observation: the call's facts ({@link #call()}, which carry no
 * content and no key), the request's parameters, and what the gateway learnt as the call went:
 * the vendor that answered, its server, the outcome and, for a stream, the time to its first
 * chunk. A {@link GatewayObservationConvention} reads it to name and tag the observation; the
 * values are final when the observation stops.
 *
 * <p>A sender context of kind {@code CLIENT}, so a tracing handler makes client spans, as the
 * conventions ask of an inference span; it has no carrier (the gateway does not put trace
 * headers on the vendor's request).
 *
 * <p>Content ({@link #inputMessages()}, {@link #outputMessages()},
 * {@link #systemInstructions()}) is present only when the application turned capture on
 * ({@link Observability#captureContent()}); it never holds a key.
 */
public final class GatewayObservationContext extends SenderContext<Object> {
  private final CallInfo call;
  private final ChatRequest request;
  private final @Nullable String clientTag;
  private volatile @Nullable String providerName;
  private volatile @Nullable String serverAddress;
  private volatile int serverPort = -1;
  private volatile boolean ended;
  private volatile String outcome = "success";
  private volatile @Nullable String errorType;
  private volatile @Nullable Duration timeToFirstChunk;
  private volatile @Nullable String inputMessages;
  private volatile @Nullable String systemInstructions;
  private volatile @Nullable String outputMessages;

  GatewayObservationContext(CallInfo call, ChatRequest request, @Nullable String clientTag) {
    super((carrier, key, value) -> {}, Kind.CLIENT); // a client call; nothing to propagate into
    this.call = call;
    this.request = request;
    this.clientTag = clientTag;
  }

  /** The call's facts: routing, attempts, cache, the answer's model, id, usage and finish. */
  public CallInfo call() {
    return call;
  }

  /** The request as the application sent it (for its parameters; content only if captured). */
  public ChatRequest request() {
    return request;
  }

  /** The client tag's value, or null when client tags are off ({@link ClientTags}). */
  public @Nullable String clientTag() {
    return clientTag;
  }

  /**
   * The vendor of the provider that answered (or was last tried), as
   * {@code ChatProvider.providerName()} says; null before any was chosen.
   */
  public @Nullable String providerName() {
    return providerName;
  }

  /** That provider's host, or null. */
  public @Nullable String serverAddress() {
    return serverAddress;
  }

  /** That provider's port, or -1. */
  public int serverPort() {
    return serverPort;
  }

  /**
   * Whether it has ended, so that every value here is final (the observation is about to stop).
   * A convention asked before (at the start) may leave out what is not known yet.
   */
  public boolean isEnded() {
    return ended;
  }

  /** {@code success}, {@code error} or {@code cancelled}. */
  public String outcome() {
    return outcome;
  }

  /** The failure's {@link ErrorTypes} value, or null when the call succeeded. */
  public @Nullable String errorType() {
    return errorType;
  }

  /** For a stream, the time from the call's start to its first chunk; else null. */
  public @Nullable Duration timeToFirstChunk() {
    return timeToFirstChunk;
  }

  /** The conversation as {@code gen_ai.input.messages} JSON, or null when not captured. */
  public @Nullable String inputMessages() {
    return inputMessages;
  }

  /** The system instructions as JSON parts, or null when not captured or there are none. */
  public @Nullable String systemInstructions() {
    return systemInstructions;
  }

  /** The answer as {@code gen_ai.output.messages} JSON, or null when not captured. */
  public @Nullable String outputMessages() {
    return outputMessages;
  }

  void server(@Nullable String providerName, @Nullable String address, int port) {
    this.providerName = providerName;
    this.serverAddress = address;
    this.serverPort = port;
  }

  void ended(String outcome, @Nullable String errorType) {
    this.outcome = outcome;
    this.errorType = errorType;
    this.ended = true;
  }

  void timeToFirstChunk(Duration ttfc) {
    this.timeToFirstChunk = ttfc;
  }

  void input(@Nullable String system, String messages) {
    this.systemInstructions = system;
    this.inputMessages = messages;
  }

  void output(String messages) {
    this.outputMessages = messages;
  }
}
