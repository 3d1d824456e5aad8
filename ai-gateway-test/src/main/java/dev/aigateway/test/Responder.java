package dev.aigateway.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.SocketEffect;
import mockwebserver3.SocketHandler;
import okio.BufferedSink;
import okio.Okio;
import okio.Socket;

/**
 * Turns a {@link Reply} into what MockWebServer sends for one request. Plain replies are ordinary
 * bodies. Streams, and every reply that breaks its connection or holds it open, are written raw
 * by a {@link SocketHandler} after MockWebServer wrote the status line and headers: HTTP/1.1
 * chunked framing written here, one HTTP chunk per SSE event, flushed at once, so that a cut can
 * leave out the last chunk and a stall can hold the connection without ending the body.
 */
final class Responder {
  private final CountDownLatch closed;

  /** @param closed counted down when the vendor closes: ends pauses and stalls at once */
  Responder(CountDownLatch closed) {
    this.closed = closed;
  }

  MockResponse respond(Reply reply, ReceivedRequest request, Vendor vendor) {
    Format format = Format.of(vendor);
    Map<String, String> headers = new LinkedHashMap<>();
    MockResponse.Builder b = new MockResponse.Builder().removeHeader("Content-Length");
    return switch (reply.kind) {
      case SILENCE -> b.onResponseStart(SocketEffect.Stall.INSTANCE).build();
      case DISCONNECT -> b.onResponseStart(new SocketEffect.CloseSocket()).build();
      case RAW -> body(b.code(reply.status), reply.contentType, reply.text, reply).build();
      case HTML -> body(b.code(reply.status), "text/html; charset=utf-8", html(reply.status),
          reply).build();
      case ERROR, OVERLOADED -> error(b, format, reply, reply.kind == Reply.Kind.OVERLOADED
          ? format.overloadedStatus() : reply.status, headers);
      case ANSWER -> request.isStream()
          ? stream(b, format, reply, Answer.of(reply, request, vendor))
          : plain(b, format, reply, Answer.of(reply, request, vendor), headers);
    };
  }

  private static MockResponse error(MockResponse.Builder b, Format format, Reply reply,
      int status, Map<String, String> headers) {
    if (reply.retryAfter != null) {
      format.retryAfterHeaders(reply.retryAfter, headers);
    }
    headers.forEach(b::setHeader);
    String body = format.errorBody(status, reply.errorCode, reply.errorMessage, reply.retryAfter);
    return body(b.code(status), "application/json", body, reply).build();
  }

  private MockResponse plain(MockResponse.Builder b, Format format, Reply reply, Answer a,
      Map<String, String> headers) {
    if (reply.fault == Reply.Fault.ERROR_EVENT) {
      return error(b, format, Reply.overloaded(), format.overloadedStatus(), headers);
    }
    byte[] json = format.answer(a).getBytes(StandardCharsets.UTF_8);
    b.code(200).setHeader("Content-Type", "application/json");
    reply.headers.forEach(b::setHeader);
    if (reply.fault == null) {
      return b.body(new okio.Buffer().write(json)).setHeader("Content-Length", json.length)
          .build();
    }
    return switch (reply.fault) {
      case MALFORMED -> {
        byte[] half = java.util.Arrays.copyOf(json, json.length / 2);
        yield b.body(new okio.Buffer().write(half)).setHeader("Content-Length", half.length)
            .build();
      }
      // The framing promises the whole body; half of it comes, then the connection drops.
      case CUT -> b.setHeader("Content-Length", json.length).socketHandler(socket -> {
        try {
          BufferedSink sink = Okio.buffer(socket.getSink());
          sink.write(json, 0, json.length / 2).flush();
          sink.close();
        } catch (IOException e) {
          // the client went away first
        }
      }).build();
      case STALL -> b.setHeader("Content-Length", json.length)
          .socketHandler(this::holdOpen).build();
      default -> throw new AssertionError(reply.fault);
    };
  }

  private MockResponse stream(MockResponse.Builder b, Format format, Reply reply, Answer a) {
    b.code(200).setHeader("Content-Type", "text/event-stream; charset=utf-8")
        .setHeader("Cache-Control", "no-cache").setHeader("Transfer-Encoding", "chunked");
    reply.headers.forEach(b::setHeader);
    Format.StreamPlan plan = format.stream(a, reply.fault == null);
    return b.socketHandler(socket -> writeStream(socket, format, plan, reply)).build();
  }

  private void writeStream(Socket socket, Format format, Format.StreamPlan plan, Reply reply) {
    try {
      BufferedSink sink = Okio.buffer(socket.getSink());
      Reply.Fault fault = reply.fault;
      int count = fault == null ? plan.chunks().size()
          : Math.min(reply.faultAfter, plan.chunks().size());
      boolean writesAnything = fault == null || reply.faultAfter > 0
          || fault == Reply.Fault.MALFORMED || fault == Reply.Fault.ERROR_EVENT;
      if (writesAnything) {
        write(sink, format, plan.prelude());
      }
      for (int i = 0; i < count; i++) {
        if (i > 0 && !pause(reply.pace)) {
          return; // the vendor closed
        }
        write(sink, format, plan.chunks().get(i));
      }
      if (fault == null) {
        write(sink, format, plan.ending());
        sink.writeUtf8("0\r\n\r\n").flush();
        return;
      }
      switch (fault) {
        case CUT -> sink.close(); // no last chunk: the body never ends
        case STALL -> holdOpen(socket);
        case MALFORMED -> {
          write(sink, format, List.of(format.malformedEvent()));
          sink.writeUtf8("0\r\n\r\n").flush();
        }
        case ERROR_EVENT -> {
          write(sink, format, List.of(format.errorEvent()));
          sink.writeUtf8("0\r\n\r\n").flush();
        }
        default -> throw new AssertionError(fault);
      }
    } catch (IOException e) {
      // the client went away first (a cancel, a timeout): nothing more to send
    }
  }

  /** Writes {@code events}, each as one HTTP chunk, and flushes them. */
  private static void write(BufferedSink sink, Format format, List<Format.SseEvent> events)
      throws IOException {
    String end = format.lineEnd();
    for (Format.SseEvent e : events) {
      String text = (e.name() == null ? "" : "event: " + e.name() + end)
          + "data: " + e.data() + end + end;
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      sink.writeHexadecimalUnsignedLong(bytes.length).writeUtf8("\r\n").write(bytes)
          .writeUtf8("\r\n");
    }
    sink.flush();
  }

  /**
   * Sends nothing more and holds the connection until the client closes it (a read then sees its
   * end) or the vendor closes (which closes the socket, failing the read).
   */
  private void holdOpen(Socket socket) {
    try {
      socket.getSink().flush();
      Okio.buffer(socket.getSource()).exhausted();
    } catch (IOException | IllegalStateException e) {
      // closed by either side: the stall is over
    }
  }

  /** Waits {@code pace}; false when the vendor closed meanwhile. */
  private boolean pause(Duration pace) {
    if (pace.isZero()) {
      return closed.getCount() > 0;
    }
    try {
      return !closed.await(pace.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static MockResponse.Builder body(MockResponse.Builder b, String contentType,
      String body, Reply reply) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    b.setHeader("Content-Type", contentType).setHeader("Content-Length", bytes.length)
        .body(new okio.Buffer().write(bytes));
    reply.headers.forEach(b::setHeader);
    return b;
  }

  private static String html(int status) {
    String reason = switch (status) {
      case 400 -> "Bad Request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Temporarily Unavailable";
      case 504 -> "Gateway Time-out";
      default -> "Error";
    };
    String title = status + " " + reason;
    return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>"
        + title + "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  }
}
