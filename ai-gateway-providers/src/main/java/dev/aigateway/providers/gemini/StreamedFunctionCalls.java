package dev.aigateway.providers.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ToolCallDelta;
import dev.aigateway.api.UnsupportedResponseException;
import dev.aigateway.providers.internal.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The function calls of one Gemini stream, as {@link ToolCallDelta}s: whole calls, and calls whose
 * arguments Vertex AI streams in pieces ({@code toolConfig.functionCallingConfig
 * .streamFunctionCallArguments}).
 *
 * <p>A streamed call starts with a {@code functionCall} part that has a {@code name} and
 * {@code willContinue: true}; the parts after it have no name and carry {@code partialArgs}, each
 * a {@code jsonPath} (RFC 9535, such as {@code $.items[0].title}) and one of {@code stringValue},
 * {@code numberValue}, {@code boolValue} or {@code nullValue}; a string whose {@code PartialArg}
 * has {@code willContinue: true} goes on in the next piece for the same path. The part whose
 * {@code willContinue} is false or absent ends the call. The arguments are assembled into one JSON
 * object: the call is announced (index, id, name) as it starts, and its arguments follow as one
 * delta when it ends, so that what a subscriber or {@code StreamAccumulator} joins is always valid
 * JSON. A call still open when the stream's finish reason arrives is ended there.
 *
 * <p>A shape it does not understand (a nameless part when no call is open, a path it cannot
 * follow, a path that needs an object where a value already is) fails with a non-retryable
 * {@link UnsupportedResponseException} naming it. One instance per stream, made at its first
 * function call, used from the stream's reading thread only.
 */
final class StreamedFunctionCalls {
  private final String provider;
  private int count;
  private @Nullable Open open;

  StreamedFunctionCalls(String provider) {
    this.provider = provider;
  }

  /** How many calls have started. */
  int count() {
    return count;
  }

  /**
   * Handles one part's {@code functionCall}, as {@link ResponseReader} read it, adding what it
   * gives to {@code out}; the part's {@code thoughtSignature}, when it had one, goes with the call
   * it belongs to.
   */
  void onPart(ResponseReader.FunctionCall call, List<ToolCallDelta> out) {
    String name = call.name;
    boolean named = name != null && !name.isBlank();
    boolean continues = call.willContinue;
    ReasoningSignature signature = call.signature;
    if (!named) {
      Open current = open;
      if (current == null) {
        throw unsupported("a functionCall part has no name and continues no streamed call"
            + " (willContinue was not set on a call before it)");
      }
      current.merge(call);
      current.apply(call);
      if (signature != null) {
        out.add(new ToolCallDelta(current.index, null, null, "", signature));
      }
      if (!continues) {
        close(out);
      }
      return;
    }
    close(out); // a new call ends one still open
    int index = count++;
    String id = call.id;
    id = id != null && !id.isBlank() ? id : "call_" + index + "_" + name;
    if (!continues && !call.partialArgsGiven) {
      out.add(new ToolCallDelta(index, id, name, call.args == null ? "{}" : call.args,
          signature));
      return;
    }
    Open started = new Open(index, name);
    started.merge(call);
    started.apply(call);
    out.add(new ToolCallDelta(index, id, name, "", signature));
    open = started;
    if (!continues) {
      close(out);
    }
  }

  /** Ends the call still open, if any: its arguments go to {@code out}. */
  void close(List<ToolCallDelta> out) {
    Open current = open;
    if (current != null) {
      open = null;
      out.add(new ToolCallDelta(current.index, null, null, current.args.toString()));
    }
  }

  private UnsupportedResponseException unsupported(String what) {
    return new UnsupportedResponseException(provider, 200, provider + ": " + what, null);
  }

  /** A call whose arguments are still arriving. */
  private final class Open {
    final int index;
    final String name;
    final ObjectNode args = JsonNodeFactory.instance.objectNode();
    /** The path whose last string piece said {@code willContinue}: the next piece appends. */
    @Nullable String continuing;

    Open(int index, String name) {
      this.index = index;
      this.name = name;
    }

    /**
     * Whole {@code args} sent alongside the pieces: their fields are taken as they are. (Read
     * back from the text the reader copied them to; streamed calls are rare.)
     */
    void merge(ResponseReader.FunctionCall call) {
      if (call.argsObject && call.args != null) {
        try {
          args.setAll((ObjectNode) Json.parse(call.args));
        } catch (IOException e) { // the reader wrote that text a moment ago
          throw new UncheckedIOException(e);
        }
      }
    }

    void apply(ResponseReader.FunctionCall call) {
      if (call.partialArgsNotList) {
        throw unsupported("partialArgs of function call " + name + " is not a list");
      }
      List<ResponseReader.PartialArg> partialArgs = call.partialArgs;
      if (partialArgs == null) {
        return;
      }
      for (ResponseReader.PartialArg arg : partialArgs) {
        String path = arg.jsonPath();
        if (path == null) {
          throw unsupported("a partial argument of function call " + name + " has no jsonPath");
        }
        JsonNode value = arg.value();
        if (value != null) {
          set(path, value);
        }
        continuing = arg.willContinue() ? path : null;
      }
    }

    private void set(String path, JsonNode value) {
      List<Object> steps = JsonPaths.steps(path);
      if (steps == null || steps.isEmpty()) {
        throw unsupported("function call " + name + " streams an argument at jsonPath '"
            + path + "', which is not a path into its arguments ($.name, $['name'], [0])");
      }
      JsonNode node = args;
      for (int i = 0; i < steps.size() - 1; i++) {
        node = child(node, steps.get(i), steps.get(i + 1) instanceof Integer, path);
      }
      Object last = steps.get(steps.size() - 1);
      JsonNode before = get(node, last);
      if (path.equals(continuing) && before != null && before.isTextual() && value.isTextual()) {
        value = TextNode.valueOf(before.asText() + value.asText());
      }
      put(node, last, value, path);
    }

    /** The container at {@code step} under {@code node}, made when absent. */
    private JsonNode child(JsonNode node, Object step, boolean array, String path) {
      JsonNode existing = get(node, step);
      if (existing != null && !existing.isNull()) {
        if (array ? existing.isArray() : existing.isObject()) {
          return existing;
        }
        throw unsupported("function call " + name + " streams an argument at jsonPath '" + path
            + "' through " + existing.getNodeType().toString().toLowerCase(java.util.Locale.ROOT)
            + " value where an " + (array ? "array" : "object") + " is needed");
      }
      JsonNode made = array ? JsonNodeFactory.instance.arrayNode()
          : JsonNodeFactory.instance.objectNode();
      put(node, step, made, path);
      return made;
    }

    private @Nullable JsonNode get(JsonNode node, Object step) {
      return step instanceof Integer i ? node.get(i) : node.get((String) step);
    }

    private void put(JsonNode node, Object step, JsonNode value, String path) {
      if (step instanceof Integer i) {
        if (!(node instanceof ArrayNode a)) {
          throw unsupported("function call " + name + " indexes a non-array at jsonPath '"
              + path + "'");
        }
        while (a.size() < i) {
          a.addNull(); // an index ahead of the pieces so far; filled when they come
        }
        if (i < a.size()) {
          a.set(i, value);
        } else {
          a.add(value);
        }
      } else {
        if (!(node instanceof ObjectNode o)) {
          throw unsupported("function call " + name + " names a field of a non-object at"
              + " jsonPath '" + path + "'");
        }
        o.set((String) step, value);
      }
    }
  }

  /** The subset of RFC 9535 that names one value: {@code $}, {@code .name}, {@code ['name']}, {@code [0]}. */
  static final class JsonPaths {
    private JsonPaths() {}

    /**
     * The steps of {@code path} after {@code $}: field names as {@code String}s, indexes as
     * {@code Integer}s; null when it is not such a path (wildcards, slices, filters, ..).
     */
    static @Nullable List<Object> steps(String path) {
      if (!path.startsWith("$")) {
        return null;
      }
      List<Object> steps = new ArrayList<>(4);
      int i = 1;
      int n = path.length();
      while (i < n) {
        char c = path.charAt(i);
        if (c == '.') {
          int start = ++i;
          while (i < n && path.charAt(i) != '.' && path.charAt(i) != '[') {
            i++;
          }
          String field = path.substring(start, i);
          if (field.isEmpty() || field.equals("*")) {
            return null;
          }
          steps.add(field);
        } else if (c == '[') {
          int close = path.indexOf(']', i);
          if (close < 0) {
            return null;
          }
          String inside = path.substring(i + 1, close).strip();
          i = close + 1;
          if (inside.length() >= 2 && (inside.charAt(0) == '\'' || inside.charAt(0) == '"')
              && inside.charAt(inside.length() - 1) == inside.charAt(0)) {
            String field = unescape(inside.substring(1, inside.length() - 1));
            if (field == null) {
              return null;
            }
            steps.add(field);
          } else if (!inside.isEmpty() && inside.chars().allMatch(Character::isDigit)
              && inside.length() < 10) {
            steps.add(Integer.parseInt(inside));
          } else {
            return null;
          }
        } else {
          return null;
        }
      }
      return steps;
    }

    /** A quoted name's content with its escapes resolved; null for an escape it cannot read. */
    private static @Nullable String unescape(String s) {
      if (s.indexOf('\\') < 0) {
        return s;
      }
      StringBuilder b = new StringBuilder(s.length());
      for (int i = 0; i < s.length(); i++) {
        char c = s.charAt(i);
        if (c != '\\') {
          b.append(c);
          continue;
        }
        if (++i >= s.length()) {
          return null;
        }
        char e = s.charAt(i);
        switch (e) {
          case '\\', '\'', '"', '/' -> b.append(e);
          case 'b' -> b.append('\b');
          case 'f' -> b.append('\f');
          case 'n' -> b.append('\n');
          case 'r' -> b.append('\r');
          case 't' -> b.append('\t');
          case 'u' -> {
            if (i + 4 >= s.length()) {
              return null;
            }
            try {
              b.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            } catch (NumberFormatException x) {
              return null;
            }
            i += 4;
          }
          default -> {
            return null;
          }
        }
      }
      return b.toString();
    }
  }
}
