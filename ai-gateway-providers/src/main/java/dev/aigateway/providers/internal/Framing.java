package dev.aigateway.providers.internal;

import java.util.Locale;
import okhttp3.MediaType;
import okio.BufferedSource;

/**
 * How a stream's body is cut into events: SSE ({@link #SSE}, the gateway's own {@link SseReader}),
 * newline-delimited JSON ({@link #NDJSON}), or a vendor's own framing, such as the AWS event
 * stream. A {@link HttpChatProvider.Vendor}
 * chooses one; {@link SseStream} reads through it one event per demand. Implementations must be
 * thread safe; the readers they open are used by one thread at a time.
 */
public interface Framing {
  /** Server-sent events, {@code text/event-stream}. */
  Framing SSE = new Framing() {
    @Override
    public String accept() {
      return "text/event-stream";
    }

    @Override
    public boolean accepts(MediaType type) {
      return type.type().equals("text")
          && type.subtype().toLowerCase(Locale.ROOT).equals("event-stream");
    }

    @Override
    public FrameReader open(BufferedSource body, String provider, long maxFrameSize) {
      return new SseReader(body, provider, maxFrameSize);
    }

    @Override
    public String unit() {
      return "line";
    }

    @Override
    public String toString() {
      return "Framing.SSE";
    }
  };

  /**
   * Newline-delimited JSON ({@code application/x-ndjson}; JSON Lines types are accepted too): one
   * JSON value per line, for servers that stream that way (Ollama's native API, for one). See
   * {@link NdjsonReader}.
   */
  Framing NDJSON = new Framing() {
    @Override
    public String accept() {
      return "application/x-ndjson";
    }

    @Override
    public boolean accepts(MediaType type) {
      String subtype = type.subtype().toLowerCase(Locale.ROOT);
      return type.type().equals("application")
          && (subtype.equals("x-ndjson") || subtype.equals("ndjson") || subtype.equals("jsonl")
              || subtype.equals("x-jsonlines"));
    }

    @Override
    public FrameReader open(BufferedSource body, String provider, long maxFrameSize) {
      return new NdjsonReader(body, provider, maxFrameSize);
    }

    @Override
    public String unit() {
      return "line";
    }

    @Override
    public String toString() {
      return "Framing.NDJSON";
    }
  };

  /** The {@code Accept} header a stream request sends. */
  String accept();

  /** Whether a successful reply of this content type is a stream in this framing. */
  boolean accepts(MediaType type);

  /**
   * A reader of {@code body}'s frames.
   *
   * @param maxFrameSize the most bytes one frame may have; a larger one fails the stream with a
   *     {@link dev.aigateway.api.ProviderException} coded {@code response_too_large}
   */
  FrameReader open(BufferedSource body, String provider, long maxFrameSize);

  /** What a body that ends inside a frame ended in the middle of, for the error message. */
  String unit();

  /**
   * A pull reader of frames: each {@link #next()} reads as much of the body as one frame needs,
   * no more. Not thread safe.
   */
  interface FrameReader {
    /**
     * Reads the next frame.
     *
     * @return false at the end of the body
     * @throws java.io.IOException when reading fails (a broken connection, a timeout)
     * @throws dev.aigateway.api.AiGatewayException when the bytes are not a valid frame (a
     *     {@link dev.aigateway.api.MalformedResponseException}) or a frame is too large
     */
    boolean next() throws java.io.IOException;

    /** The last frame's event type, or null when it had none. */
    @org.jspecify.annotations.Nullable String type();

    /** The last frame's payload, valid until the next {@link #next()}. */
    EventData data();

    /** After {@link #next()} returned false: whether the body ended inside a frame. */
    boolean endedInFrame();
  }
}
