package dev.aigateway.providers.openai;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.providers.internal.HttpProviderBuilder;
import dev.aigateway.providers.internal.HttpSettings;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * The adapter for OpenAI's Chat Completions API ({@code POST {baseUrl}/chat/completions}), and for
 * any server that speaks it (see {@link OpenAiCompatible} for presets).
 *
 * <pre>{@code
 * OpenAiProvider openai = OpenAiProvider.builder()
 *     .apiKey(Secret.env("OPENAI_API_KEY"))
 *     .build();                                   // id "openai", https://api.openai.com/v1
 * }</pre>
 *
 * <p>It authenticates with {@code Authorization: Bearer <key>} (no header when no key is set,
 * for local servers), and sends {@code OpenAI-Organization} and {@code OpenAI-Project} when set.
 * Streams ask for usage with {@code stream_options.include_usage}. See {@link ChatCompletions}
 * for how requests and replies are mapped.
 *
 * <p>Thread safe. Closing it aborts its calls in flight.
 */
public final class OpenAiProvider extends ChatCompletionsProvider {
  /** The default id. */
  public static final String DEFAULT_ID = "openai";
  /** The default base URL, as in OpenAI's SDKs. */
  public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";

  private final HttpUrl endpoint;
  private final String organization;
  private final String project;

  private OpenAiProvider(Builder b, HttpSettings settings) {
    super(settings, b.dialect);
    this.endpoint = settings.endpoint("chat/completions");
    this.organization = b.organization;
    this.project = b.project;
  }

  /** A builder with OpenAI's defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The URL requests are posted to. */
  public HttpUrl endpoint() {
    return endpoint;
  }

  @Override
  protected HttpUrl url(ChatRequest request, boolean stream) {
    return endpoint;
  }

  @Override
  protected void addHeaders(Request.Builder b) {
    if (settings.apiKey() != null) {
      b.header("Authorization", "Bearer " + settings.revealApiKey());
    }
    if (organization != null) {
      b.header("OpenAI-Organization", organization);
    }
    if (project != null) {
      b.header("OpenAI-Project", project);
    }
  }

  @Override
  public String toString() {
    return "OpenAiProvider[id=" + settings.id() + ", endpoint=" + endpoint + ", apiKey="
        + settings.apiKey() + "]";
  }

  /** Builds an {@link OpenAiProvider}. Not thread safe. */
  public static final class Builder extends HttpProviderBuilder<Builder> {
    private String organization;
    private String project;
    private ChatCompletions.Dialect dialect = ChatCompletions.Dialect.OPENAI;

    Builder() {
      super(DEFAULT_ID, DEFAULT_BASE_URL);
    }

    @Override
    protected Builder self() {
      return this;
    }

    /** Sends {@code OpenAI-Organization}. */
    public Builder organization(String organization) {
      this.organization = requireNonBlank(organization, "organization");
      return this;
    }

    /** Sends {@code OpenAI-Project}. */
    public Builder project(String project) {
      this.project = requireNonBlank(project, "project");
      return this;
    }

    /**
     * The server's field names, where they differ from OpenAI's; the presets in
     * {@link OpenAiCompatible} set it.
     */
    public Builder dialect(ChatCompletions.Dialect dialect) {
      this.dialect = Objects.requireNonNull(dialect, "dialect");
      return this;
    }

    /**
     * Validates and builds.
     *
     * @throws IllegalArgumentException naming the setting that is invalid
     */
    public OpenAiProvider build() {
      return new OpenAiProvider(this, settings());
    }

  }
}
