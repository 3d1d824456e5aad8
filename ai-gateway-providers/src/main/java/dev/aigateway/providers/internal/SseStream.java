package dev.aigateway.providers.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.MalformedResponseException;
import dev.aigateway.api.ProviderUnavailableException;
import dev.aigateway.api.spi.Cancellation;
import dev.aigateway.api.spi.Flows;
import dev.aigateway.api.spi.GatewayExecutors;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import okhttp3.Call;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * A vendor's SSE stream as a cold {@link Flow.Publisher} of chunks, following the gateway's
 * streaming contract:
 * <ul>
 *   <li>nothing is sent before the subscriber's first {@code request};
 *   <li>a <em>pump</em> reads one event at a time for as long as there is demand, then returns
 *       with the response held open; the next {@code request} resumes it. So demand drives the
 *       socket reads, nothing is read ahead, and no thread waits while the subscriber is slow;
 *   <li>the pump runs on the thread that requested when that thread is a gateway worker (see
 *       {@link GatewayExecutors#runAsWorker}), and otherwise on the transport's executor, so a
 *       caller's thread never blocks on I/O;
 *   <li>{@code cancel()} cancels the OkHttp call, which closes its connection at once; so does
 *       cancelling the attempt's {@link Cancellation}, after which the stream ends with
 *       {@code onError(CancellationException)} (unless the subscriber had cancelled);
 *   <li>the stream completes after the vendor's terminal event, or when the body ends cleanly
 *       (its HTTP framing complete) after the answer's finish reason, for servers that never send
 *       the terminal event (see {@link StreamDecoder#onEndOfBody}). A stream that stops before
 *       its finish reason, or in the middle of a line, or whose connection breaks (which includes
 *       a chunked body without its last chunk, and a body shorter than its
 *       {@code Content-Length}), or that carries a vendor error event, ends in {@code onError};
 *       so does one whose bytes are not valid UTF-8 ({@link MalformedResponseException}), and one
 *       with an event over the provider's {@code maxResponseSize}.
 * </ul>
 * The framing is the vendor's {@link Framing}: for SSE the gateway's own {@link SseReader}; each
 * reads one event per step. A body
 * that a server delimits only by closing the connection (neither a length nor chunks) ends
 * cleanly by definition: HTTP cannot tell its close from a cut.
 */
final class SseStream implements Flow.Publisher<ChatChunk> {
  private final HttpTransport transport;
  private final Supplier<Request> request;
  private final Supplier<StreamDecoder> decoder;
  private final Framing framing;
  private final @Nullable Duration timeout;
  private final @Nullable Duration connectTimeout;
  private final @Nullable Duration idleTimeout;
  private final @Nullable Cancellation cancellation;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  /**
   * @param timeout the whole exchange's deadline, or null
   * @param connectTimeout the connect timeout, or null for the client's
   * @param idleTimeout the longest gap between two events, or null for the client's
   * @param cancellation the attempt's cancellation, or null
   */
  SseStream(HttpTransport transport, Supplier<Request> request, Supplier<StreamDecoder> decoder,
      Framing framing, @Nullable Duration timeout, @Nullable Duration connectTimeout,
      @Nullable Duration idleTimeout, @Nullable Cancellation cancellation) {
    this.transport = transport;
    this.request = request;
    this.decoder = decoder;
    this.framing = framing;
    this.timeout = timeout;
    this.connectTimeout = connectTimeout;
    this.idleTimeout = idleTimeout;
    this.cancellation = cancellation;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ChatChunk> subscriber) {
    if (!Flows.firstSubscriber(subscribed, subscriber)) {
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

  private final class Exchange implements Flow.Subscription, StreamDecoder.Sink {
    private final Flow.Subscriber<? super ChatChunk> downstream;
    private final AtomicLong demand = new AtomicLong();
    // Counts pump requests; whoever moves it from 0 runs the pump, so it never runs twice.
    private final AtomicInteger wip = new AtomicInteger();
    // False until the subscriber's onSubscribe has returned: nothing may be signalled before.
    private volatile boolean ready;
    private volatile boolean cancelled;
    // The attempt's cancellation fired: abort, then signal a CancellationException.
    private volatile boolean callCancelled;
    private volatile Cancellation.@Nullable Registration registration;
    // A request(n <= 0) to answer with onError; n may be 0, so a flag says whether there is one.
    private volatile boolean invalid;
    private volatile long invalidDemand;
    private volatile @Nullable Call call;
    // Owned by whichever thread runs the pump.
    private boolean opened;
    private boolean finished;
    private boolean done;
    private boolean completed;
    // The answer is whole: complete once the chunks waiting for demand are delivered.
    private boolean terminal;
    private @Nullable Response response;
    private Framing.@Nullable FrameReader reader;
    private @Nullable StreamDecoder events;
    private Redactor redactor = Redactor.none();
    private final ArrayDeque<ChatChunk> pending = new ArrayDeque<>(2);

    Exchange(Flow.Subscriber<? super ChatChunk> downstream) {
      this.downstream = downstream;
    }

    void subscribed() {
      if (cancellation != null) {
        // Runs at once when the attempt is cancelled already; then nothing is ever sent.
        registration = cancellation.onCancel(this::attemptCancelled);
      }
      ready = true;
      if (demand.get() > 0 || invalid || callCancelled) {
        schedule();
      }
    }

    private void attemptCancelled() {
      callCancelled = true;
      abortCall(); // wake a pump blocked on the socket
      if (ready) {
        schedule();
      }
    }

    // ---- Subscription: any thread ----

    @Override
    public void request(long n) {
      if (n <= 0) {
        invalidDemand = n;
        invalid = true;
        abortCall(); // wake a pump blocked on the socket
      } else {
        Flows.addDemand(demand, n);
      }
      if (ready) {
        schedule();
      }
    }

    @Override
    public void cancel() {
      cancelled = true;
      abortCall();
      if (ready) {
        schedule(); // a pump releases the response, which no one may be reading now
      }
    }

    private void abortCall() {
      Call c = call;
      if (c != null) {
        c.cancel();
      }
    }

    private void schedule() {
      if (wip.getAndIncrement() != 0) {
        return; // the running pump will see the new state
      }
      if (GatewayExecutors.isWorker()) {
        pump();
        return;
      }
      try {
        transport.executor().execute(this::pump);
      } catch (RejectedExecutionException e) {
        wip.set(0);
        fail(new AiGatewayException(
            transport.provider() + ": the executor rejected the stream", e, false));
        release();
      }
    }

    // ---- The pump: one thread at a time ----

    private void pump() {
      int missed = 1;
      while (true) {
        try {
          step();
        } catch (RuntimeException | Error e) {
          fail(e);
          release();
        }
        missed = wip.addAndGet(-missed);
        if (missed == 0) {
          return;
        }
      }
    }

    /** Reads and delivers while there is demand; returns when there is none, or at the end. */
    private void step() {
      while (!finished) {
        if (cancelled) {
          release();
          return;
        }
        if (invalid) {
          fail(Flows.nonPositiveRequest(invalidDemand));
          release();
          return;
        }
        if (callCancelled) {
          fail(HttpTransport.cancelled());
          release();
          return;
        }
        while (!pending.isEmpty() && take()) {
          deliver(pending.poll());
        }
        if (terminal && pending.isEmpty()) {
          complete(); // without demand, as a completion needs none
          release();
          return;
        }
        if (!pending.isEmpty() || demand.get() == 0) {
          return; // resumes on the next request
        }
        if (!opened && !open()) {
          release();
          return;
        }
        boolean event;
        try {
          event = reader.next();
        } catch (IOException e) {
          if (!cancelled) {
            failIo(e);
          }
          release();
          return;
        } catch (AiGatewayException e) {
          fail(e); // bytes that are not UTF-8, or an event over the size limit
          release();
          return;
        }
        if (event) {
          onEvent(reader.type(), reader.data());
          terminal = events.isComplete();
        } else if (reader.endedInFrame()) {
          fail(truncated(null,
              "in the middle of a " + framing.unit() + ", before its terminal event"));
        } else {
          terminal = endOfBody();
          if (!terminal) {
            fail(truncated(null, "before the answer's finish reason and its terminal event"));
          }
        }
        if (done) {
          release();
          return;
        }
      }
    }

    /** Sends the request; false when it failed (and the failure was signalled). */
    private boolean open() {
      opened = true;
      Request req;
      try {
        req = request.get();
        events = decoder.get();
      } catch (RuntimeException e) {
        fail(e);
        return false;
      }
      redactor = Redactor.forRequest(req, transport.sensitiveHeaders());
      Call c = transport.newStreamCall(req, timeout, connectTimeout, idleTimeout);
      call = c;
      if (cancelled || invalid || callCancelled) {
        c.cancel();
      }
      try {
        response = c.execute();
      } catch (IOException e) {
        if (!cancelled) {
          failIo(e);
        }
        return false;
      }
      if (!response.isSuccessful()) {
        fail(HttpErrors.fromResponse(transport.provider(), response, transport.errorParser(),
            transport.clock(), redactor));
        return false;
      }
      if (!isEventStream(response)) {
        fail(notAStream(response));
        return false;
      }
      reader = framing.open(response.body().source(), transport.provider(),
          transport.maxResponseSize());
      return true;
    }

    private boolean isEventStream(Response response) {
      MediaType type = response.body().contentType();
      return type != null && framing.accepts(type);
    }

    private AiGatewayException notAStream(Response response) {
      String provider = transport.provider();
      String body = HttpErrors.readBody(response);
      // Some servers answer with status 200 and an error body instead of a stream.
      VendorError error = HttpErrors.parseVendorError(body, transport.errorParser());
      if (error != null) {
        return new ProviderUnavailableException(provider, response.code(), error.errorCode(),
            provider + ": HTTP " + response.code() + " carried an error instead of a stream: "
                + HttpErrors.detail(error), null);
      }
      return new MalformedResponseException(provider, response.code(),
          provider + ": expected an event stream but got "
              + HttpErrors.describeBody(HttpErrors.contentType(response), body), null);
    }

    private ProviderUnavailableException truncated(@Nullable Throwable cause, String where) {
      return new ProviderUnavailableException(transport.provider(), 0, "stream_truncated",
          transport.provider() + ": the stream ended " + where + " "
              + (events == null ? "" : events.terminalEvent()), cause);
    }

    /**
     * Frees the connection; once. After a stream that completed, OkHttp reads what is left of the
     * body (within 100 ms) and keeps the connection; after any other end the call is cancelled
     * first, so the connection is dropped at once instead of reading on through a broken,
     * garbled or unwanted body.
     */
    private void release() {
      if (finished) {
        return;
      }
      finished = true;
      pending.clear();
      Cancellation.Registration r = registration;
      if (r != null) {
        r.close();
      }
      Call c = call;
      if (c != null && !completed) {
        c.cancel();
      }
      if (response != null) {
        response.close();
      }
      StreamDecoder d = events;
      if (d != null) {
        try {
          d.close();
        } catch (RuntimeException e) {
          // a decoder's release must not change how the stream ended
        }
      }
      if (c != null) {
        transport.finished(c);
      }
    }

    // ---- The decoder: on the pump ----

    private void onEvent(@Nullable String type, EventData data) {
      if (done || cancelled) {
        return;
      }
      try {
        events.onEvent(type, data, this);
      } catch (AiGatewayException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new MalformedResponseException(transport.provider(), 200,
            transport.provider() + ": could not read a stream event: " + e, e));
      }
    }

    /** The body ended cleanly: whether the answer is whole nonetheless. */
    private boolean endOfBody() {
      if (cancelled) {
        return false;
      }
      try {
        return events.onEndOfBody(this);
      } catch (AiGatewayException e) {
        fail(e);
      } catch (RuntimeException e) {
        fail(new MalformedResponseException(transport.provider(), 200,
            transport.provider() + ": could not finish the stream: " + e, e));
      }
      return false;
    }

    // ---- Sink, for the decoder: on the pump ----

    @Override
    public boolean emit(ChatChunk chunk) {
      if (done || cancelled) {
        return false;
      }
      if (pending.isEmpty() && take()) {
        deliver(chunk);
      } else {
        pending.add(chunk); // a vendor event may carry more chunks than were asked for
      }
      return !cancelled;
    }

    private boolean take() {
      return Flows.takeOne(demand);
    }

    private void deliver(ChatChunk chunk) {
      if (!cancelled) {
        downstream.onNext(chunk);
      }
    }

    private void complete() {
      if (!done) {
        done = true;
        completed = true;
        if (!cancelled) {
          downstream.onComplete();
        }
      }
    }

    private void failIo(IOException e) {
      if (invalid) {
        fail(Flows.nonPositiveRequest(invalidDemand));
        return;
      }
      if (transport.isClosed()) {
        fail(transport.closedError());
        return;
      }
      fail(IoErrors.map(transport.provider(), e, opened && reader != null
          ? IoErrors.Stage.STREAM : IoErrors.Stage.REQUEST, timeout != null, redactor));
    }

    private void fail(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      if (callCancelled && !(error instanceof CancellationException)) {
        // Whatever broke after the attempt was cancelled broke because of it.
        error = HttpTransport.cancelled();
      }
      release(); // the connection is let go before the subscriber hears of the failure
      if (!cancelled) {
        // Every error leaves through here, so this is where credentials are kept out of it.
        downstream.onError(error instanceof AiGatewayException e ? redactor.sanitize(e) : error);
      }
    }
  }
}
