package dev.aigateway.test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * One request as a {@link FakeVendor} received it: what was sent on the wire, and helpers that
 * read the conversation out of it in whichever vendor's format it came.
 *
 * <p>The helpers ({@link #model()}, {@link #lastUserText()}, {@link #system()},
 * {@link #prefill()}, {@link #toolNames()}, {@link #isStream()}, {@link #apiKey()}) know where
 * each vendor puts these things: OpenAI's and Azure's {@code messages}, Anthropic's top-level
 * {@code system} and content blocks, Gemini's {@code contents}, {@code systemInstruction} and the
 * model in the path. For anything else, {@link #body()} is the parsed JSON and
 * {@link #bodyText()} the text.
 *
 * <p>Immutable and thread safe. {@link #toString()} shows the number, vendor, method, path, model
 * and size, never a header or the body, so that no key or prompt lands in a test report.
 */
public final class ReceivedRequest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final int number;
  private final @Nullable Vendor vendor;
  private final String method;
  private final String path;
  private final Map<String, List<String>> query;
  private final Map<String, List<String>> headers;
  private final String bodyText;
  private final JsonNode body;

  ReceivedRequest(int number, @Nullable Vendor vendor, String method, String path,
      Map<String, List<String>> query, Map<String, List<String>> headers, String bodyText) {
    this.number = number;
    this.vendor = vendor;
    this.method = method;
    this.path = path;
    this.query = copy(query, false);
    this.headers = copy(headers, true);
    this.bodyText = bodyText;
    this.body = parse(bodyText);
  }

  /** Its place in the order of arrival at this vendor, from 1. */
  public int number() {
    return number;
  }

  /** The vendor whose path it was posted to; null for a path no vendor uses. */
  public @Nullable Vendor vendor() {
    return vendor;
  }

  /** The HTTP method, such as {@code POST}. */
  public String method() {
    return method;
  }

  /** The path, without the query, such as {@code /v1/chat/completions}. */
  public String path() {
    return path;
  }

  /** The first value of query parameter {@code name}, such as {@code api-version}, or null. */
  public @Nullable String query(String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** The first value of header {@code name}, whatever its case, or null when it was not sent. */
  public @Nullable String header(String name) {
    List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  /** Every value of header {@code name}, whatever its case; empty when it was not sent. */
  public List<String> headers(String name) {
    return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
  }

  /** The names of the headers sent, in lower case. */
  public List<String> headerNames() {
    return List.copyOf(headers.keySet());
  }

  /**
   * The credential the request carried in its vendor's header: the bearer token of
   * {@code Authorization} (OpenAI; Azure with Entra ID), {@code api-key} (Azure),
   * {@code x-api-key} (Anthropic), {@code x-goog-api-key} (Gemini, or its {@code key} query
   * parameter); null when there was none.
   */
  public @Nullable String apiKey() {
    String key = switch (vendor == null ? Vendor.OPENAI : vendor) {
      case OPENAI -> null;
      case AZURE -> header("api-key");
      case ANTHROPIC -> header("x-api-key");
      case GEMINI -> header("x-goog-api-key") != null ? header("x-goog-api-key") : query("key");
    };
    if (key != null) {
      return key;
    }
    String authorization = header("authorization");
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return authorization.substring(7).strip();
    }
    return null;
  }

  /** The body as text (UTF-8); empty when there was none. */
  public String bodyText() {
    return bodyText;
  }

  /**
   * The body as JSON; a {@link MissingNode} when it is not JSON. Jackson's tree reads any field:
   * {@code body().path("temperature").asDouble()}, {@code body().at("/messages/0/role")}.
   */
  public JsonNode body() {
    return body;
  }

  /**
   * The model asked for: the body's {@code model}, Azure's deployment from its path, or the
   * model from a Gemini or Vertex AI path; null when there is none.
   */
  public @Nullable String model() {
    if (vendor == Vendor.AZURE && path.startsWith("/openai/deployments/")) {
      String rest = path.substring("/openai/deployments/".length());
      int slash = rest.indexOf('/');
      return slash < 0 ? rest : rest.substring(0, slash);
    }
    if (vendor == Vendor.GEMINI || path.contains("/publishers/") && path.contains("/models/")) {
      String rest = path.substring(path.lastIndexOf("/models/") + "/models/".length());
      int colon = rest.indexOf(':');
      return colon < 0 ? rest : rest.substring(0, colon);
    }
    JsonNode model = body.get("model");
    return model != null && model.isTextual() ? model.asText() : null;
  }

  /**
   * Whether it asked for a stream: {@code "stream": true} in the body, or Gemini's
   * {@code :streamGenerateContent}.
   */
  public boolean isStream() {
    if (vendor == Vendor.GEMINI) {
      return path.endsWith(":streamGenerateContent");
    }
    return body.path("stream").asBoolean(false);
  }

  /**
   * The text of the last user turn that has text (tool results carry none), its text parts
   * joined; empty when there is none.
   */
  public String lastUserText() {
    String text = "";
    for (JsonNode turn : turns()) {
      if ("user".equals(turn.path("role").asText())) {
        String t = text(turn);
        if (!t.isEmpty()) {
          text = t;
        }
      }
    }
    return text;
  }

  /**
   * The system prompt: OpenAI's system (and developer) messages, Anthropic's top-level
   * {@code system}, Gemini's {@code systemInstruction}, several joined by a blank line; null
   * when there is none.
   */
  public @Nullable String system() {
    List<String> parts = new ArrayList<>();
    if (vendor == Vendor.ANTHROPIC) {
      JsonNode system = body.path("system");
      String t = system.isTextual() ? system.asText() : joinText(system);
      if (!t.isEmpty()) {
        parts.add(t);
      }
    } else if (vendor == Vendor.GEMINI) {
      String t = joinText(body.path("systemInstruction").path("parts"));
      if (!t.isEmpty()) {
        parts.add(t);
      }
    } else {
      for (JsonNode turn : turns()) {
        String role = turn.path("role").asText();
        if ("system".equals(role) || "developer".equals(role)) {
          parts.add(text(turn));
        }
      }
    }
    return parts.isEmpty() ? null : String.join("\n\n", parts);
  }

  /**
   * The text of the conversation's last turn when it is the assistant's (an assistant prefill,
   * which the gateway sends to continue a stream another vendor dropped); null otherwise.
   */
  public @Nullable String prefill() {
    List<JsonNode> turns = turns();
    if (turns.isEmpty()) {
      return null;
    }
    JsonNode last = turns.get(turns.size() - 1);
    String role = last.path("role").asText();
    return "assistant".equals(role) || "model".equals(role) ? text(last) : null;
  }

  /** The names of the tools offered, in order: functions, Anthropic tools, Gemini declarations. */
  public List<String> toolNames() {
    List<String> names = new ArrayList<>();
    for (JsonNode tool : body.path("tools")) {
      if (tool.has("function")) {
        names.add(tool.path("function").path("name").asText());
      } else if (tool.has("functionDeclarations")) {
        tool.path("functionDeclarations").forEach(d -> names.add(d.path("name").asText()));
      } else if (tool.has("name")) {
        names.add(tool.path("name").asText());
      }
    }
    return names;
  }

  /** The conversation's turns: {@code messages}, or Gemini's {@code contents}. */
  private List<JsonNode> turns() {
    JsonNode turns = body.path(vendor == Vendor.GEMINI ? "contents" : "messages");
    List<JsonNode> list = new ArrayList<>();
    turns.forEach(list::add);
    return list;
  }

  /** A turn's text: a string content, or its text parts joined. */
  private String text(JsonNode turn) {
    if (vendor == Vendor.GEMINI) {
      return joinText(turn.path("parts"));
    }
    JsonNode content = turn.path("content");
    return content.isTextual() ? content.asText() : joinText(content);
  }

  /** The {@code text} of each element that has one (OpenAI parts, Anthropic blocks, Gemini parts). */
  private static String joinText(JsonNode parts) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode part : parts) {
      JsonNode text = part.get("text");
      if (text != null && text.isTextual()) {
        sb.append(text.asText());
      }
    }
    return sb.toString();
  }

  private static JsonNode parse(String text) {
    if (text.isBlank()) {
      return MissingNode.getInstance();
    }
    try {
      JsonNode node = JSON.readTree(text);
      return node == null ? MissingNode.getInstance() : node;
    } catch (IOException e) {
      return MissingNode.getInstance();
    }
  }

  private static Map<String, List<String>> copy(Map<String, List<String>> map, boolean lower) {
    Map<String, List<String>> copy = new LinkedHashMap<>();
    map.forEach((k, v) -> copy.computeIfAbsent(lower ? k.toLowerCase(Locale.ROOT) : k,
        x -> new ArrayList<>()).addAll(v));
    copy.replaceAll((k, v) -> List.copyOf(v));
    return Collections.unmodifiableMap(copy);
  }

  /**
   * Such as {@code ReceivedRequest[#2 ANTHROPIC POST /v1/messages, model claude-x, stream, 345
   * chars]}: never a header, a key or the body.
   */
  @Override
  public String toString() {
    String model = model();
    return "ReceivedRequest[#" + number + " " + (vendor == null ? "no vendor" : vendor) + " "
        + method + " " + path + (model == null ? "" : ", model " + model)
        + (isStream() ? ", stream" : "") + ", " + bodyText.length() + " chars]";
  }
}
