package dev.aigateway.core.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.aigateway.api.CacheMode;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ContentPart;
import dev.aigateway.api.Message;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.ToolChoice;
import dev.aigateway.api.ToolDefinition;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CacheKeyTest {
  private static final ToolDefinition WEATHER =
      ToolDefinition.of("weather", "Weather for a city", "{\"type\":\"object\"}");

  /** A request that sets every field that goes into the key. */
  static ChatRequest.Builder full() {
    return ChatRequest.builder()
        .model("support")
        .system("Be brief.")
        .message(Message.user(ContentPart.text("Look:"), ContentPart.imageUrl("https://x/y.png"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/png")))
        .message(Message.assistant(List.of(ToolCall.of("c1", "weather", "{\"city\":\"Oslo\"}"))))
        .message(Message.tool("c1", "{\"temp\":3}"))
        .tool(WEATHER)
        .toolChoice(ToolChoice.required())
        .responseFormat(ResponseFormat.jsonObject())
        .temperature(0.2)
        .topP(0.9)
        .maxTokens(100)
        .stop("END", "STOP")
        .seed(7L)
        .extra("a", 1)
        .extra("b", Map.of("x", List.of(1, "two")));
  }

  private static CacheKey key(ChatRequest r) {
    return RequestKeys.of(r, false);
  }

  @Test
  void theSameRequestBuiltInAnotherOrderHasTheSameKey() {
    ChatRequest reordered = ChatRequest.builder()
        .extra("b", Map.of("x", List.of(1, "two")))
        .seed(7L)
        .stop("END", "STOP")
        .maxTokens(100)
        .topP(0.9)
        .temperature(0.2)
        .responseFormat(ResponseFormat.jsonObject())
        .toolChoice(ToolChoice.required())
        .tool(WEATHER)
        .extra("a", 1)
        .system("Be brief.")
        .message(Message.user(ContentPart.text("Look:"), ContentPart.imageUrl("https://x/y.png"),
            ContentPart.image(new byte[] {1, 2, 3}, "image/png")))
        .message(Message.assistant(List.of(ToolCall.of("c1", "weather", "{\"city\":\"Oslo\"}"))))
        .message(Message.tool("c1", "{\"temp\":3}"))
        .model("support")
        .build();
    assertThat(key(reordered)).isEqualTo(key(full().build()));
  }

  @Test
  void nestedExtraMapsInAnotherKeyOrderHaveTheSameKey() {
    Map<String, Object> ab = new LinkedHashMap<>();
    ab.put("a", 1);
    ab.put("b", 2);
    Map<String, Object> ba = new LinkedHashMap<>();
    ba.put("b", 2);
    ba.put("a", 1);
    assertThat(key(full().extra("m", ab).build())).isEqualTo(key(full().extra("m", ba).build()));
  }

  static List<Arguments> changes() {
    return List.of(
        change("model", b -> b.model("other")),
        change("a message's text", b -> b.system("Be brief!")),
        change("an extra message", b -> b.user("more")),
        change("message order", b -> b.messages(List.of(Message.user("a"), Message.user("b")))),
        change("role", b -> b.messages(List.of(Message.assistant("Be brief.")))),
        change("image bytes", b -> b.messages(List.of(Message.user(
            ContentPart.image(new byte[] {1, 2, 4}, "image/png"))))),
        change("image media type", b -> b.messages(List.of(Message.user(
            ContentPart.image(new byte[] {1, 2, 3}, "image/jpeg"))))),
        change("image URL", b -> b.messages(List.of(Message.user(
            ContentPart.imageUrl("https://x/z.png"))))),
        change("tool call arguments", b -> b.message(
            Message.assistant(List.of(ToolCall.of("c1", "weather", "{\"city\":\"Rome\"}"))))),
        change("tool call id of a tool message", b -> b.message(Message.tool("c2", "{}"))),
        change("tool", b -> b.tool(ToolDefinition.of("time", "Time", "{}"))),
        change("tool description", b -> b.tools(
            List.of(ToolDefinition.of("weather", "Weather", "{\"type\":\"object\"}")))),
        change("tool schema", b -> b.tools(
            List.of(ToolDefinition.of("weather", "Weather for a city", "{}")))),
        change("tool choice", b -> b.toolChoice(ToolChoice.tool("weather"))),
        change("response format", b -> b.responseFormat(
            ResponseFormat.jsonSchema("s", "{\"type\":\"object\"}"))),
        change("temperature", b -> b.temperature(0.3)),
        change("topP", b -> b.topP(0.8)),
        change("maxTokens", b -> b.maxTokens(101)),
        change("stop", b -> b.stop("END")),
        change("seed", b -> b.seed(8L)),
        change("extra value", b -> b.extra("a", 2)),
        change("extra key", b -> b.extra("c", 1)),
        change("nested extra", b -> b.extra("b", Map.of("x", List.of(1, "three")))));
  }

  private static Arguments change(String name, UnaryOperator<ChatRequest.Builder> how) {
    return Arguments.of(name, how);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("changes")
  void anySingleChangeChangesTheKey(String name, UnaryOperator<ChatRequest.Builder> how) {
    assertThat(key(how.apply(full()).build())).isNotEqualTo(key(full().build()));
  }

  @Test
  void fieldBoundariesCount() {
    ChatRequest abC = ChatRequest.builder().model("m").user("x").stop("ab", "c").build();
    ChatRequest aBc = ChatRequest.builder().model("m").user("x").stop("a", "bc").build();
    assertThat(key(abC)).isNotEqualTo(key(aBc));
    ChatRequest twoMessages = ChatRequest.builder().model("m").user("ab").user("c").build();
    ChatRequest oneMessage = ChatRequest.builder().model("m").user("abc").build();
    assertThat(key(twoMessages)).isNotEqualTo(key(oneMessage));
  }

  @Test
  void defaultsWrittenInAreTheSameAsLeftOut() {
    ChatRequest plain = ChatRequest.builder().model("m").user("hi").tool(WEATHER).build();
    ChatRequest withDefaults = ChatRequest.builder().model("m").user("hi").tool(WEATHER)
        .toolChoice(ToolChoice.auto())
        .responseFormat(ResponseFormat.text())
        .stop()
        .build();
    assertThat(key(withDefaults)).isEqualTo(key(plain));
    ChatRequest noTools = ChatRequest.of("m", "hi");
    assertThat(key(noTools.toBuilder().tools(List.of()).build())).isEqualTo(key(noTools));
    assertThat(key(noTools.toBuilder().extra("n", 1.0).build()))
        .isEqualTo(key(noTools.toBuilder().extra("n", 1).build()));
  }

  @Test
  void whatDoesNotChangeTheAnswerIsLeftOut() {
    ChatRequest base = ChatRequest.of("m", "hi");
    ChatRequest other = base.toBuilder()
        .clientId("tenant-a")
        .metadata("trace", "123")
        .timeout(Duration.ofSeconds(3))
        .cacheMode(CacheMode.REFRESH)
        .build()
        .withAttribute(dev.aigateway.api.spi.CallOptions.IDLE_TIMEOUT, Duration.ofSeconds(1));
    assertThat(key(other)).isEqualTo(key(base));
  }

  @Test
  void partitionByClientSeparatesClients() {
    ChatRequest a = ChatRequest.builder().model("m").user("hi").clientId("a").build();
    ChatRequest b = ChatRequest.builder().model("m").user("hi").clientId("b").build();
    ChatRequest anonymous = ChatRequest.of("m", "hi");
    assertThat(RequestKeys.of(a, true)).isNotEqualTo(RequestKeys.of(b, true));
    assertThat(RequestKeys.of(a, true)).isNotEqualTo(RequestKeys.of(anonymous, true));
    assertThat(RequestKeys.of(a, true)).isEqualTo(
        RequestKeys.of(a.toBuilder().metadata("k", "v").build(), true));
    assertThat(RequestKeys.of(a, false)).isEqualTo(RequestKeys.of(b, false));
  }

  @Test
  void printsAndParsesAs32HexDigits() {
    CacheKey k = CacheKey.of(0x0123456789abcdefL, -1L);
    assertThat(k.toString()).isEqualTo("0123456789abcdefffffffffffffffff");
    assertThat(CacheKey.parse(k.toString())).isEqualTo(k);
    assertThatThrownBy(() -> CacheKey.parse("xyz"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'xyz'");
  }

  @Test
  void theKeyDependsOnTheCharactersNotOnHowTheStringIsHeld() {
    // The same text built three ways: a literal, from a char array, and cut out of a longer
    // string that holds a character above U+00FF elsewhere (the JVM may store these differently).
    String text = "Résumé, please. ".repeat(600); // 9,600 chars: three chunks
    String fromChars = new String(text.toCharArray());
    String cutOut = ("\u2014" + text).substring(1);
    assertThat(key(ChatRequest.of("m", fromChars))).isEqualTo(key(ChatRequest.of("m", text)));
    assertThat(key(ChatRequest.of("m", cutOut))).isEqualTo(key(ChatRequest.of("m", text)));
  }

  @Test
  void aChangeAtEveryChunkEdgeChangesTheKey() {
    int chunk = KeyHasher.CHUNK;
    String latin = "abcdefgh".repeat(chunk * 3 / 8 + 1); // a little over three chunks
    CacheKey base = key(ChatRequest.of("m", latin));
    int[] places = {0, KeyHasher.SHORT, chunk - 1, chunk, chunk + 1, 2 * chunk - 1, 2 * chunk,
        3 * chunk, latin.length() - 1};
    for (int at : places) {
      char[] changed = latin.toCharArray();
      changed[at] = 'x';
      assertThat(key(ChatRequest.of("m", new String(changed))))
          .as("a Latin-1 change at char %d", at).isNotEqualTo(base);
      changed[at] = '\u0161'; // the chunk becomes wide
      CacheKey wide = key(ChatRequest.of("m", new String(changed)));
      assertThat(wide).as("a wide change at char %d", at).isNotEqualTo(base);
      changed[at] = latin.charAt(at); // and back to what it was: the same key again
      assertThat(key(ChatRequest.of("m", new String(changed)))).isEqualTo(base);
    }
    // a string that ends exactly on a chunk edge differs from one a char longer or shorter
    String whole = latin.substring(0, 2 * chunk);
    assertThat(key(ChatRequest.of("m", whole)))
        .isNotEqualTo(key(ChatRequest.of("m", whole + "a")))
        .isNotEqualTo(key(ChatRequest.of("m", whole.substring(1))));
  }

  @Test
  void aLoneSurrogateIsHashedNotReplaced() {
    String a = "x".repeat(100) + "\uD800" + "y".repeat(100);
    String b = "x".repeat(100) + "\uDC00" + "y".repeat(100);
    String c = "x".repeat(100) + "?" + "y".repeat(100);
    assertThat(key(ChatRequest.of("m", a))).isNotEqualTo(key(ChatRequest.of("m", b)))
        .isNotEqualTo(key(ChatRequest.of("m", c)));
  }

  @Test
  void largeImagesAreHashedWhole() {
    byte[] image = new byte[100_000];
    for (int i = 0; i < image.length; i++) {
      image[i] = (byte) (i * 31);
    }
    byte[] changed = image.clone();
    changed[99_999] ^= 1;
    ChatRequest one = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.image(image, "image/png"))).build();
    ChatRequest other = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.image(changed, "image/png"))).build();
    ChatRequest same = ChatRequest.builder().model("m")
        .message(Message.user(ContentPart.image(image.clone(), "image/png"))).build();
    assertThat(key(one)).isNotEqualTo(key(other)).isEqualTo(key(same));
  }

  @Test
  void manyThreadsHashingAtOnceAgreeWithOneThread() throws Exception {
    // The hashers are pooled across threads: a hasher handed to two threads at once would mix
    // their inputs and give keys that differ from the single-threaded ones.
    List<ChatRequest> requests = new java.util.ArrayList<>();
    for (int i = 0; i < 64; i++) {
      requests.add(ChatRequest.of("m", ("request " + i + " ").repeat(50 + i * 40)));
    }
    List<CacheKey> expected = requests.stream().map(CacheKeyTest::key).toList();
    int threads = 8;
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(threads);
    try {
      java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
      List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int offset = t;
        done.add(pool.submit(() -> {
          start.await();
          int wrong = 0;
          for (int round = 0; round < 200; round++) {
            int i = (round * 7 + offset) % requests.size();
            if (!key(requests.get(i)).equals(expected.get(i))) {
              wrong++;
            }
          }
          return wrong;
        }));
      }
      for (java.util.concurrent.Future<Integer> f : done) {
        assertThat(f.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void everyCharCountsAcrossTheBlocksAStringIsHashedIn() {
    String latin = "Résumé: ".repeat(600); // longer than the chunks it is read in
    String wide = "Résumé: ".repeat(599) + "Résumé\u2014 "; // one char above 0xFF, at the end
    assertThat(key(ChatRequest.of("m", latin))).isNotEqualTo(key(ChatRequest.of("m", wide)));
    for (int at : new int[] {0, 7, 8, 15, 16, 4095, 4096, 4097, latin.length() - 1}) {
      char[] changed = latin.toCharArray();
      changed[at] = changed[at] == 'x' ? 'y' : 'x';
      assertThat(key(ChatRequest.of("m", new String(changed))))
          .as("a change at char %d", at).isNotEqualTo(key(ChatRequest.of("m", latin)));
      changed[at] = '\u0100'; // the same place, one past Latin-1
      assertThat(key(ChatRequest.of("m", new String(changed))))
          .isNotEqualTo(key(ChatRequest.of("m", latin)));
    }
    assertThat(key(ChatRequest.of("m", wide))).isEqualTo(key(ChatRequest.of("m", wide)));
    assertThat(key(ChatRequest.of("m", "ab"))).isNotEqualTo(key(ChatRequest.of("m", "a\u0000b")));
  }
}
