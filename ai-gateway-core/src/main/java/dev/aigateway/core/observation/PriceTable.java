package dev.aigateway.core.observation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.aigateway.api.Usage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import org.jspecify.annotations.Nullable;

/**
 * What tokens cost, per model: the input, cached-input and output prices per million tokens,
 * in one currency. With a table, the gateway counts each call's cost ({@link GenAi#COST}) per
 * provider, model and (where {@link ClientTags} allow) client. Immutable and thread safe.
 *
 * <p><b>Matching.</b> A model is priced by its exact name, else by the longest name in the table
 * that it starts with followed by {@code -} (so {@code gpt-4o} prices the vendor's dated
 * {@code gpt-4o-2024-08-06}); a model the table does not know costs nothing and is not counted.
 *
 * <p><b>Cost</b> = (input - cached) x input price + cached x cached-input price + output x output
 * price, over a million, by the library's {@link Usage} rules (cached input is part of input;
 * reasoning is part of output). A model without a cached-input price charges cached input at its
 * input price.
 *
 * <p><b>Formats.</b> JSON ({@link #fromJson}; needs {@code jackson-core}, which the providers
 * bring):
 * <pre>{@code
 * { "currency": "USD", "asOf": "2025-10-01", "source": "the vendors' pricing pages",
 *   "models": { "gpt-4o": { "input": 2.50, "cachedInput": 1.25, "output": 10.00 } } }
 * }</pre>
 * or properties ({@link #fromProperties}), the model name before the last dot:
 * <pre>{@code
 * currency=USD
 * gpt-4o.input=2.50
 * gpt-4o.cached_input=1.25
 * gpt-4o.output=10.00
 * }</pre>
 * {@link #load} takes {@code classpath:name} or a file path, by its extension. {@link #example()}
 * is a table shipped with the library, with its date and source: an example to start from, not
 * a price list to bill by.
 */
public final class PriceTable {
  private final String currency;
  private final @Nullable String asOf;
  private final @Nullable String source;
  private final Map<String, Price> prices;

  /**
   * One model's prices per million tokens, in the table's currency.
   *
   * @param input per million input tokens not read from a cache
   * @param cachedInput per million input tokens read from the vendor's cache
   * @param output per million output tokens
   */
  public record Price(double input, double cachedInput, double output) {
    /** Validates that every price is finite and zero or more. */
    public Price {
      check(input, "input");
      check(cachedInput, "cachedInput");
      check(output, "output");
    }

    private static void check(double v, String name) {
      if (!(v >= 0) || Double.isInfinite(v)) {
        throw new IllegalArgumentException(name + " price must be a finite number >= 0: " + v);
      }
    }
  }

  private PriceTable(Builder b) {
    this.currency = b.currency;
    this.asOf = b.asOf;
    this.source = b.source;
    this.prices = Collections.unmodifiableMap(new LinkedHashMap<>(b.prices));
  }

  /** A new builder, in USD. */
  public static Builder builder() {
    return new Builder();
  }

  /** The table shipped with the library: an example, dated, with its source. */
  public static PriceTable example() {
    return load("classpath:dev/aigateway/core/observation/example-prices.json");
  }

  /**
   * Reads {@code location}: {@code classpath:path} (from this library's own module, then its
   * class loader, then the thread's) or a file path; JSON when it ends in {@code .json}, else properties.
   *
   * @throws IllegalArgumentException when it cannot be found or read, naming it and why
   */
  public static PriceTable load(String location) {
    Objects.requireNonNull(location, "location");
    boolean json = location.toLowerCase(java.util.Locale.ROOT).endsWith(".json");
    try (InputStream in = open(location)) {
      if (json) {
        return fromJson(in);
      }
      Properties p = new Properties();
      p.load(in);
      return fromProperties(p);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read the price table " + location + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("the price table " + location + " is invalid: "
          + e.getMessage(), e);
    }
  }

  private static InputStream open(String location) throws IOException {
    if (location.startsWith("classpath:")) {
      String path = location.substring("classpath:".length());
      path = path.startsWith("/") ? path.substring(1) : path;
      // This module's own resources first: on the module path a class loader does not see
      // resources in a named module's packages, but the module's own classes do.
      InputStream in = PriceTable.class.getResourceAsStream("/" + path);
      if (in == null) {
        in = PriceTable.class.getClassLoader().getResourceAsStream(path);
      }
      ClassLoader tccl = Thread.currentThread().getContextClassLoader();
      if (in == null && tccl != null) {
        in = tccl.getResourceAsStream(path);
      }
      if (in == null) {
        throw new java.io.FileNotFoundException("no such class path resource");
      }
      return in;
    }
    return Files.newInputStream(Path.of(location));
  }

  /**
   * Reads a JSON table (the format above). Unknown fields are ignored.
   *
   * @throws IllegalArgumentException when it is not such a table, naming the field
   * @throws IllegalStateException when {@code jackson-core} is not on the class path
   */
  public static PriceTable fromJson(InputStream json) {
    Objects.requireNonNull(json, "json");
    JsonFactory factory;
    try {
      factory = new JsonFactory();
    } catch (NoClassDefFoundError e) {
      throw new IllegalStateException("reading a JSON price table needs jackson-core on the class "
          + "path; use the properties format or add com.fasterxml.jackson.core:jackson-core", e);
    }
    Builder b = builder();
    try (JsonParser p = factory.createParser(json)) {
      expect(p.nextToken(), JsonToken.START_OBJECT, "the table");
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken value = p.nextToken();
        switch (field) {
          case "currency" -> b.currency(text(p, value, field));
          case "asOf" -> b.asOf(text(p, value, field));
          case "source" -> b.source(text(p, value, field));
          case "models" -> {
            expect(value, JsonToken.START_OBJECT, "models");
            while (p.nextToken() == JsonToken.FIELD_NAME) {
              String model = p.currentName();
              expect(p.nextToken(), JsonToken.START_OBJECT, "models." + model);
              Double in = null;
              Double cached = null;
              Double out = null;
              while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                switch (f) {
                  case "input" -> in = number(p, t, model + ".input");
                  case "cachedInput" -> cached = number(p, t, model + ".cachedInput");
                  case "output" -> out = number(p, t, model + ".output");
                  default -> p.skipChildren();
                }
              }
              b.price(model, require(in, model, "input"), cached, require(out, model, "output"));
            }
          }
          default -> p.skipChildren();
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("not a JSON price table: " + e.getMessage(), e);
    }
    return b.build();
  }

  /**
   * Reads a properties table: {@code currency}, {@code asOf}, {@code source}, and per model
   * {@code <model>.input}, {@code <model>.cached_input} (optional) and {@code <model>.output}.
   *
   * @throws IllegalArgumentException naming the key that is missing or not a number
   */
  public static PriceTable fromProperties(Properties properties) {
    Objects.requireNonNull(properties, "properties");
    Builder b = builder();
    Map<String, Double[]> models = new LinkedHashMap<>();
    for (String key : new java.util.TreeSet<>(properties.stringPropertyNames())) {
      String value = properties.getProperty(key).trim();
      switch (key) {
        case "currency" -> b.currency(value);
        case "asOf" -> b.asOf(value);
        case "source" -> b.source(value);
        default -> {
          int dot = key.lastIndexOf('.');
          String field = dot < 0 ? "" : key.substring(dot + 1);
          int slot = switch (field) {
            case "input" -> 0;
            case "cached_input" -> 1;
            case "output" -> 2;
            default -> throw new IllegalArgumentException("unknown key '" + key
                + "': expected <model>.input, <model>.cached_input or <model>.output");
          };
          double price;
          try {
            price = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " is not a number: '" + value + "'");
          }
          models.computeIfAbsent(key.substring(0, dot), m -> new Double[3])[slot] = price;
        }
      }
    }
    models.forEach((model, p) -> b.price(model, require(p[0], model, "input"), p[1],
        require(p[2], model, "output")));
    return b.build();
  }

  private static double require(@Nullable Double v, String model, String field) {
    if (v == null) {
      throw new IllegalArgumentException("model " + model + " has no " + field + " price");
    }
    return v;
  }

  private static void expect(@Nullable JsonToken t, JsonToken want, String where)
      throws IOException {
    if (t != want) {
      throw new IllegalArgumentException(where + " must be a JSON object, found " + t);
    }
  }

  private static String text(JsonParser p, @Nullable JsonToken t, String field)
      throws IOException {
    if (t != JsonToken.VALUE_STRING) {
      throw new IllegalArgumentException(field + " must be a string, found " + t);
    }
    return p.getText();
  }

  private static double number(JsonParser p, @Nullable JsonToken t, String field)
      throws IOException {
    if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
      throw new IllegalArgumentException(field + " must be a number, found " + t);
    }
    return p.getDoubleValue();
  }

  /** The currency every price is in, such as {@code USD}. */
  public String currency() {
    return currency;
  }

  /** The date the prices were taken, as the table says, or null. */
  public @Nullable String asOf() {
    return asOf;
  }

  /** Where the prices were taken from, as the table says, or null. */
  public @Nullable String source() {
    return source;
  }

  /** The prices by model name, in the table's order. */
  public Map<String, Price> prices() {
    return prices;
  }

  /** The price of {@code model} by the matching rule above, or null when it has none. */
  public @Nullable Price priceOf(String model) {
    Price exact = prices.get(model);
    if (exact != null) {
      return exact;
    }
    Price best = null;
    int bestLength = -1;
    for (Map.Entry<String, Price> e : prices.entrySet()) {
      String name = e.getKey();
      if (name.length() > bestLength && model.length() > name.length()
          && model.startsWith(name) && model.charAt(name.length()) == '-') {
        best = e.getValue();
        bestLength = name.length();
      }
    }
    return best;
  }

  /** What {@code usage} of {@code model} costs, in {@link #currency()}; NaN when unpriced. */
  public double costOf(String model, Usage usage) {
    Price p = priceOf(model);
    if (p == null) {
      return Double.NaN;
    }
    long cached = Math.min(usage.cachedInputTokens(), usage.inputTokens());
    long fresh = usage.inputTokens() - cached;
    return (fresh * p.input + cached * p.cachedInput + (long) usage.outputTokens() * p.output)
        / 1_000_000d;
  }

  @Override
  public String toString() {
    return "PriceTable[" + prices.size() + " models, " + currency
        + (asOf != null ? ", as of " + asOf : "") + "]";
  }

  /** Builds a {@link PriceTable}. Not thread safe. */
  public static final class Builder {
    private String currency = "USD";
    private @Nullable String asOf;
    private @Nullable String source;
    private final Map<String, Price> prices = new LinkedHashMap<>();

    private Builder() {}

    /** The currency of every price; USD unless set. */
    public Builder currency(String currency) {
      this.currency = nonBlank(currency, "currency");
      return this;
    }

    /** When the prices were taken (free text, such as {@code 2025-10-01}). */
    public Builder asOf(String asOf) {
      this.asOf = nonBlank(asOf, "asOf");
      return this;
    }

    /** Where the prices were taken from. */
    public Builder source(String source) {
      this.source = nonBlank(source, "source");
      return this;
    }

    /**
     * The prices of {@code model} per million tokens; {@code cachedInput} null charges cached
     * input at the input price.
     */
    public Builder price(String model, double input, @Nullable Double cachedInput, double output) {
      prices.put(nonBlank(model, "model"),
          new Price(input, cachedInput == null ? input : cachedInput, output));
      return this;
    }

    /** The table. */
    public PriceTable build() {
      return new PriceTable(this);
    }

    private static String nonBlank(@Nullable String s, String name) {
      if (s == null || s.isBlank()) {
        throw new IllegalArgumentException(name + " must not be blank");
      }
      return s;
    }
  }
}
