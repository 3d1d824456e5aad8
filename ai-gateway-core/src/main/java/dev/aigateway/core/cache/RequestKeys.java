package dev.aigateway.core.cache;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ReasoningSignature;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Computes a request's {@link CacheKey}. Every field is fed with a tag of its own and its length,
 * so that no two different requests feed the same words ("ab","c" differs from "a","bc"), and
 * fields at their default are fed as if absent. Stateless. The hash is XXH3-128 (see
 * {@link KeyHasher}); its seed is bumped whenever the canonical form changes, so that entries a
 * remote store kept from an older version simply stop matching.
 */
final class RequestKeys {
  private static final int MODEL = 1;
  private static final int MESSAGE = 2;
  private static final int TEXT = 3;
  private static final int IMAGE_URL = 4;
  private static final int IMAGE = 5;
  private static final int MEDIA_TYPE = 6;
  private static final int TOOL_CALL = 7;
  private static final int TOOL_CALL_ID = 8;
  private static final int TOOL = 9;
  private static final int TOOL_CHOICE = 10;
  private static final int RESPONSE_FORMAT = 11;
  private static final int TEMPERATURE = 12;
  private static final int TOP_P = 13;
  private static final int MAX_TOKENS = 14;
  private static final int STOP = 15;
  private static final int SEED_FIELD = 16;
  private static final int EXTRA = 17;
  private static final int CLIENT = 18;
  private static final int STRING = 19;
  private static final int NULL = 20;
  private static final int ABSENT = 21;
  private static final int FIELD_END = 22;
  private static final int REASONING = 39;
  private static final int SIGNATURE = 40;
  // JSON values in extra
  private static final int J_NULL = 30;
  private static final int J_TRUE = 31;
  private static final int J_FALSE = 32;
  private static final int J_INTEGER = 33;
  private static final int J_DOUBLE = 34;
  private static final int J_NUMBER_TEXT = 35;
  private static final int J_STRING = 36;
  private static final int J_LIST = 37;
  private static final int J_MAP = 38;

  private RequestKeys() {}

  static CacheKey of(ChatRequest request, boolean partitionByClient) {
    KeyHasher h = KeyHasher.open();
    h.putString(MODEL, request.model());
    List<Message> messages = request.messages();
    for (int i = 0, n = messages.size(); i < n; i++) {
      message(h, messages.get(i));
    }
    List<ToolDefinition> tools = request.tools();
    for (int i = 0, n = tools.size(); i < n; i++) {
      ToolDefinition t = tools.get(i);
      h.putString(TOOL, t.name());
      nullable(h, t.description());
      nullable(h, t.parametersJsonSchema());
    }
    ToolChoice choice = request.toolChoice();
    if (choice != null && choice.type() != ToolChoice.Type.AUTO) {
      h.putTagged(TOOL_CHOICE, choice.type().ordinal());
      nullable(h, choice.toolName());
    }
    ResponseFormat format = request.responseFormat();
    if (format != null && format.type() != ResponseFormat.Type.TEXT) {
      h.putTagged(RESPONSE_FORMAT, format.type().ordinal() << 1 | (format.strict() ? 1 : 0));
      nullable(h, format.name());
      nullable(h, format.schema());
    }
    if (request.temperature() != null) {
      h.putTagged(TEMPERATURE, 0);
      h.putLong(doubleBits(request.temperature()));
    }
    if (request.topP() != null) {
      h.putTagged(TOP_P, 0);
      h.putLong(doubleBits(request.topP()));
    }
    if (request.maxTokens() != null) {
      h.putTagged(MAX_TOKENS, request.maxTokens());
    }
    List<String> stop = request.stop();
    for (int i = 0, n = stop.size(); i < n; i++) {
      h.putString(STOP, stop.get(i));
    }
    if (request.seed() != null) {
      h.putTagged(SEED_FIELD, 0);
      h.putLong(request.seed());
    }
    Map<String, @Nullable Object> extra = request.extra();
    if (!extra.isEmpty()) {
      h.putTagged(EXTRA, extra.size());
      map(h, extra);
    }
    if (partitionByClient) {
      String client = request.clientId();
      if (client == null) {
        h.putTagged(CLIENT, -1);
      } else {
        h.putString(CLIENT, client);
      }
    }
    return h.finish();
  }

  private static void signature(KeyHasher h, @Nullable ReasoningSignature s) {
    if (s == null) {
      h.putTagged(ABSENT, 0);
    } else {
      h.putString(SIGNATURE, s.format());
      h.putString(STRING, s.value());
    }
  }

  private static void message(KeyHasher h, Message m) {
    List<ContentPart> parts = m.parts();
    List<ToolCall> calls = m.toolCalls();
    h.putTagged(MESSAGE, m.role().ordinal());
    h.putLong((long) parts.size() << 32 | calls.size());
    for (int i = 0, n = parts.size(); i < n; i++) {
      ContentPart part = parts.get(i);
      if (part instanceof ContentPart.Text t) {
        h.putString(TEXT, t.text());
      } else if (part instanceof ContentPart.ImageUrl u) {
        h.putString(IMAGE_URL, u.url());
      } else if (part instanceof ContentPart.Image image) {
        h.putBytes(IMAGE, image.data());
        h.putString(MEDIA_TYPE, image.mediaType());
      } else if (part instanceof ContentPart.Reasoning r) {
        // Signed reasoning goes on the wire to its vendor, so it is part of what was asked.
        h.putString(REASONING, r.text());
        h.putTagged(REASONING, r.redacted() ? 1 : 0);
        signature(h, r.signature());
      }
    }
    for (int i = 0, n = calls.size(); i < n; i++) {
      ToolCall c = calls.get(i);
      h.putString(TOOL_CALL, c.id());
      h.putString(STRING, c.name());
      h.putString(STRING, c.arguments());
      signature(h, c.signature());
    }
    if (m.toolCallId() != null) {
      h.putString(TOOL_CALL_ID, m.toolCallId());
    }
    h.putTagged(FIELD_END, 0);
  }

  private static void nullable(KeyHasher h, @Nullable String s) {
    if (s == null) {
      h.putTagged(NULL, 0);
    } else {
      h.putString(STRING, s);
    }
  }

  private static long doubleBits(double d) {
    return d == 0.0 ? 0L : Double.doubleToLongBits(d); // -0.0 is 0.0
  }

  private static void map(KeyHasher h, Map<?, ?> map) {
    String[] keys = new String[map.size()];
    int i = 0;
    for (Object k : map.keySet()) {
      keys[i++] = (String) k;
    }
    Arrays.sort(keys);
    for (String k : keys) {
      h.putString(J_STRING, k);
      json(h, map.get(k));
    }
  }

  private static void json(KeyHasher h, @Nullable Object value) {
    if (value == null) {
      h.putTagged(J_NULL, 0);
    } else if (value instanceof String s) {
      h.putString(J_STRING, s);
    } else if (value instanceof Boolean b) {
      h.putTagged(b ? J_TRUE : J_FALSE, 0);
    } else if (value instanceof Integer || value instanceof Long || value instanceof Short
        || value instanceof Byte) {
      h.putTagged(J_INTEGER, 0);
      h.putLong(((Number) value).longValue());
    } else if (value instanceof Double || value instanceof Float) {
      double d = ((Number) value).doubleValue();
      if (d == Math.rint(d) && Math.abs(d) < 0x1p62) {
        h.putTagged(J_INTEGER, 0); // 1.0 and 1 are the same JSON number to a vendor
        h.putLong((long) d);
      } else {
        h.putTagged(J_DOUBLE, 0);
        h.putLong(Double.doubleToLongBits(d));
      }
    } else if (value instanceof BigDecimal bd) {
      h.putString(J_NUMBER_TEXT, bd.stripTrailingZeros().toPlainString());
    } else if (value instanceof BigInteger || value instanceof Number) {
      h.putString(J_NUMBER_TEXT, value.toString());
    } else if (value instanceof List<?> list) {
      h.putTagged(J_LIST, list.size());
      for (Object item : list) {
        json(h, item);
      }
    } else if (value instanceof Map<?, ?> map) {
      h.putTagged(J_MAP, map.size());
      map(h, map);
    } else {
      h.putString(ABSENT, value.getClass().getName() + ":" + value); // not produced by the builder
    }
  }
}
