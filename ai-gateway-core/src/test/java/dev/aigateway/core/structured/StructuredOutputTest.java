package dev.aigateway.core.structured;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.annotation.JsonClassDescription;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.FinishReason;
import dev.aigateway.api.Message;
import dev.aigateway.api.ResponseFormat;
import dev.aigateway.api.StructuredOutputException;
import dev.aigateway.api.StructuredOutputException.Problem;
import dev.aigateway.api.ToolCall;
import dev.aigateway.api.spi.CallOptions;
import dev.aigateway.api.testing.ChunkPublisher;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link StructuredOutput} on its own: the schema it derives from records and beans (asserted as
 * JSON, in the strict form vendors accept), and how it reads answers, fitting or not.
 */
class StructuredOutputTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  enum Status { PAID, @JsonProperty("open") OPEN }

  @JsonClassDescription("One line of an invoice")
  record Line(String sku, int quantity, BigDecimal price) {}

  record Address(String street, String city) {}

  record Invoice(
      @JsonProperty("invoice_number") @JsonPropertyDescription("As printed") String number,
      LocalDate issued,
      Status status,
      List<Line> lines,
      @Nullable String note) {}

  record Shipment(Address from, @Nullable Address to, Optional<String> carrier, UUID id,
      Instant at, Set<String> labels, @JsonIgnore @Nullable String internal) {}

  /** A bean as Jackson reads one: a no-argument constructor, getters and setters. */
  public static class Person {
    private String name = "";
    private int age;
    private @Nullable List<String> nicknames;

    public String getName() {
      return name;
    }

    public void setName(String name) {
      this.name = name;
    }

    public int getAge() {
      return age;
    }

    public void setAge(int age) {
      this.age = age;
    }

    public @Nullable List<String> getNicknames() {
      return nicknames;
    }

    public void setNicknames(@Nullable List<String> nicknames) {
      this.nicknames = nicknames;
    }
  }

  record Category(String name, List<Category> children) {}

  @JsonPropertyOrder({"total", "currency"})
  record Price(String currency, BigDecimal total, String unit) {}

  @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
  record Customer(String firstName, int orderCount) {}

  record Tagged(Map<String, String> tags) {}

  record Anything(Object value) {}

  private static JsonNode json(String text) throws Exception {
    return JSON.readTree(text);
  }

  private static ChatResponse answer(String text, FinishReason finish) {
    return ChatResponse.builder().provider("openai").model("gpt-4o").text(text)
        .finishReason(finish).build();
  }

  private static ChatResponse answer(String text) {
    return answer(text, FinishReason.STOP);
  }

  // ---- the schema ----

  @Test
  void aRecordBecomesAStrictObjectEveryPropertyRequiredInDeclarationOrder() throws Exception {
    StructuredOutput<Invoice> output = StructuredOutput.of(Invoice.class);

    assertThat(json(output.schema())).isEqualTo(json("""
        {"type": "object",
         "properties": {
           "invoice_number": {"type": "string", "description": "As printed"},
           "issued": {"type": "string", "format": "date"},
           "status": {"type": "string", "enum": ["PAID", "open"]},
           "lines": {"type": "array", "items": {
             "type": "object", "description": "One line of an invoice",
             "properties": {"sku": {"type": "string"}, "quantity": {"type": "integer"},
                            "price": {"type": "number"}},
             "required": ["sku", "quantity", "price"], "additionalProperties": false}},
           "note": {"type": ["string", "null"]}},
         "required": ["invoice_number", "issued", "status", "lines", "note"],
         "additionalProperties": false}"""));
    // The order models write the answer in: the declaration's, not alphabetical.
    List<String> names = new ArrayList<>();
    json(output.schema()).get("properties").fieldNames().forEachRemaining(names::add);
    assertThat(names).containsExactly("invoice_number", "issued", "status", "lines", "note");
  }

  @Test
  void aBeanIsDescribedByItsGettersAndANullableGetterMakesANullUnion() throws Exception {
    assertThat(json(StructuredOutput.of(Person.class).schema())).isEqualTo(json("""
        {"type": "object",
         "properties": {
           "name": {"type": "string"},
           "age": {"type": "integer"},
           "nicknames": {"type": ["array", "null"], "items": {"type": "string"}}},
         "required": ["name", "age", "nicknames"],
         "additionalProperties": false}"""));
  }

  @Test
  void aTypeUsedTwiceIsOneDefinitionAndANullableReferenceIsAnAnyOfWithNullLast()
      throws Exception {
    assertThat(json(StructuredOutput.of(Shipment.class).schema())).isEqualTo(json("""
        {"type": "object",
         "properties": {
           "from": {"$ref": "#/$defs/Address"},
           "to": {"anyOf": [{"$ref": "#/$defs/Address"}, {"type": "null"}]},
           "carrier": {"type": ["string", "null"]},
           "id": {"type": "string", "format": "uuid"},
           "at": {"type": "string", "format": "date-time"},
           "labels": {"type": "array", "items": {"type": "string"}}},
         "required": ["from", "to", "carrier", "id", "at", "labels"],
         "additionalProperties": false,
         "$defs": {"Address": {"type": "object",
           "properties": {"street": {"type": "string"}, "city": {"type": "string"}},
           "required": ["street", "city"], "additionalProperties": false}}}"""));
  }

  @Test
  void jsonPropertyOrderAndJsonNamingShapeTheSchemaAndTheReadingAlike() throws Exception {
    List<String> order = new ArrayList<>();
    json(StructuredOutput.of(Price.class).schema()).get("properties").fieldNames()
        .forEachRemaining(order::add);
    assertThat(order).containsExactly("total", "currency", "unit");

    StructuredOutput<Customer> customer = StructuredOutput.of(Customer.class);
    assertThat(json(customer.schema()).get("required"))
        .isEqualTo(json("[\"first_name\", \"order_count\"]"));
    assertThat(customer.parse("{\"first_name\": \"Ada\", \"order_count\": 3}"))
        .isEqualTo(new Customer("Ada", 3));
  }

  @Test
  void aRecursiveTypeRefersToTheRoot() throws Exception {
    assertThat(json(StructuredOutput.of(Category.class).schema())
        .at("/properties/children/items")).isEqualTo(json("{\"$ref\": \"#\"}"));
  }

  @Test
  void typesStrictModeCannotExpressAreRefusedWhenTheOutputIsMade() {
    assertThatThrownBy(() -> StructuredOutput.of(Tagged.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Tagged").hasMessageContaining("is a map")
        .hasMessageContaining("list of key/value records");
    assertThatThrownBy(() -> StructuredOutput.of(Anything.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no JSON type");
    assertThatThrownBy(() -> StructuredOutput.of(String.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a record or bean at its root");
    assertThatThrownBy(() -> StructuredOutput.of(Status.class))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a record or bean at its root");
  }

  @Test
  void theFormatIsAStrictJsonSchemaNamedAfterTheType() {
    StructuredOutput<Invoice> output = StructuredOutput.of(Invoice.class);

    assertThat(StructuredOutput.of(Invoice.class)).isSameAs(output);
    assertThat(output.name()).isEqualTo("Invoice");
    assertThat(output.format())
        .isEqualTo(ResponseFormat.jsonSchema("Invoice", output.schema(), true));
    assertThat(output.format().strict()).isTrue();
    assertThat(output.type()).isEqualTo(Invoice.class);
  }

  @Test
  void aRequestForTheOutputCarriesItsFormatAndIsMarkedForTheGateway() {
    ChatRequest plain = ChatRequest.builder().model("extract").system("Extract.")
        .user("Invoice 42").temperature(0.0).build();
    StructuredOutput<Invoice> output = StructuredOutput.of(Invoice.class);

    ChatRequest asked = output.request(plain);

    assertThat(asked.responseFormat()).isEqualTo(output.format());
    assertThat(asked.messages()).isEqualTo(plain.messages());
    assertThat(asked.temperature()).isEqualTo(0.0);
    assertThat(StructuredOutput.expectedBy(asked)).isSameAs(output);
    assertThat(StructuredOutput.expectedBy(plain)).isNull();
  }

  // ---- reading answers ----

  private final StructuredOutput<Invoice> output = StructuredOutput.of(Invoice.class);
  private static final String GOOD = """
      {"invoice_number": "INV-42", "issued": "2026-03-01", "status": "open",
       "lines": [{"sku": "A-1", "quantity": 2, "price": 9.5}], "note": null}""";

  @Test
  void anAnswerThatFitsIsTheValue() {
    Invoice invoice = output.parse(answer(GOOD));

    assertThat(invoice).isEqualTo(new Invoice("INV-42", LocalDate.of(2026, 3, 1), Status.OPEN,
        List.of(new Line("A-1", 2, new BigDecimal("9.5"))), null));
  }

  @Test
  void aCodeFenceAnExtraPropertyAMissingNullableAndAWholeFloatStillFit() {
    Invoice invoice = output.parse(answer("""
        ```json
        {"invoice_number": "INV-42", "issued": "2026-03-01", "status": "PAID",
         "lines": [{"sku": "A-1", "quantity": 2.0, "price": 9.5, "colour": "red"}]}
        ```"""));

    assertThat(invoice.lines().get(0).quantity()).isEqualTo(2);
    assertThat(invoice.note()).isNull();
    assertThat(invoice.status()).isEqualTo(Status.PAID);
  }

  @Test
  void aBeanIsReadThroughItsSetters() {
    Person p = StructuredOutput.of(Person.class)
        .parse("{\"name\": \"Ada\", \"age\": 36, \"nicknames\": [\"Countess\"]}");

    assertThat(p.getName()).isEqualTo("Ada");
    assertThat(p.getAge()).isEqualTo(36);
    assertThat(p.getNicknames()).containsExactly("Countess");
  }

  @Test
  void proseIsNotJsonAndTheErrorCarriesTheRawTextButTheMessageDoesNot() {
    String prose = "Sure! Invoice INV-42 was issued on March 1st.";

    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer(prose)));

    assertThat(e.problem()).isEqualTo(Problem.NOT_JSON);
    assertThat(e.rawText()).isEqualTo(prose);
    assertThat(e.typeName()).isEqualTo(Invoice.class.getName());
    assertThat(e.provider()).isEqualTo("openai");
    assertThat(e.model()).isEqualTo("gpt-4o");
    assertThat(e.retryable()).isTrue();
    assertThat(e.getMessage()).startsWith("openai/gpt-4o: the answer is not JSON")
        .contains(Invoice.class.getName()).doesNotContain("Sure", "INV-42", "March");
  }

  @Test
  void trailingTextAfterTheJsonIsNotJson() {
    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer(GOOD + " Hope this helps!")));

    assertThat(e.problem()).isEqualTo(Problem.NOT_JSON);
  }

  @Test
  void aMissingRequiredPropertyDoesNotFitAndSaysWhichAndWhere() {
    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer("""
            {"invoice_number": "INV-42", "issued": "2026-03-01", "status": "open",
             "lines": [{"sku": "A-1", "price": 9.5}], "note": null}""")));

    assertThat(e.problem()).isEqualTo(Problem.DOES_NOT_FIT);
    assertThat(e.path()).isEqualTo("$.lines[0]");
    assertThat(e.getMessage()).contains("does not fit " + Invoice.class.getName()
        + " at $.lines[0]: missing the required property 'quantity'");
  }

  @Test
  void aValueOfTheWrongTypeDoesNotFitAndTheMessageNamesTypesNotValues() {
    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer("""
            {"invoice_number": "INV-42", "issued": "2026-03-01", "status": "open",
             "lines": [{"sku": "A-1", "quantity": 2, "price": 9.5},
                       {"sku": "B-2", "quantity": "three", "price": 1}], "note": null}""")));

    assertThat(e.problem()).isEqualTo(Problem.DOES_NOT_FIT);
    assertThat(e.path()).isEqualTo("$.lines[1].quantity");
    assertThat(e.getMessage()).contains("expected integer, got a string")
        .doesNotContain("three");
  }

  @Test
  void nullForARequiredPropertyAFractionForAnIntegerAndAStrayEnumDoNotFit() {
    assertThat(catchThrowableOfType(StructuredOutputException.class, () -> output.parse(
        GOOD.replace("\"INV-42\"", "null"))).path()).isEqualTo("$.invoice_number");
    assertThat(catchThrowableOfType(StructuredOutputException.class, () -> output.parse(
        GOOD.replace("\"quantity\": 2", "\"quantity\": 2.5"))).path())
        .isEqualTo("$.lines[0].quantity");
    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(GOOD.replace("\"open\"", "\"overdue\"")));
    assertThat(e.path()).isEqualTo("$.status");
    assertThat(e.getMessage()).contains("expected one of [\"PAID\",\"open\"]")
        .doesNotContain("overdue");
  }

  @Test
  void aStringTheJavaTypeCannotReadDoesNotFitAtItsPath() {
    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer(GOOD.replace("2026-03-01", "1st of March"))));

    assertThat(e.problem()).isEqualTo(Problem.DOES_NOT_FIT);
    assertThat(e.path()).isEqualTo("$.issued");
    assertThat(e.getMessage()).contains("cannot be read as LocalDate")
        .doesNotContain("March");
  }

  @Test
  void anAnswerCutAtTheLimitIsTruncatedAndARefusalIsRefusedNeitherRetryable() {
    String cut = GOOD.substring(0, 60);

    StructuredOutputException truncated = catchThrowableOfType(
        StructuredOutputException.class, () -> output.parse(answer(cut, FinishReason.LENGTH)));
    StructuredOutputException refused = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(answer("I can't help with that.", FinishReason.CONTENT_FILTER)));

    assertThat(truncated.problem()).isEqualTo(Problem.TRUNCATED);
    assertThat(truncated.rawText()).isEqualTo(cut);
    assertThat(truncated.retryable()).isFalse();
    assertThat(refused.problem()).isEqualTo(Problem.REFUSED);
    assertThat(refused.retryable()).isFalse();
  }

  @Test
  void aToolCallIsNotTheValue() {
    ChatResponse toolCall = ChatResponse.builder().provider("openai").model("gpt-4o")
        .message(Message.assistant(List.of(ToolCall.of("call_1", "lookup", "{}"))))
        .finishReason(FinishReason.TOOL_CALLS).build();

    StructuredOutputException e = catchThrowableOfType(StructuredOutputException.class,
        () -> output.parse(toolCall));

    assertThat(e.problem()).isEqualTo(Problem.TOOL_CALLS);
    assertThat(e.retryable()).isFalse();
  }

  // ---- folding a stream ----

  private List<ChatChunk> pieces(String text, int size) {
    List<ChatChunk> chunks = new ArrayList<>();
    for (int i = 0; i < text.length(); i += size) {
      String piece = text.substring(i, Math.min(text.length(), i + size));
      boolean last = i + size >= text.length();
      chunks.add(ChatChunk.of(null, "anthropic", "claude", piece, null,
          last ? FinishReason.STOP : null, null));
    }
    return chunks;
  }

  @Test
  void theFoldedAnswerIsTheValue() {
    CompletableFuture<Invoice> value = output.fold(ChunkPublisher.of(
        pieces(GOOD, 7)));

    assertThat(value.join().number()).isEqualTo("INV-42");
  }

  @Test
  void aRestartChunkDiscardsWhatCameBeforeIt() {
    List<ChatChunk> chunks = new ArrayList<>(pieces("{\"invoice_number\": 42}", 5));
    chunks.add(ChatChunk.restart("anthropic", "claude", "invalid output; asked again"));
    chunks.addAll(pieces(GOOD, 9));

    assertThat(output.fold(ChunkPublisher.of(chunks)).join().issued())
        .isEqualTo(LocalDate.of(2026, 3, 1));
  }

  @Test
  void aFoldedAnswerThatDoesNotFitFailsTheFutureWithTheRawText() {
    String wrong = GOOD.replace("\"lines\"", "\"items\"");

    CompletionException e = catchThrowableOfType(CompletionException.class,
        () -> output.fold(ChunkPublisher.of(pieces(wrong, 11))).join());

    assertThat(e.getCause()).isInstanceOfSatisfying(StructuredOutputException.class, s -> {
      assertThat(s.problem()).isEqualTo(Problem.DOES_NOT_FIT);
      assertThat(s.rawText()).isEqualTo(wrong);
      assertThat(s.provider()).isEqualTo("anthropic");
    });
  }

  @Test
  void theStreamsOwnErrorFailsTheFutureAsItIs() {
    IllegalStateException broken = new IllegalStateException("cut");

    CompletionException e = catchThrowableOfType(CompletionException.class,
        () -> output.fold(ChunkPublisher.failingAfter(pieces("{\"a\"", 2), broken)).join());

    assertThat(e.getCause()).isSameAs(broken);
  }

  @Test
  void cancellingTheFutureCancelsTheStream() throws Exception {
    java.util.concurrent.CountDownLatch never = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.ExecutorService executor =
        java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      ChunkPublisher held = ChunkPublisher.of(pieces(GOOD, 5))
          .gatedOn(never, executor);
      CompletableFuture<Invoice> value = output.fold(held);

      value.cancel(true);

      assertThat(held.cancelled.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    } finally {
      never.countDown();
      executor.shutdownNow();
    }
  }

  @Test
  void foldingFromAClientAsksForTheOutputAndSaysRestartsAreUnderstood() {
    List<ChatRequest> sent = new ArrayList<>();
    dev.aigateway.api.ChatClient client = new dev.aigateway.api.ChatClient() {
      @Override
      public ChatResponse chat(ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public CompletableFuture<ChatResponse> chatAsync(ChatRequest request) {
        throw new UnsupportedOperationException();
      }

      @Override
      public java.util.concurrent.Flow.Publisher<ChatChunk> stream(ChatRequest request) {
        sent.add(request);
        return ChunkPublisher.of(pieces(GOOD, 13));
      }
    };

    Invoice invoice = output.fold(client, ChatRequest.of("extract", "INV-42")).join();

    assertThat(invoice.number()).isEqualTo("INV-42");
    assertThat(sent).singleElement().satisfies(r -> {
      assertThat(r.responseFormat()).isEqualTo(output.format());
      assertThat(r.attribute(CallOptions.STREAM_RESTARTS)).isTrue();
      assertThat(StructuredOutput.expectedBy(r)).isSameAs(output);
    });
  }
}
