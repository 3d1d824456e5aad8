package dev.aigateway.providers.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.providers.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import mockwebserver3.MockResponse;
import mockwebserver3.MockResponseBody;
import mockwebserver3.RecordedRequest;
import okio.Buffer;
import okio.BufferedSink;
import okio.Okio;

/** Helpers to serve vendor transcripts from MockWebServer and to read what the adapter sent. */
public final class Wire {
  private Wire() {}

  /**
   * An attempt whose idle timeout is 10 s, so that a test that goes wrong fails in seconds rather
   * than waiting out the 10 min default of a plain call.
   */
  public static final AttemptContext FAIL_FAST =
      AttemptContext.of(null, null, null, Duration.ofSeconds(10), 0);

  /** A JSON reply with {@code status}. */
  public static MockResponse json(int status, String body) {
    return new MockResponse.Builder().code(status)
        .setHeader("Content-Type", "application/json").body(body).build();
  }

  /**
   * An SSE reply whose body is the given events, each a complete event without its closing blank
   * line (for example {@code "event: ping\ndata: {}"}), sent in 64-byte chunks.
   */
  public static MockResponse sse(List<String> events) {
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "text/event-stream")
        .chunkedBody(new Buffer().writeUtf8(join(events)), 64).build();
  }

  /** The events as one SSE body: each followed by a blank line, LF line endings. */
  public static String join(List<String> events) {
    StringBuilder sb = new StringBuilder();
    for (String e : events) {
      sb.append(e).append("\n\n");
    }
    return sb.toString();
  }

  /** {@code data: <payload>} events with no name, as OpenAI and Gemini send them. */
  public static List<String> dataEvents(String... payloads) {
    return java.util.Arrays.stream(payloads).map(p -> "data: " + p).toList();
  }

  /**
   * A reply that sends {@code firstBytes} (possibly empty: headers only), counts {@code sent}
   * down, and then holds the connection open, counting {@code clientClosed} down when the client
   * closes it. The server reads the socket to notice: a read sees end of stream the moment the
   * client closes, whatever the timing.
   */
  public static MockResponse heldOpen(
      String contentType, String firstBytes, CountDownLatch sent, CountDownLatch clientClosed) {
    return heldOpen(contentType, firstBytes.getBytes(StandardCharsets.UTF_8), sent, clientClosed);
  }

  /** {@link #heldOpen(String, String, CountDownLatch, CountDownLatch)} with bytes to send first. */
  public static MockResponse heldOpen(
      String contentType, byte[] firstBytes, CountDownLatch sent, CountDownLatch clientClosed) {
    return new MockResponse.Builder()
        .setHeader("Content-Type", contentType)
        .removeHeader("Content-Length")
        .socketHandler(socket -> {
          try {
            BufferedSink sink = Okio.buffer(socket.getSink());
            sink.write(firstBytes).flush();
            sent.countDown();
            if (Okio.buffer(socket.getSource()).exhausted()) {
              clientClosed.countDown();
            }
          } catch (IOException e) {
            clientClosed.countDown(); // reset by the client: closed too
          }
        })
        .build();
  }

  /**
   * A reply whose body is {@code body} but whose framing promises more: chunked (in 64-byte
   * chunks) without the last, empty chunk, or with a {@code Content-Length} 100 bytes longer.
   * The server then closes the connection, so the client sees the body end early.
   */
  public static MockResponse cutShort(String contentType, byte[] body, boolean chunked) {
    Buffer framed = new Buffer();
    if (chunked) {
      for (int i = 0; i < body.length; i += 64) {
        int n = Math.min(64, body.length - i);
        framed.writeHexadecimalUnsignedLong(n).writeUtf8("\r\n").write(body, i, n)
            .writeUtf8("\r\n");
      }
    } else {
      framed.write(body);
    }
    // The body is written raw, past MockWebServer, which would finish a chunked body itself.
    return new MockResponse.Builder().code(200)
        .setHeader("Content-Type", contentType)
        .removeHeader("Content-Length")
        .setHeader(chunked ? "Transfer-Encoding" : "Content-Length",
            chunked ? "chunked" : String.valueOf(body.length + 100))
        .socketHandler(socket -> {
          try (BufferedSink sink = Okio.buffer(socket.getSink())) {
            sink.writeAll(framed);
          } catch (IOException e) {
            // the client went away first
          }
        })
        .build();
  }

  /**
   * A reply of {@code status} whose body is {@code length} bytes: {@code start}, then
   * {@code filler} over and over. The bytes are made as they are sent, so that neither the
   * server nor the test holds the body; chunked (in 64 KiB chunks) or with a
   * {@code Content-Length}.
   */
  public static MockResponse large(int status, String contentType, long length, boolean chunked,
      byte[] start, byte[] filler) {
    MockResponse.Builder b = new MockResponse.Builder().code(status)
        .setHeader("Content-Type", contentType);
    MockResponseBody body = new MockResponseBody() {
      @Override
      public long getContentLength() {
        return chunked ? -1 : length;
      }

      @Override
      public void writeTo(BufferedSink sink) throws IOException {
        byte[] block = new byte[64 * 1024];
        long at = 0;
        while (at < length) {
          int n = (int) Math.min(block.length, length - at);
          for (int i = 0; i < n; i++) {
            long p = at + i;
            block[i] = p < start.length ? start[(int) p]
                : filler[(int) ((p - start.length) % filler.length)];
          }
          if (chunked) {
            sink.writeHexadecimalUnsignedLong(n).writeUtf8("\r\n");
          }
          sink.write(block, 0, n);
          if (chunked) {
            sink.writeUtf8("\r\n");
          }
          at += n;
        }
        if (chunked) {
          sink.writeUtf8("0\r\n\r\n");
        }
      }
    };
    b.body(body);
    if (chunked) {
      b.removeHeader("Content-Length").setHeader("Transfer-Encoding", "chunked");
    }
    return b.build();
  }

  /** {@code n} bytes from a seeded random source: garbage, the same every run. */
  public static byte[] garbage(int n) {
    byte[] bytes = new byte[n];
    new java.util.Random(42).nextBytes(bytes);
    return bytes;
  }

  /** The JSON body the adapter sent. */
  public static JsonNode body(RecordedRequest request) {
    return tree(request.getBody().utf8());
  }

  /** {@code json} parsed. */
  public static JsonNode tree(String json) {
    try {
      return Json.parse(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
