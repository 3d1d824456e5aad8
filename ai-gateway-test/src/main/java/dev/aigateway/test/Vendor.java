package dev.aigateway.test;

import org.jspecify.annotations.Nullable;

/**
 * The wire formats a {@link FakeVendor} speaks. It tells them apart by the path a request was
 * posted to, the one each vendor's API (and each adapter of {@code ai-gateway-providers}) uses:
 *
 * <table>
 *   <caption>Paths and base URLs</caption>
 *   <tr><th>vendor</th><th>path</th><th>{@link FakeVendor#baseUrl(Vendor)}, for the adapter's
 *       {@code baseUrl(...)}</th></tr>
 *   <tr><td>{@link #OPENAI} (and every OpenAI-compatible server)</td>
 *       <td>{@code POST .../chat/completions}</td><td>{@code http://127.0.0.1:port/v1}</td></tr>
 *   <tr><td>{@link #AZURE}</td>
 *       <td>{@code POST /openai/deployments/{deployment}/chat/completions?api-version=...}, or
 *       {@code /openai/v1/chat/completions}</td><td>{@code http://127.0.0.1:port} (the resource
 *       endpoint)</td></tr>
 *   <tr><td>{@link #ANTHROPIC}</td><td>{@code POST .../v1/messages}; also Claude on Vertex
 *       AI's {@code /v1/projects/{p}/locations/{l}/publishers/anthropic/models/{model}:rawPredict}
 *       and {@code :streamRawPredict} (the model is in the path, the bearer token in
 *       {@link ReceivedRequest#header})</td>
 *       <td>{@code http://127.0.0.1:port}</td></tr>
 *   <tr><td>{@link #GEMINI}</td><td>{@code POST .../models/{model}:generateContent}, and
 *       {@code :streamGenerateContent?alt=sse}; also Vertex AI's
 *       {@code /v1/projects/{p}/locations/{l}/publishers/google/models/{model}:generateContent}
 *       (its {@code Authorization} bearer token is in {@link ReceivedRequest#header})</td>
 *       <td>{@code http://127.0.0.1:port}</td></tr>
 * </table>
 *
 * <p>Azure OpenAI speaks OpenAI's format; it is a vendor of its own here because its paths, its
 * {@code api-key} header and its model (the deployment) differ.
 */
public enum Vendor {
  /** OpenAI's Chat Completions, also spoken by the OpenAI-compatible servers. */
  OPENAI("/v1"),
  /** Azure OpenAI: OpenAI's format on Azure's paths. */
  AZURE(""),
  /** Anthropic's Messages API. */
  ANTHROPIC(""),
  /** Google's Gemini API ({@code generateContent}). */
  GEMINI("");

  private final String basePath;

  Vendor(String basePath) {
    this.basePath = basePath;
  }

  /** What {@link FakeVendor#baseUrl(Vendor)} adds to the server's root. */
  String basePath() {
    return basePath;
  }

  /** The vendor whose API {@code path} (without its query) belongs to, or null for none. */
  static @Nullable Vendor ofPath(String path) {
    if (path.endsWith("/chat/completions")) {
      return path.startsWith("/openai/") ? AZURE : OPENAI;
    }
    if (path.endsWith("/v1/messages")) {
      return ANTHROPIC;
    }
    int models = path.lastIndexOf("/models/");
    if (models >= 0 && path.contains("/publishers/anthropic/")
        && (path.endsWith(":rawPredict") || path.endsWith(":streamRawPredict"))) {
      return ANTHROPIC;
    }
    if (models >= 0 && (path.endsWith(":generateContent")
        || path.endsWith(":streamGenerateContent"))) {
      return GEMINI;
    }
    return null;
  }
}
