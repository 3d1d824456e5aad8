package dev.aigateway.providers.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.Flows;
import java.io.IOException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import okhttp3.sse.EventSources;

/**
 * A vendor's SSE stream as a cold {@link Flow.Publisher} of chunks, following the gateway's
 * streaming contract:
 * <ul>
 *   <li>nothing is sent before the subscriber's first {@code request};
 *   <li>one thread from the transport's executor reads the response; it parks whenever demand is
 *       zero, so demand drives the socket reads and nothing is buffered ahead;
 *   <li>{@code cancel()} cancels the OkHttp call, which closes its connection at once;
 *   <li>the stream completes only after the decoder saw the vendor's terminal event; a stream
 *       that stops short, breaks, or carries a vendor error event ends in {@code onError}.
 * </ul>
 * SSE framing (LF, CR and CRLF line endings, multi-line data, comments) is okhttp-sse's.
 */
final class SseStream implements Flow.Publisher<ChatChunk> {
  /** Events read after the terminal one before giving up on reusing the connection. */
  private static final int MAX_EVENTS_AFTER_END = 16;

  private final HttpTransport transport;
  private final Supplier<Request> request;
  private final Supplier<StreamDecoder> decoder;
  private final java.time.Duration timeout;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  SseStream(HttpTransport transport, Supplier<Request> request, java.time.Duration timeout,
      Supplier<StreamDecoder> decoder) {
    this.transport = transport;
    this.request = request;
    this.timeout = timeout;
    this.decoder = decoder;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      Flows.rejectAdditionalSubscriber(subscriber);
      return;
    }
    if (transport.isClosed()) {
      subscriber.onSubscribe(Flows.noopSubscription());
      subscriber.onError(
          new IllegalStateException("provider " + transport.provider() + " is closed"));
      return;
    }
    Exchange exchange = new Exchange(subscriber);
    subscriber.onSubscribe(exchange);
    exchange.subscribed();
  }

  private final class Exchange extends EventSourceListener
      implements Flow.Subscription, Runnable, StreamDecoder.Sink {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    // False until the subscriber's onSubscribe has returned: nothing may be signalled before.
    private volatile boolean ready;
    private volatile long earlyInvalidDemand;
    private volatile boolean cancelled;
    private volatile long invalidDemand;
    private volatile Thread reader;
    private volatile Call call;
    // Read and written by the reader thread only.
    private StreamDecoder events;
    private Redactor redactor = Redactor.none();
    private boolean done;
    private int eventsAfterEnd;

    Exchange(Flow.Subscriber<? super ChatChunk> downstream) {
      this.downstream = downstream;
    }

    // ---- Subscription, called by the subscriber on any thread ----

    /** Called once the subscriber's onSubscribe has returned. */
    void subscribed() {
      ready = true;
      long bad = earlyInvalidDemand;
      if (bad != 0) {
        request(bad);
      } else if (demand.get() > 0 && started.compareAndSet(false, true)) {
        start();
      }
    }

    @Override
    public void request(long n) {
      if (!ready) {
        // Inside onSubscribe: remember, and act once it returns.
        if (n <= 0) {
          earlyInvalidDemand = n;
        } else {
          Flows.addDemand(demand, n);
        }
        return;
      }
      if (n <= 0) {
        if (started.compareAndSet(false, true)) {
          done = true; // nothing runs yet, so this is the only signal
          downstream.onError(Flows.nonPositiveRequest(n));
          return;
        }
        invalidDemand = n;
        abortCall(); // wake the reader even if it is blocked on the socket
        LockSupport.unpark(reader);
        return;
      }
      Flows.addDemand(demand, n);
      if (started.compareAndSet(false, true)) {
        start();
        return;
      }
      LockSupport.unpark(reader);
    }

    private void start() {
      try {
        transport.executor().execute(this);
      } catch (RejectedExecutionException e) {
        done = true;
        downstream.onError(new AiGatewayException(
            transport.provider() + ": the executor rejected the stream", e, false));
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      abortCall();
      LockSupport.unpark(reader);
    }

    private void abortCall() {
      Call c = call;
      if (c != null) {
        c.cancel();
      }
    }

    // ---- The reader thread ----

    @Override
    public void run() {
      reader = Thread.currentThread();
      try {
        read();
      } finally {
        reader = null;
      }
    }

    private void read() {
      if (cancelled) {
        return;
      }
      Request req;
      try {
        req = request.get();
        events = decoder.get();
      } catch (RuntimeException e) {
        fail(e);
        return;
      }
      redactor = Redactor.forRequest(req, transport.sensitiveHeaders());
      Call c = transport.newStreamCall(req, timeout);
      call = c;
      if (cancelled || invalidDemand != 0) {
        c.cancel();
      }
      try {
        Response response;
        try {
          response = c.execute();
        } catch (IOException e) {
          if (!cancelled) {
            failIo(e, IoErrors.Stage.REQUEST);
          }
          return;
        }
        try (response) {
          if (!response.isSuccessful()) {
            fail(HttpErrors.fromResponse(transport.provider(), response,
                transport.errorParser(), transport.clock(), redactor));
            return;
          }
          if (!isEventStream(response)) {
            fail(notAStream(response));
            return;
          }
          EventSources.processResponse(response, this);
        }
      } finally {
        transport.finished(c);
      }
    }

    private boolean isEventStream(Response response) {
      MediaType type = response.body().contentType();
      return type != null && type.type().equals("text")
          && type.subtype().toLowerCase(Locale.ROOT).equals("event-stream");
    }

    private AiGatewayException notAStream(Response response) {
      String provider = transport.provider();
      String body = HttpErrors.readBody(response);
      // Some servers answer with status 200 and an error body instead of a stream.
      VendorError error = HttpErrors.parseVendorError(body, transport.errorParser());
      if (error != null) {
        return new ProviderUnavailableException(provider, response.code(), error.errorCode(),
            redactor.scrub(provider + ": HTTP " + response.code()
                + " carried an error instead of a stream: " + HttpErrors.detail(error)), null);
      }
      return new MalformedResponseException(provider, response.code(),
          redactor.scrub(provider + ": expected an event stream but got "
              + HttpErrors.describeBody(HttpErrors.contentType(response), body)), null);
    }

    // ---- EventSourceListener, on the reader thread ----

    @Override
    public void onEvent(EventSource source, String id, String type, String data) {
      if (done) {
        if (++eventsAfterEnd > MAX_EVENTS_AFTER_END) {
          source.cancel();
        }
        return; // draining after the terminal event, so the connection can be reused
      }
      if (cancelled || invalidDemand != 0) {
        source.cancel();
        if (!cancelled) {
          signalInvalidDemand();
        }
        return;
      }
      try {
        events.onEvent(type, data, this);
      } catch (AiGatewayException e) {
        fail(e);
        source.cancel();
        return;
      } catch (RuntimeException e) {
        fail(new MalformedResponseException(transport.provider(), 200,
            redactor.scrub(transport.provider() + ": could not read a stream event: " + e), e));
        source.cancel();
        return;
      }
      if (done || cancelled) {
        source.cancel();
        return;
      }
      if (events.isComplete()) {
        done = true;
        downstream.onComplete();
      }
    }

    @Override
    public void onClosed(EventSource source) {
      if (done || cancelled) {
        return;
      }
      if (invalidDemand != 0) {
        signalInvalidDemand();
        return;
      }
      fail(new ProviderUnavailableException(transport.provider(), 0, "stream_truncated",
          transport.provider() + ": the stream ended before its terminal event "
              + events.terminalEvent(), null));
    }

    @Override
    public void onFailure(EventSource source, Throwable t, Response response) {
      if (done || cancelled) {
        return;
      }
      if (invalidDemand != 0) {
        signalInvalidDemand();
        return;
      }
      if (t instanceof IOException io) {
        failIo(io, IoErrors.Stage.STREAM);
      } else {
        // okhttp-sse reports a line cut off at the end of the body this way
        fail(new ProviderUnavailableException(transport.provider(), 0, "stream_truncated",
            transport.provider() + ": the stream ended in the middle of an event, before its"
                + " terminal event " + events.terminalEvent(), t));
      }
    }

    // ---- Sink, for the decoder ----

    @Override
    public boolean emit(ChatChunk chunk) {
      while (true) {
        if (cancelled || done) {
          return false;
        }
        if (invalidDemand != 0) {
          signalInvalidDemand();
          return false;
        }
        long d = demand.get();
        if (d > 0) {
          if (d != Long.MAX_VALUE) {
            demand.decrementAndGet();
          }
          downstream.onNext(chunk);
          return true;
        }
        LockSupport.park(this);
      }
    }

    private void signalInvalidDemand() {
      if (!done) {
        done = true;
        abortCall();
        downstream.onError(Flows.nonPositiveRequest(invalidDemand));
      }
    }

    private void failIo(IOException e, IoErrors.Stage stage) {
      if (invalidDemand != 0) {
        signalInvalidDemand();
        return;
      }
      if (transport.isClosed()) {
        fail(transport.closedError());
        return;
      }
      fail(IoErrors.map(transport.provider(), e, stage, timeout != null, redactor));
    }

    private void fail(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      if (!cancelled) {
        // Every error leaves through here, so this is where credentials are kept out of it.
        downstream.onError(error instanceof AiGatewayException e ? redactor.sanitize(e) : error);
      }
    }
  }
}
