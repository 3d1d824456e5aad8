package dev.aigateway.providers.internal;

import dev.aigateway.api.InvalidRequestException;
import dev.aigateway.providers.auth.TokenSupplier;
import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import okhttp3.HttpUrl;
import okhttp3.Request;
import org.jspecify.annotations.Nullable;

/**
 * Where and as whom a Vertex AI adapter calls, and the rules every Vertex adapter shares
 * (Gemini's {@code generateContent} and Anthropic's {@code rawPredict} alike): the project, the
 * location and its host, the API version, the model's resource path under one publisher, the
 * OAuth bearer token (kept and refreshed by a {@link TokenCache}) and the quota project. A
 * builder collects the settings in {@link Options}. Immutable and thread safe; the token appears
 * in no {@link #toString()}.
 */
public final class VertexTarget {
  /** Google's global location, served from {@code aiplatform.googleapis.com}. */
  public static final String GLOBAL = "global";
  /** The environment variable that gives the project when a builder has none. */
  public static final String PROJECT_VARIABLE = "GOOGLE_CLOUD_PROJECT";
  /** The environment variable that gives the location when a builder has none. */
  public static final String LOCATION_VARIABLE = "GOOGLE_CLOUD_LOCATION";

  private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9._-]+");
  /** A model id: Anthropic's carry their version after {@code @} (claude-sonnet-4-5@20250929). */
  private static final Pattern MODEL = Pattern.compile("[A-Za-z0-9._-]+(@[A-Za-z0-9._-]+)?");
  private static final Pattern RESOURCE =
      Pattern.compile("projects/[A-Za-z0-9._-]+(/[A-Za-z0-9._@-]+)+");

  private final HttpSettings settings;
  private final String project;
  private final String location;
  private final String apiVersion;
  private final @Nullable String quotaProject;
  private final TokenCache tokens;

  private VertexTarget(Options o, HttpSettings settings, String project, String location,
      TokenSupplier supplier) {
    this.settings = settings;
    this.project = project;
    this.location = location;
    this.apiVersion = o.apiVersion;
    this.quotaProject = o.quotaProject;
    this.tokens = new TokenCache(settings.id(), supplier, o.tokenRefreshMargin, settings.clock());
  }

  /** The base URL Google serves {@code location} from. */
  public static String baseUrlFor(String location) {
    return GLOBAL.equals(location) ? "https://aiplatform.googleapis.com"
        : "https://" + location + "-aiplatform.googleapis.com";
  }

  /** The provider's settings (its id, base URL, client and clock). */
  public HttpSettings settings() {
    return settings;
  }

  /**
   * The URL of {@code method} on {@code model}: {@code {baseUrl}/{apiVersion}/{resource}:{method}},
   * with {@code ?alt=sse} when {@code sse}.
   *
   * @param publisher the publisher whose models this adapter speaks to ({@code google},
   *     {@code anthropic})
   * @param example a model name of that publisher, for the error message
   * @throws InvalidRequestException when the model is blank, is another publisher's, or is not a
   *     model name, a publisher path ({@code publishers/{publisher}/models/{model}}) or a resource
   *     name under the configured project
   */
  public HttpUrl url(String model, String publisher, String example, String method,
      boolean sse) {
    HttpUrl url = settings.endpoint(apiVersion + "/" + resource(model, publisher, example) + ":"
        + method);
    return sse ? url.newBuilder().addQueryParameter("alt", "sse").build() : url;
  }

  private String resource(String model, String publisher, String example) {
    String m = model == null ? "" : model.strip();
    if (m.startsWith("projects/")) {
      if (!RESOURCE.matcher(m).matches() || !m.startsWith("projects/" + project + "/")) {
        throw invalidModel(model, "a resource name under projects/" + project);
      }
      return m;
    }
    String under = "projects/" + project + "/locations/" + location + "/";
    if (m.startsWith("publishers/")) {
      String[] parts = m.split("/", -1);
      if (parts.length != 4 || !parts[2].equals("models") || !SEGMENT.matcher(parts[1]).matches()
          || !MODEL.matcher(parts[3]).matches()) {
        throw invalidModel(model, "publishers/" + publisher + "/models/" + example);
      }
      if (!parts[1].equals(publisher)) {
        throw new InvalidRequestException(settings.id(), 0, "invalid_model", settings.id() + ": '"
            + model + "' is a model of the publisher '" + parts[1] + "', and this adapter speaks"
            + " to " + publisher + "'s models only" + otherAdapter(parts[1]), null);
      }
      return under + m;
    }
    if (m.startsWith("models/")) {
      m = m.substring("models/".length());
    }
    if (!MODEL.matcher(m).matches()) {
      throw invalidModel(model, example);
    }
    return under + "publishers/" + publisher + "/models/" + m;
  }

  private static String otherAdapter(String publisher) {
    return switch (publisher) {
      case "google" -> " (Gemini on Vertex AI is VertexAiProvider)";
      case "anthropic" -> " (Claude on Vertex AI is AnthropicVertexProvider)";
      default -> "";
    };
  }

  private InvalidRequestException invalidModel(String model, String example) {
    return new InvalidRequestException(settings.id(), 0, "invalid_model",
        settings.id() + ": '" + model + "' is not a Vertex AI model such as " + example, null);
  }

  /** Adds {@code Authorization: Bearer} with a current token, and the quota project if any. */
  public void addHeaders(Request.Builder b) {
    b.header("Authorization", "Bearer " + tokens.current());
    if (quotaProject != null) {
      b.header("x-goog-user-project", quotaProject);
    }
  }

  /** The target without its token, for a provider's {@code toString()}. */
  @Override
  public String toString() {
    return "baseUrl=" + settings.baseUrl() + ", project=" + project + ", location=" + location
        + ", apiVersion=" + apiVersion + (quotaProject != null ? ", quotaProject=" + quotaProject
        : "") + ", auth=token supplier";
  }

  /**
   * The Vertex settings a provider's builder collects, each checked when it is set. Not thread
   * safe.
   */
  public static final class Options {
    private @Nullable String baseUrl;
    private @Nullable String project;
    private @Nullable String location;
    private String apiVersion = "v1";
    private @Nullable String quotaProject;
    private @Nullable TokenSupplier tokenSupplier;
    private Duration tokenRefreshMargin = Duration.ofMinutes(5);

    /** Options with the defaults: API version {@code v1}, a 5 minute refresh margin. */
    public Options() {}

    /** The project id; {@link IllegalArgumentException} when not a single path segment. */
    public void project(String project) {
      this.project = segment(project, "project", "my-project");
    }

    /** The location; {@link IllegalArgumentException} when not a single path segment. */
    public void location(String location) {
      this.location = segment(location, "location", "us-central1");
    }

    /** The base URL instead of the location's host. */
    public void baseUrl(String baseUrl) {
      this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
    }

    /** The API version; {@link IllegalArgumentException} when not a single path segment. */
    public void apiVersion(String apiVersion) {
      this.apiVersion = segment(apiVersion, "apiVersion", "v1");
    }

    /** The token source. */
    public void tokenSupplier(TokenSupplier supplier) {
      this.tokenSupplier = Objects.requireNonNull(supplier, "supplier");
    }

    /** How long before expiry a token is fetched again. */
    public void tokenRefreshMargin(Duration margin) {
      this.tokenRefreshMargin = TokenCache.checkMargin(margin);
    }

    /** The project billed for quota; {@link IllegalArgumentException} when not a segment. */
    public void quotaProject(String quotaProject) {
      this.quotaProject = segment(quotaProject, "quotaProject", "my-billing-project");
    }

    /**
     * Fills what is not set from {@value #PROJECT_VARIABLE} and {@value #LOCATION_VARIABLE} (read
     * through {@code http}'s environment), sets {@code http}'s base URL, and makes the target.
     *
     * @param adapter the adapter's name, for the error messages ("Vertex AI")
     * @throws IllegalArgumentException when the project or the token supplier is missing, or a
     *     variable's value is not a single path segment
     */
    public VertexTarget build(HttpProviderBuilder http, String adapter) {
      String p = project;
      if (p == null && http.variable(PROJECT_VARIABLE) != null) {
        p = segment(http.variable(PROJECT_VARIABLE), PROJECT_VARIABLE, "my-project");
      }
      if (p == null) {
        throw new IllegalArgumentException(adapter + " needs project(\"my-project\"), the Google"
            + " Cloud project id, or the environment variable " + PROJECT_VARIABLE);
      }
      String l = location;
      if (l == null) {
        String fromEnvironment = http.variable(LOCATION_VARIABLE);
        l = fromEnvironment == null ? GLOBAL
            : segment(fromEnvironment, LOCATION_VARIABLE, "us-central1");
      }
      if (tokenSupplier == null) {
        throw new IllegalArgumentException(adapter + " needs tokenSupplier(...): for example"
            + " GoogleTokens.applicationDefault() from ai-gateway-google-auth");
      }
      http.baseUrl(baseUrl != null ? baseUrl : baseUrlFor(l));
      return new VertexTarget(this, http.settings(), p, l, tokenSupplier);
    }

    private static String segment(@Nullable String value, String field, String example) {
      if (value == null || !SEGMENT.matcher(value.strip()).matches()) {
        throw new IllegalArgumentException(field + " must be a single path segment such as "
            + example + " but was '" + value + "'");
      }
      return value.strip();
    }
  }
}
