package dev.aigateway.core.observation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.aigateway.api.Usage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PriceTableTest {
  private static PriceTable json(String text) {
    return PriceTable.fromJson(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static PriceTable properties(String text) throws IOException {
    Properties p = new Properties();
    p.load(new StringReader(text));
    return PriceTable.fromProperties(p);
  }

  @Test
  void costIsFreshCachedAndOutputTokensAtTheirPricesPerMillion() {
    PriceTable t = PriceTable.builder().price("gpt-4o", 2.5, 1.25, 10).build();
    // 1000 input of which 400 cached, 200 output
    assertThat(t.costOf("gpt-4o", Usage.of(1000, 200, 400, 0)))
        .isCloseTo((600 * 2.5 + 400 * 1.25 + 200 * 10) / 1e6, within(1e-15));
    assertThat(t.costOf("unknown-model", Usage.of(1, 1))).isNaN();
  }

  @Test
  void aModelWithoutACachedPriceChargesCachedInputAsInput() {
    PriceTable t = PriceTable.builder().price("m", 1, null, 2).build();
    assertThat(t.priceOf("m").cachedInput()).isEqualTo(1);
  }

  @Test
  void aDatedModelIsPricedByTheLongestNameItStartsWith() {
    PriceTable t = PriceTable.builder().price("gpt-4o", 2.5, null, 10)
        .price("gpt-4o-mini", 0.15, null, 0.6).build();
    assertThat(t.priceOf("gpt-4o-2024-08-06").input()).isEqualTo(2.5);
    assertThat(t.priceOf("gpt-4o-mini-2024-07-18").input()).isEqualTo(0.15);
    assertThat(t.priceOf("gpt-4omni")).as("a name, not any prefix").isNull();
    assertThat(t.priceOf("gpt-4")).isNull();
  }

  @Test
  void readsJson() {
    PriceTable t = json("{\"currency\":\"EUR\",\"asOf\":\"2025-10-01\",\"source\":\"list\","
        + "\"extra\":[1,2],\"models\":{\"a\":{\"input\":1,\"cachedInput\":0.5,\"output\":4,"
        + "\"note\":\"x\"},\"b\":{\"input\":2,\"output\":8}}}");
    assertThat(t.currency()).isEqualTo("EUR");
    assertThat(t.asOf()).isEqualTo("2025-10-01");
    assertThat(t.source()).isEqualTo("list");
    assertThat(t.prices()).containsOnlyKeys("a", "b");
    assertThat(t.priceOf("a")).isEqualTo(new PriceTable.Price(1, 0.5, 4));
    assertThat(t.priceOf("b")).isEqualTo(new PriceTable.Price(2, 2, 8));
  }

  @Test
  void badJsonNamesTheProblem() {
    assertThatThrownBy(() -> json("{\"models\":{\"a\":{\"input\":\"cheap\",\"output\":1}}}"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("a.input")
        .hasMessageContaining("number");
    assertThatThrownBy(() -> json("{\"models\":{\"a\":{\"input\":1}}}"))
        .hasMessageContaining("model a has no output price");
    assertThatThrownBy(() -> json("{\"models\":{\"a\":{\"input\":-1,\"output\":1}}}"))
        .hasMessageContaining("input price must be a finite number >= 0");
    assertThatThrownBy(() -> json("[1]")).hasMessageContaining("the table must be a JSON object");
    assertThatThrownBy(() -> json("{\"models\":{\"a\":{\"input\":1,")).isInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("not a JSON price table");
  }

  @Test
  void readsPropertiesWithDottedModelNames() throws IOException {
    PriceTable t = properties("currency=USD\nasOf=2025-10-01\n"
        + "gemini-2.5-flash.input=0.30\ngemini-2.5-flash.cached_input=0.075\n"
        + "gemini-2.5-flash.output=2.50\n");
    assertThat(t.priceOf("gemini-2.5-flash")).isEqualTo(new PriceTable.Price(0.30, 0.075, 2.5));
    assertThatThrownBy(() -> properties("m.input=1\nm.outptu=2\n"))
        .hasMessageContaining("unknown key 'm.outptu'");
    assertThatThrownBy(() -> properties("m.input=one\nm.output=2\n"))
        .hasMessageContaining("m.input is not a number: 'one'");
    assertThatThrownBy(() -> properties("m.input=1\n")).hasMessageContaining("no output price");
  }

  @Test
  void loadsFromAFileOrTheClassPathAndSaysWhichOneFailed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("prices.properties");
    Files.writeString(file, "m.input=1\nm.output=2\n");
    assertThat(PriceTable.load(file.toString()).priceOf("m").output()).isEqualTo(2);
    assertThatThrownBy(() -> PriceTable.load("classpath:no/such/prices.json"))
        .hasMessageContaining("classpath:no/such/prices.json");
    Path bad = dir.resolve("bad.json");
    Files.writeString(bad, "{\"models\":{\"m\":{\"input\":1}}}");
    assertThatThrownBy(() -> PriceTable.load(bad.toString()))
        .hasMessageContaining(bad.toString()).hasMessageContaining("no output price");
  }

  @Test
  void theShippedExampleNamesItsDateAndSourceAndPricesTheExamplesModels() {
    PriceTable t = PriceTable.example();
    assertThat(t.asOf()).isNotBlank();
    assertThat(t.source()).contains("openai.com").contains("anthropic.com");
    assertThat(t.currency()).isEqualTo("USD");
    for (String model : new String[] {"gpt-4o", "gpt-4o-mini", "claude-sonnet-4-5",
        "gemini-2.5-flash"}) {
      assertThat(t.priceOf(model)).as(model).isNotNull();
    }
  }
}
