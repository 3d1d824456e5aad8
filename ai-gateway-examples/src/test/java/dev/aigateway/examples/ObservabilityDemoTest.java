package dev.aigateway.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The observability demo runs offline, and its Prometheus scrape shows what the calls did: the
 * conventions' duration buckets, the failover, the cache hit, the throttled client, tokens, cost
 * and a stream's time to first chunk, and never a key. The Grafana dashboard shipped next to it
 * charts only series the scrape has, so the dashboard cannot drift from the code.
 */
class ObservabilityDemoTest {
  private static final String DASHBOARD = "grafana/ai-gateway-dashboard.json";
  /** A metric name of the gateway's, as PromQL spells it. */
  private static final Pattern METRIC = Pattern.compile("\\b(?:gen_ai|ai_gateway)_[A-Za-z0-9_:]*");
  /** Where PromQL names labels, not metrics: by, without, on, ignoring, group_left/right. */
  private static final Pattern LABEL_LIST = Pattern.compile(
      "\\b(?:by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
  private static final Pattern SAMPLE =
      Pattern.compile("^([A-Za-z_:][A-Za-z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)(?:\\s+\\S+)?$");
  private static final Pattern LABEL = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private static String output;
  private static String scrape;
  private static List<Sample> samples;

  /** One line of the scrape: a series and its value. */
  private record Sample(String name, Map<String, String> labels, double value) {}

  @BeforeAll
  static void runTheDemoOnce() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    scrape = ObservabilityDemo.run(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    output = bytes.toString(StandardCharsets.UTF_8);
    samples = parse(scrape);
  }

  // ---- the scrape ----

  @Test
  void theDurationHistogramHasTheConventionsBuckets() {
    List<String> bounds = new ArrayList<>();
    for (int i = 0; i < 14; i++) {
      bounds.add(BigDecimal.valueOf(10L << i, 3).stripTrailingZeros().toPlainString());
    }
    assertThat(bounds).startsWith("0.01", "0.02", "0.04").endsWith("40.96", "81.92");
    Set<String> seen = new TreeSet<>();
    for (Sample s : named("gen_ai_client_operation_duration_seconds_bucket")) {
      seen.add(s.labels.get("le"));
    }
    assertThat(seen).containsAll(bounds).contains("+Inf");
    // Every call is in the histogram: 9 calls, the throttled one included.
    assertThat(sum("gen_ai_client_operation_duration_seconds_count", Map.of())).isEqualTo(9);
    assertThat(sum("gen_ai_client_operation_duration_seconds_count",
        Map.of("ai_gateway_outcome", "error", "error_type", "rate_limited"))).isEqualTo(1);
  }

  @Test
  void theOutageIsCountedAsARetryAndAFailoverToClaude() {
    assertThat(sum("ai_gateway_failovers_total", Map.of("ai_gateway_target", "openai/gpt-4o",
        "ai_gateway_target_to", "anthropic/claude-sonnet-4-5"))).isGreaterThanOrEqualTo(1);
    assertThat(sum("ai_gateway_retries_total", Map.of("ai_gateway_target", "openai/gpt-4o")))
        .isEqualTo(1);
    assertThat(sum("ai_gateway_targets_skipped_total", Map.of("ai_gateway_target",
        "openai/gpt-4o", "ai_gateway_skip_reason", "circuit_open"))).isEqualTo(1);
    assertThat(sum("ai_gateway_circuit_state", Map.of("ai_gateway_target", "openai/gpt-4o",
        "ai_gateway_circuit_state", "open"))).isEqualTo(1);
    assertThat(sum("ai_gateway_stream_rescues_total", Map.of("ai_gateway_target",
        "openai/gpt-4o", "ai_gateway_rescue_kind", "continuation"))).isEqualTo(1);
  }

  @Test
  void theRepeatedQuestionIsACacheHit() {
    assertThat(sum("ai_gateway_cache_lookups_total", Map.of("ai_gateway_cache", "hit",
        "gen_ai_request_model", "assistant"))).isEqualTo(1);
    assertThat(sum("ai_gateway_cache_lookups_total", Map.of("ai_gateway_cache", "miss")))
        .isGreaterThanOrEqualTo(5);
    assertThat(output).contains("answered from the cache");
  }

  @Test
  void theThrottledClientHasARejectedDecision() {
    assertThat(sum("ai_gateway_rate_limit_decisions_total", Map.of("ai_gateway_client",
        "globex", "ai_gateway_rate_limit_outcome", "rejected"))).isEqualTo(1);
    assertThat(sum("ai_gateway_rate_limit_decisions_total", Map.of("ai_gateway_client",
        "globex", "ai_gateway_rate_limit_outcome", "admitted"))).isEqualTo(2);
    assertThat(output).contains("throttled: client 'globex'");
  }

  @Test
  void tokensAreCountedForInputAndOutput() {
    for (String type : List.of("input", "output")) {
      assertThat(sum("gen_ai_client_token_usage_sum", Map.of("gen_ai_token_type", type)))
          .as(type + " tokens").isPositive();
      assertThat(sum("gen_ai_client_token_usage_count", Map.of("gen_ai_token_type",
          type, "gen_ai_response_model", "gpt-4o"))).as(type + " calls of gpt-4o").isEqualTo(2);
    }
  }

  @Test
  void pricedModelsCostSomething() {
    for (String model : List.of("gpt-4o", "claude-sonnet-4-5", "gemini-2.5-flash")) {
      assertThat(sum("ai_gateway_cost_total", Map.of("gen_ai_response_model", model,
          "ai_gateway_currency", "USD"))).as("cost of " + model).isPositive();
    }
  }

  @Test
  void aStreamHasATimeToFirstChunk() {
    assertThat(named("gen_ai_client_operation_time_to_first_chunk_seconds_bucket")).isNotEmpty();
    assertThat(sum("gen_ai_client_operation_time_to_first_chunk_seconds_count", Map.of()))
        .isEqualTo(2);
  }

  @Test
  void severalVendorsAppearAndOnlyAllowedClientsAreTags() {
    Set<String> vendors = new TreeSet<>();
    Set<String> clients = new TreeSet<>();
    for (Sample s : named("gen_ai_client_operation_duration_seconds_count")) {
      if (s.labels.containsKey("gen_ai_provider_name")) {
        vendors.add(s.labels.get("gen_ai_provider_name"));
      }
      clients.add(s.labels.get("ai_gateway_client"));
    }
    assertThat(vendors).contains("openai", "anthropic", "gcp.gemini");
    assertThat(clients).containsExactlyInAnyOrder("acme", "globex", "_OTHER");
    assertThat(scrape).doesNotContain("initech");
  }

  @Test
  void noKeyAppearsInTheScrapeOrTheOutput() {
    assertThat(ObservabilityDemo.STUB_KEYS).isNotEmpty();
    for (String key : ObservabilityDemo.STUB_KEYS) {
      assertThat(scrape).doesNotContain(key);
      assertThat(output).doesNotContain(key);
    }
    assertThat(scrape).doesNotContainIgnoringCase("bearer").doesNotContain("sk-");
  }

  @Test
  void nothingIsLeftInFlightAndTheOutputEndsWithTheScrape() {
    assertThat(sum("ai_gateway_calls_in_flight", Map.of())).isZero();
    assertThat(output).contains("== Summary").endsWith(scrape);
  }

  // ---- the dashboard ----

  @Test
  void theDashboardIsAGrafanaDashboardOnAPrometheusDatasourceVariable() throws Exception {
    JsonNode dashboard = dashboard();
    assertThat(dashboard.path("schemaVersion").isInt()).isTrue();
    assertThat(dashboard.path("title").asText()).isNotBlank();
    boolean datasourceVariable = false;
    for (JsonNode v : dashboard.path("templating").path("list")) {
      if ("datasource".equals(v.path("name").asText())) {
        assertThat(v.path("type").asText()).isEqualTo("datasource");
        assertThat(v.path("query").asText()).isEqualTo("prometheus");
        datasourceVariable = true;
      }
    }
    assertThat(datasourceVariable).as("a ${datasource} variable").isTrue();

    List<JsonNode> charts = charts(dashboard);
    assertThat(charts).hasSizeGreaterThanOrEqualTo(10);
    Set<Integer> ids = new TreeSet<>();
    for (JsonNode panel : charts) {
      String title = panel.path("title").asText();
      assertThat(title).isNotBlank();
      assertThat(ids.add(panel.path("id").asInt())).as("unique id of " + title).isTrue();
      assertThat(panel.path("gridPos").path("w").asInt()).as(title).isPositive();
      assertThat(panel.path("datasource").path("uid").asText()).as(title)
          .isEqualTo("${datasource}");
      JsonNode targets = panel.path("targets");
      assertThat(targets.isArray() && targets.size() > 0).as(title + " has targets").isTrue();
      for (JsonNode t : targets) {
        String expr = t.path("expr").asText("");
        assertThat(expr).as(title).isNotBlank();
        assertThat(t.path("refId").asText()).as(title).isNotBlank();
        assertBalanced(title, expr);
      }
    }
  }

  @Test
  void everyMetricTheDashboardChartsIsASeriesOfTheScrape() throws Exception {
    JsonNode dashboard = dashboard();
    Set<String> referenced = new TreeSet<>();
    for (JsonNode panel : charts(dashboard)) {
      for (JsonNode t : panel.path("targets")) {
        referenced.addAll(metricNames(t.path("expr").asText("")));
      }
    }
    for (JsonNode v : dashboard.path("templating").path("list")) {
      referenced.addAll(metricNames(v.path("query").path("query").asText(v.path("query")
          .asText(""))));
    }
    assertThat(referenced).isNotEmpty();
    Set<String> series = new TreeSet<>();
    samples.forEach(s -> series.add(s.name));
    assertThat(series).containsAll(referenced);
    // and it charts every family the gateway records
    assertThat(referenced).contains(
        "gen_ai_client_operation_duration_seconds_bucket",
        "gen_ai_client_operation_time_to_first_chunk_seconds_bucket",
        "gen_ai_client_token_usage_sum",
        "ai_gateway_cost_total",
        "ai_gateway_failovers_total",
        "ai_gateway_stream_rescues_total",
        "ai_gateway_retries_total",
        "ai_gateway_cache_lookups_total",
        "ai_gateway_rate_limit_decisions_total",
        "ai_gateway_circuit_state",
        "ai_gateway_calls_in_flight",
        "ai_gateway_targets_skipped_total",
        "ai_gateway_attempt_duration_seconds_bucket");
  }

  @Test
  void metricNamesAreToldApartFromLabelNames() {
    assertThat(metricNames("sum by (ai_gateway_route, le) (rate(gen_ai_x_bucket"
        + "{ai_gateway_client=~\"$client\", error_type!=\"ai_gateway_y\"}[5m])) "
        + "/ ignoring(ai_gateway_cache) ai_gateway_z"))
        .containsExactlyInAnyOrder("gen_ai_x_bucket", "ai_gateway_z");
  }

  // ---- helpers ----

  /** The metric names in a PromQL expression: strings, matchers and label lists removed. */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")
        .replaceAll("\\{[^}]*}", "");
    bare = LABEL_LIST.matcher(bare).replaceAll("");
    // label_values(metric, label): the label is not a metric
    bare = bare.replaceAll("label_values\\(\\s*([A-Za-z0-9_:]+)\\s*,[^)]*\\)", "$1");
    Set<String> names = new TreeSet<>();
    Matcher m = METRIC.matcher(bare);
    while (m.find()) {
      names.add(m.group());
    }
    return names;
  }

  private static void assertBalanced(String title, String expr) {
    Deque<Character> open = new ArrayDeque<>();
    boolean quoted = false;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (quoted) {
        if (c == '\\') {
          i++;
        } else if (c == '"') {
          quoted = false;
        }
        continue;
      }
      switch (c) {
        case '"' -> quoted = true;
        case '(', '{', '[' -> open.push(c);
        case ')', '}', ']' -> {
          assertThat(open).as(title + ": " + expr).isNotEmpty();
          char o = open.pop();
          assertThat("" + o + c).as(title + ": " + expr).isIn("()", "{}", "[]");
        }
        default -> { }
      }
    }
    assertThat(quoted).as(title + ": unclosed string in " + expr).isFalse();
    assertThat(open).as(title + ": unclosed in " + expr).isEmpty();
  }

  private static JsonNode dashboard() throws Exception {
    try (InputStream in = ObservabilityDemoTest.class.getClassLoader()
        .getResourceAsStream(DASHBOARD)) {
      assertThat(in).as(DASHBOARD).isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  /** The dashboard's panels that chart something: rows left out, collapsed rows opened. */
  private static List<JsonNode> charts(JsonNode dashboard) {
    List<JsonNode> charts = new ArrayList<>();
    JsonNode panels = dashboard.path("panels");
    assertThat(panels.isArray() && panels.size() > 0).as("panels").isTrue();
    for (JsonNode p : panels) {
      if ("row".equals(p.path("type").asText())) {
        p.path("panels").forEach(charts::add);
      } else {
        charts.add(p);
      }
    }
    return charts;
  }

  private static List<Sample> named(String name) {
    return samples.stream().filter(s -> s.name.equals(name)).toList();
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}. */
  private static double sum(String name, Map<String, String> labels) {
    return named(name).stream()
        .filter(s -> s.labels.entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }

  private static List<Sample> parse(String text) {
    List<Sample> parsed = new ArrayList<>();
    for (String line : text.split("\\R")) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      Matcher m = SAMPLE.matcher(line);
      assertThat(m.matches()).as("a sample line: " + line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (m.group(2) != null) {
        Matcher l = LABEL.matcher(m.group(2));
        while (l.find()) {
          labels.put(l.group(1), l.group(2));
        }
      }
      String v = m.group(3);
      double value = switch (v) {
        case "+Inf" -> Double.POSITIVE_INFINITY;
        case "-Inf" -> Double.NEGATIVE_INFINITY;
        default -> Double.parseDouble(v);
      };
      parsed.add(new Sample(m.group(1), labels, value));
    }
    assertThat(parsed).as("samples in the scrape").isNotEmpty();
    return parsed;
  }
}
