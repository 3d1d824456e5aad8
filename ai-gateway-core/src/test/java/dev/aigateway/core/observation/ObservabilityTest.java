package dev.aigateway.core.observation;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ObservabilityTest {
  @Test
  void contentCaptureFollowsTheConventionsVariable() {
    assertThat(Observability.captureFromEnv(null)).isFalse();
    assertThat(Observability.captureFromEnv("false")).isFalse();
    assertThat(Observability.captureFromEnv("NO_CONTENT")).isFalse();
    assertThat(Observability.captureFromEnv("EVENT_ONLY")).as("no span content").isFalse();
    assertThat(Observability.captureFromEnv("true")).isTrue();
    assertThat(Observability.captureFromEnv(" span_only ")).isTrue();
    assertThat(Observability.captureFromEnv("SPAN_AND_EVENT")).isTrue();
  }

  @Test
  void theStabilityOptInIsACommaSeparatedList() {
    assertThat(Observability.optInFromEnv(null)).isFalse();
    assertThat(Observability.optInFromEnv("http")).isFalse();
    assertThat(Observability.optInFromEnv("http, gen_ai_latest_experimental")).isTrue();
    assertThat(Observability.optInFromEnv("gen_ai_latest_experimental_x")).isFalse();
  }

  @Test
  void theBuildersChoiceWinsOverTheEnvironment() {
    assertThat(Observability.builder().captureContent(true).build().captureContent()).isTrue();
    assertThat(Observability.builder().latestExperimental(true).build().latestExperimental())
        .isTrue();
    assertThat(Observability.defaults().clientTags().enabled()).isFalse();
    assertThat(Observability.defaults().prices()).isNull();
  }

  @Test
  void clientTagsAreOffUnlessAllowed() {
    assertThat(ClientTags.none().enabled()).isFalse();
    assertThat(ClientTags.all().valueOf("x")).isEqualTo("x");
    assertThat(ClientTags.only(java.util.Set.of("a")).valueOf("b")).isEqualTo("_OTHER");
    assertThat(ClientTags.only(java.util.Set.of("a")).valueOf(null)).isEqualTo("none");
  }
}
