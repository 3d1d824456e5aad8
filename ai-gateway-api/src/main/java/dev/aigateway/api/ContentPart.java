package dev.aigateway.api;

import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One piece of a message's content: text, an image given by URL or by its bytes, or the model's
 * reasoning.
 *
 * <p>All parts are immutable and validated when created.
 */
public sealed interface ContentPart permits ContentPart.Text, ContentPart.ImageUrl,
    ContentPart.Image, ContentPart.Reasoning {

  /** A text part. */
  static Text text(String text) {
    return new Text(text);
  }

  /**
   * An image the vendor fetches itself. {@code url} is an {@code http(s)} URL, a {@code data:}
   * URL, or a vendor file URI such as {@code gs://…}; adapters whose vendor cannot fetch by URL
   * say so in their documentation.
   */
  static ImageUrl imageUrl(String url) {
    return new ImageUrl(url);
  }

  /** An image sent inline. {@code mediaType} is its MIME type, such as {@code image/png}. */
  static Image image(byte[] data, String mediaType) {
    return new Image(data, mediaType);
  }

  /** Reasoning text that carries no vendor state, as OpenAI-compatible vendors return it. */
  static Reasoning reasoning(String text) {
    return new Reasoning(text, null, false);
  }

  /**
   * Reasoning as a vendor signed it: {@code signature} is the vendor's opaque value, sent back
   * unchanged on the next turn, and only to the wire format that produced it.
   */
  static Reasoning reasoning(String text, ReasoningSignature signature) {
    return new Reasoning(text, Checks.requireNonNull(signature, "signature"), false);
  }

  /**
   * Reasoning the vendor returned encrypted (Anthropic's {@code redacted_thinking}): no text, and
   * {@code data} (the signature's value) is sent back unchanged.
   */
  static Reasoning redactedReasoning(ReasoningSignature data) {
    return new Reasoning("", Checks.requireNonNull(data, "data"), true);
  }

  /**
   * The model's reasoning (its "thinking"), kept apart from the answer: {@link Message#text()}
   * leaves it out and {@link Message#reasoning()} joins it.
   *
   * <p>Adapters send a reasoning part back to the vendor only when it carries a
   * {@link #signature()} whose {@link ReasoningSignature#format() format} is the adapter's own
   * wire format; reasoning from another vendor (a failover mid-conversation), and reasoning
   * without a signature, is left out of the request, since vendors reject state they did not sign
   * and none needs unsigned reasoning back.
   *
   * @param text the reasoning text; never null, empty for a redacted or a signature-only part
   * @param signature what the vendor requires back, or null when it requires nothing
   * @param redacted whether the vendor returned this reasoning encrypted; then {@code text} is
   *     empty and the signature's value is the encrypted data
   */
  record Reasoning(String text, @Nullable ReasoningSignature signature, boolean redacted)
      implements ContentPart {
    /** Rejects a null text, and a redacted part with text or without data. */
    public Reasoning {
      Checks.requireNonNull(text, "text");
      if (redacted && (signature == null || !text.isEmpty())) {
        throw new IllegalArgumentException("redacted reasoning has data and no text");
      }
    }

    /** Whether this part goes back on a request in wire format {@code format}. */
    public boolean signedFor(String format) {
      return signature != null && signature.format().equals(format);
    }

    @Override
    public String toString() {
      return "Reasoning[" + text.length() + " chars"
          + (signature == null ? "" : ", signed by " + signature.format())
          + (redacted ? ", redacted" : "") + "]";
    }
  }

  /** Text content. {@code text} is never null, but may be empty. */
  record Text(String text) implements ContentPart {
    /** Rejects a null text. */
    public Text {
      Checks.requireNonNull(text, "text");
    }
  }

  /** An image referenced by URL. */
  record ImageUrl(String url) implements ContentPart {
    /** Rejects a null or blank URL. */
    public ImageUrl {
      Checks.requireNonBlank(url, "url");
    }
  }

  /**
   * An image carried as bytes. The bytes are copied in, and {@link #data()} hands out a copy, so
   * an instance can never change.
   */
  final class Image implements ContentPart {
    private final byte[] data;
    private final String mediaType;

    Image(byte[] data, String mediaType) {
      Checks.requireNonNull(data, "data");
      if (data.length == 0) {
        throw new IllegalArgumentException("data must not be empty");
      }
      Checks.requireNonBlank(mediaType, "mediaType");
      if (!mediaType.toLowerCase(Locale.ROOT).startsWith("image/")) {
        throw new IllegalArgumentException(
            "mediaType must be an image type such as image/png but was " + mediaType);
      }
      this.data = data.clone();
      this.mediaType = mediaType;
    }

    /** A copy of the image bytes. */
    public byte[] data() {
      return data.clone();
    }

    /** The image bytes' length. */
    public int size() {
      return data.length;
    }

    /** The MIME type, such as {@code image/png}. */
    public String mediaType() {
      return mediaType;
    }

    /** The bytes in standard Base64, as most vendors want them on the wire. */
    public String base64() {
      return Base64.getEncoder().encodeToString(data);
    }

    @Override
    public boolean equals(@Nullable Object o) {
      return o instanceof Image other
          && mediaType.equals(other.mediaType)
          && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
      return 31 * mediaType.hashCode() + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Image[mediaType=" + mediaType + ", " + data.length + " bytes]";
    }
  }
}
