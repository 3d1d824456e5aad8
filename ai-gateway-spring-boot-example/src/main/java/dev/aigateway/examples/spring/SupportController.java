package dev.aigateway.examples.spring;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Flow;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /chat?q=...} answers as JSON; {@code GET /stream?q=...} streams the answer as
 * server-sent events, one {@code chunk} event per chunk and a last {@code done} event with the
 * provider and usage. The stream is pulled one chunk at a time: the next is requested only
 * once the last was written to the browser. It only knows the {@link ChatClient} bean.
 */
@RestController
public class SupportController {
  private final ChatClient chat;

  /** Over the gateway's {@code ChatClient} bean. */
  public SupportController(ChatClient chat) {
    this.chat = chat;
  }

  /** The answer, who served it and the tokens. */
  @GetMapping("/chat")
  public Map<String, Object> chat(@RequestParam("q") String question,
      @RequestParam(name = "client", required = false) String client) {
    ChatResponse r = chat.chat(request(question, client));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("answer", r.text());
    out.put("provider", r.provider());
    out.put("model", r.model());
    out.put("inputTokens", r.usage() == null ? 0 : r.usage().inputTokens());
    out.put("outputTokens", r.usage() == null ? 0 : r.usage().outputTokens());
    return out;
  }

  /** The answer as it arrives, as server-sent events. */
  @GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
  public SseEmitter stream(@RequestParam("q") String question,
      @RequestParam(name = "client", required = false) String client) {
    SseEmitter emitter = new SseEmitter(120_000L);
    chat.stream(request(question, client)).subscribe(new Flow.Subscriber<>() {
      private Flow.Subscription subscription;
      private ChatChunk last;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        emitter.onTimeout(s::cancel);
        emitter.onError(e -> s.cancel());
        s.request(1);
      }

      @Override
      public void onNext(ChatChunk chunk) {
        last = chunk;
        try {
          if (!chunk.textDelta().isEmpty()) {
            emitter.send(SseEmitter.event().name("chunk").data(chunk.textDelta()));
          }
          subscription.request(1);
        } catch (IOException e) { // the browser went away
          subscription.cancel();
          emitter.completeWithError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        emitter.completeWithError(t);
      }

      @Override
      public void onComplete() {
        try {
          emitter.send(SseEmitter.event().name("done").data(last == null ? "" : last.provider()
              + " " + last.model() + (last.usage() == null ? "" : " " + last.usage()
              .inputTokens() + "+" + last.usage().outputTokens() + " tokens")));
          emitter.complete();
        } catch (IOException e) {
          emitter.completeWithError(e);
        }
      }
    });
    return emitter;
  }

  private static ChatRequest request(String question, String client) {
    ChatRequest.Builder b = ChatRequest.builder().model("support").user(question);
    if (client != null) {
      b.clientId(client);
    }
    return b.build();
  }
}
