package dev.aigateway.providers.rescue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aigateway.providers.conformance.Wire;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 vendor on plain sockets, for what MockWebServer cannot do: accept a request
 * and never send a byte, and tell the test the moment the client closes its connection (a read
 * of the socket returns -1 or fails). Each connection gets its own thread, which reads one
 * request, records it and hands it to the {@link Script}; the connection is closed when the
 * script returns.
 */
final class RawVendor implements AutoCloseable {
  /** What the vendor does with one request. */
  @FunctionalInterface
  interface Script {
    void serve(Exchange exchange) throws IOException, InterruptedException;
  }

  private final ServerSocket server;
  private final Script script;
  private final Thread acceptor;
  private final AtomicInteger connections = new AtomicInteger();
  private final List<Exchange> exchanges = new CopyOnWriteArrayList<>();
  private final BlockingQueue<Exchange> arrived = new LinkedBlockingQueue<>();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  private RawVendor(Script script) throws IOException {
    this.script = script;
    this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    this.acceptor = new Thread(this::accept, "raw-vendor-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A vendor that serves every request with {@code script}. */
  static RawVendor start(Script script) throws IOException {
    return new RawVendor(script);
  }

  /** The base URL, {@code http://127.0.0.1:<port>}, with {@code path} appended. */
  String url(String path) {
    return "http://" + server.getInetAddress().getHostAddress() + ":" + server.getLocalPort()
        + path;
  }

  /** How many connections were accepted. */
  int connectionCount() {
    return connections.get();
  }

  /** How many requests were read. */
  int requestCount() {
    return exchanges.size();
  }

  /** The next request to arrive, waiting at most {@code timeout}; null if none came. */
  Exchange takeExchange(Duration timeout) throws InterruptedException {
    return arrived.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
  }

  private void accept() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      connections.incrementAndGet();
      sockets.add(socket);
      Thread t = new Thread(() -> serve(socket), "raw-vendor-" + server.getLocalPort() + "-"
          + connections.get());
      t.setDaemon(true);
      threads.add(t);
      t.start();
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      Exchange exchange = Exchange.read(socket, in);
      if (exchange == null) {
        return; // the client closed before sending a whole request
      }
      exchanges.add(exchange);
      arrived.add(exchange);
      script.serve(exchange);
    } catch (IOException | InterruptedException e) {
      // the client or the test went away
    }
  }

  @Override
  public void close() throws Exception {
    closed = true;
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    acceptor.join(5_000);
    for (Thread t : threads) {
      t.join(5_000);
    }
  }

  /** One request, and the means to answer it and to watch its connection. */
  static final class Exchange {
    final String requestLine;
    final String body;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final CountDownLatch clientClosed = new CountDownLatch(1);
    private final CountDownLatch headersSent = new CountDownLatch(1);

    private Exchange(String requestLine, String body, Socket socket, InputStream in)
        throws IOException {
      this.requestLine = requestLine;
      this.body = body;
      this.socket = socket;
      this.in = in;
      this.out = socket.getOutputStream();
    }

    /** Reads a request with a {@code Content-Length} body; null at end of stream. */
    static Exchange read(Socket socket, InputStream in) throws IOException {
      String requestLine = line(in);
      if (requestLine == null) {
        return null;
      }
      int length = 0;
      String header;
      while ((header = line(in)) != null && !header.isEmpty()) {
        int colon = header.indexOf(':');
        String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
        String value = header.substring(colon + 1).trim();
        if (name.equals("content-length")) {
          length = Integer.parseInt(value);
        } else if (name.equals("transfer-encoding")) {
          throw new IOException("a chunked request body is not supported here: " + value);
        }
      }
      if (header == null) {
        return null;
      }
      byte[] body = in.readNBytes(length);
      if (body.length < length) {
        return null;
      }
      return new Exchange(requestLine, new String(body, StandardCharsets.UTF_8), socket, in);
    }

    private static String line(InputStream in) throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          String s = line.toString(StandardCharsets.ISO_8859_1);
          return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
        }
        line.write(b);
      }
      return null;
    }

    /** The request body as JSON. */
    JsonNode json() {
      return Wire.tree(body);
    }

    /** Sends a 200 with {@code contentType} and a chunked body to come. */
    void sendHeaders(String contentType) throws IOException {
      send(("HTTP/1.1 200 OK\r\nContent-Type: " + contentType
          + "\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      headersSent.countDown();
    }

    /** Sends {@code text} as one chunk of the body. */
    void sendChunk(String text) throws IOException {
      byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
      ByteArrayOutputStream chunk = new ByteArrayOutputStream(bytes.length + 16);
      chunk.writeBytes((Integer.toHexString(bytes.length) + "\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      chunk.writeBytes(bytes);
      chunk.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
      send(chunk.toByteArray());
    }

    /**
     * Writes {@code bytes}. A write fails only when the client has closed (or reset) the
     * connection, possibly before it read all that was sent: that is its close too.
     */
    private void send(byte[] bytes) throws IOException {
      try {
        out.write(bytes);
        out.flush();
      } catch (IOException e) {
        clientClosed.countDown();
        throw e;
      }
    }

    /**
     * Reads the connection until the client closes it (the read returns -1, or fails when the
     * client resets it), then records the close. Blocks for as long as the client keeps it open.
     */
    void awaitClientClose() {
      try {
        while (in.read() != -1) {
          // the client sends nothing more on this connection; whatever comes is ignored
        }
      } catch (IOException e) {
        // reset: closed too
      }
      clientClosed.countDown();
    }

    /** Whether the client closed the connection within {@code timeout}. */
    boolean closedWithin(Duration timeout) throws InterruptedException {
      return clientClosed.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Whether the client has closed the connection by now. */
    boolean isClosed() {
      return clientClosed.getCount() == 0;
    }

    /** Whether the response headers were sent within {@code timeout}. */
    boolean headersSentWithin(Duration timeout) throws InterruptedException {
      return headersSent.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public String toString() {
      return requestLine + " from " + socket.getRemoteSocketAddress();
    }
  }
}
