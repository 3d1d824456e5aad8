package dev.aigateway.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * What an application does with raw OkHttp for the same exchange the gateway makes: per call it
 * serializes the request body with Jackson, builds the request with the key header, sends it,
 * and parses the reply (or each stream event) with Jackson. The baseline of the end-to-end
 * comparisons.
 */
final class RawOkHttp {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final MediaType JSON = MediaType.get("application/json");

  private final OkHttpClient client;
  private final EventSource.Factory sse;
  private final String url;
  private final String key;

  RawOkHttp(OkHttpClient client, String baseUrl, String key) {
    this.client = client;
    this.sse = EventSources.createFactory(client);
    this.url = baseUrl + "/chat/completions";
    this.key = key;
  }

  private Request request(String model, String question, boolean stream) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model", model);
    body.put("messages", List.of(Map.of("role", "user", "content", question)));
    if (stream) {
      body.put("stream", true);
      body.put("stream_options", Map.of("include_usage", true));
    }
    return new Request.Builder().url(url)
        .header("Authorization", "Bearer " + key)
        .header("Accept", stream ? "text/event-stream" : "application/json")
        .post(RequestBody.create(MAPPER.writeValueAsBytes(body), JSON))
        .build();
  }

  /** A plain call, on the calling thread. */
  JsonNode chat(String model, String question) throws IOException {
    try (Response response = client.newCall(request(model, question, false)).execute()) {
      return MAPPER.readTree(response.body().bytes());
    }
  }

  /** A stream read on the calling thread with okhttp-sse. Returns the number of events. */
  int streamBlocking(String model, String question) throws IOException {
    int[] events = new int[1];
    try (Response response = client.newCall(request(model, question, true)).execute()) {
      EventSources.processResponse(response, new Parsing(events, null));
    }
    return events[0];
  }

  /**
   * A stream with okhttp-sse's asynchronous EventSource (read on OkHttp's dispatcher thread),
   * the caller waiting for the end. Like the gateway, it never blocks the caller on I/O.
   */
  int streamAsync(String model, String question) throws IOException, InterruptedException {
    int[] events = new int[1];
    CountDownLatch done = new CountDownLatch(1);
    sse.newEventSource(request(model, question, true), new Parsing(events, done));
    done.await();
    return events[0];
  }

  private static final class Parsing extends EventSourceListener {
    private final int[] events;
    private final CountDownLatch done;

    Parsing(int[] events, CountDownLatch done) {
      this.events = events;
      this.done = done;
    }

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      if (!data.equals("[DONE]")) {
        try {
          MAPPER.readTree(data);
        } catch (IOException e) {
          throw new IllegalStateException(e);
        }
      }
      events[0]++;
    }

    @Override
    public void onClosed(EventSource source) {
      if (done != null) {
        done.countDown();
      }
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      if (done != null) {
        done.countDown();
      }
    }
  }
}
