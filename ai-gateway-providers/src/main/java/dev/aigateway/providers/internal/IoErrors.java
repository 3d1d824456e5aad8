package dev.aigateway.providers.internal;

import dev.aigateway.api.AiGatewayException;
import dev.aigateway.api.GatewayTimeoutException;
import dev.aigateway.api.ProviderUnavailableException;
import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Maps I/O failures onto the gateway's exceptions. */
public final class IoErrors {
  private IoErrors() {}

  /** Where in the exchange the failure happened. */
  public enum Stage {
    /** Before the response headers arrived. */
    REQUEST,
    /** While reading a plain response's body. */
    BODY,
    /** While reading a stream's events. */
    STREAM
  }

  /**
   * The exception for {@code e}.
   *
   * @param deadline whether the call ran under a total deadline, which OkHttp reports as an
   *     {@link InterruptedIOException} saying "timeout"
   */
  public static AiGatewayException map(
      String provider, IOException e, Stage stage, boolean deadline, Redactor redactor) {
    String what = redactor.scrub(describe(e));
    if (e instanceof SocketTimeoutException) {
      String m = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      if (m.contains("connect")) {
        return new GatewayTimeoutException(provider, GatewayTimeoutException.Phase.CONNECT,
            provider + ": connecting timed out (" + what + ")", e);
      }
      GatewayTimeoutException.Phase phase = stage == Stage.STREAM
          ? GatewayTimeoutException.Phase.IDLE : GatewayTimeoutException.Phase.FIRST_CHUNK;
      return new GatewayTimeoutException(provider, phase, provider + ": no data within the read"
          + " timeout" + (stage == Stage.STREAM ? " while streaming" : "") + " (" + what + ")", e);
    }
    if (e instanceof InterruptedIOException && deadline) {
      return new GatewayTimeoutException(provider, GatewayTimeoutException.Phase.DEADLINE,
          provider + ": the request's timeout passed (" + what + ")", e);
    }
    String code;
    String message;
    if (e instanceof UnknownHostException) {
      code = "unknown_host";
      message = "cannot resolve the host";
    } else if (e instanceof ConnectException || e instanceof NoRouteToHostException) {
      code = "connect_failed";
      message = "cannot connect";
    } else if (e instanceof SSLException) {
      code = "tls_failed";
      message = "TLS failed";
    } else if (stage == Stage.STREAM && endedEarly(e)) {
      // A chunked body without its last chunk, or one shorter than its Content-Length: the
      // connection closed in the middle, which is a cut, however cleanly it closed.
      code = "stream_truncated";
      message = "the stream ended before its body was complete";
    } else if (stage == Stage.STREAM) {
      code = "stream_interrupted";
      message = "the stream broke off before its end";
    } else if (stage == Stage.BODY) {
      code = "body_interrupted";
      message = "the response body broke off";
    } else {
      code = "connection_failed";
      message = "the connection failed";
    }
    return new ProviderUnavailableException(provider, 0, code,
        provider + ": " + message + " (" + what + ")", e);
  }

  /** Whether OkHttp says the body ended before its HTTP framing did. */
  private static boolean endedEarly(IOException e) {
    return e instanceof EOFException || e instanceof ProtocolException
        && String.valueOf(e.getMessage()).contains("unexpected end of stream");
  }

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }
}
