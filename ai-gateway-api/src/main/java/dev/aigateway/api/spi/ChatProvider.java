package dev.aigateway.api.spi;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import java.net.URI;
import java.util.concurrent.Flow;
import org.jspecify.annotations.Nullable;

/**
 * A vendor adapter: turns a {@link ChatRequest} into one vendor's wire format and the vendor's
 * reply back into {@link ChatResponse} or {@link ChatChunk}s.
 *
 * <p>When the gateway calls a provider, {@link ChatRequest#model()} is already this vendor's model
 * name. Implementations must be thread safe, must report every failure as a
 * {@link dev.aigateway.api.AiGatewayException} subtype (never a raw I/O or parser exception), and
 * must never put a credential into an exception, a log line or a {@code toString()}.
 *
 * <p>{@link #stream} must follow the gateway's streaming contract: a cold publisher that sends
 * nothing before a subscriber requests, accepts one subscriber, lets demand drive the reads,
 * aborts the exchange on cancel, and ends with exactly one {@code onComplete} (only after the
 * vendor's terminal marker) or one {@code onError}.
 */
public interface ChatProvider extends AutoCloseable {

  /** This provider's id, unique within a gateway, such as {@code openai}. */
  String id();

  /**
   * The vendor behind this provider, spelled as the OpenTelemetry GenAI conventions spell
   * {@code gen_ai.provider.name}: {@code openai}, {@code anthropic}, {@code azure.ai.openai},
   * {@code gcp.gemini}, {@code groq}, {@code mistral_ai}, {@code deepseek}, ... It names the
   * vendor whatever {@link #id()} the application chose (an Anthropic provider registered as
   * {@code claude} is still {@code anthropic}), and is what metrics and traces record.
   *
   * <p>The default, for a provider that is no vendor's adapter (an in-memory or an application's
   * own provider), is {@link #id()}: a custom value, as the conventions allow for systems they do
   * not list. Vendor adapters override it.
   */
  default String providerName() {
    return id();
  }

  /**
   * The server this provider sends its requests to, as {@code scheme://host:port} (no path, no
   * user info, no query, so never a credential), for the {@code server.address} and
   * {@code server.port} that traces and metrics record. Null, the default, for a provider that
   * calls no server.
   */
  default @Nullable URI serverUri() {
    return null;
  }

  /** Sends the request and blocks until the whole answer has arrived. */
  ChatResponse chat(ChatRequest request);

  /** A cold publisher of the answer's chunks; see the class documentation. */
  Flow.Publisher<ChatChunk> stream(ChatRequest request);

  /**
   * {@link #chat(ChatRequest)} for one attempt of a gateway call: the gateway calls this one,
   * and a provider that can honour the attempt's cancellation, deadline and timeouts overrides
   * it. The default ignores {@code attempt}.
   */
  default ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    return chat(request);
  }

  /**
   * {@link #stream(ChatRequest)} for one attempt of a gateway call; see
   * {@link #chat(ChatRequest, AttemptContext)}. The default ignores {@code attempt}.
   */
  default Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return stream(request);
  }

  /**
   * Whether {@link #stream}'s publisher, once subscribed, delivers its first signal from within
   * the subscriber's first {@code request}, on the requesting thread and without blocking: an
   * in-memory provider. The gateway may then run such a stream's whole pipeline on the thread
   * that requests it, without a hand-off to a worker. A provider that says true and then does
   * not deliver at once holds that thread until it does. The default, false, is right for every
   * network adapter.
   */
  default boolean streamsInline() {
    return false;
  }

  /**
   * Whether this vendor continues an answer from an assistant message that ends the
   * conversation (an assistant <em>prefill</em>): given the messages plus
   * {@code Message.assistant(partial)}, it answers with what follows {@code partial}, not with a
   * new answer. The gateway continues a stream cut mid-answer this way, delivering only the new
   * text; a route can override it per target. The default is false: the gateway then restarts
   * such a stream instead (see {@code CallOptions.STREAM_RESTARTS}).
   */
  default boolean supportsAssistantPrefill() {
    return false;
  }

  /**
   * Releases what this provider holds and aborts its calls in flight. Calls made after closing
   * fail with {@link IllegalStateException}. The default does nothing.
   */
  @Override
  default void close() {}
}
