package dev.aigateway.googleauth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.GoogleCredentials;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.testing.ManualClock;
import dev.aigateway.providers.auth.AccessToken;
import dev.aigateway.providers.gemini.VertexAiProvider;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link GoogleTokens} over google-auth-library's own {@link GoogleCredentials} (a subclass that
 * mints tokens instead of calling Google), alone and as {@code VertexAiProvider}'s supplier.
 */
class GoogleTokensTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");
  private final ManualClock clock = new ManualClock(T0);

  /** Credentials that mint {@code ya29.token-<n>}, valid for an hour, at each refresh. */
  private class MintingCredentials extends GoogleCredentials {
    private static final long serialVersionUID = 1L;
    final AtomicInteger refreshes;
    final boolean needsScope;
    final @Nullable List<String> scopes;
    @Nullable IOException failure;

    MintingCredentials(AtomicInteger refreshes, boolean needsScope, @Nullable List<String> scopes) {
      this.refreshes = refreshes;
      this.needsScope = needsScope;
      this.scopes = scopes;
    }

    @Override
    public com.google.auth.oauth2.AccessToken refreshAccessToken() throws IOException {
      if (failure != null) {
        throw failure;
      }
      return new com.google.auth.oauth2.AccessToken("ya29.token-" + refreshes.incrementAndGet(),
          Date.from(clock.instant().plus(Duration.ofHours(1))));
    }

    @Override
    public boolean createScopedRequired() {
      return needsScope;
    }

    @Override
    public GoogleCredentials createScoped(Collection<String> newScopes) {
      return new MintingCredentials(refreshes, false, List.copyOf(newScopes));
    }
  }

  @Test
  void eachFetchRefreshesTheCredentialAndCarriesItsExpiry() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    GoogleTokens tokens = GoogleTokens.of(new MintingCredentials(refreshes, false, null));
    AccessToken first = tokens.fetch();
    assertThat(first.reveal()).isEqualTo("ya29.token-1");
    assertThat(first.expiresAt()).isEqualTo(T0.plus(Duration.ofHours(1)));
    assertThat(tokens.fetch().reveal()).as("a fetch is a refresh").isEqualTo("ya29.token-2");
    assertThat(refreshes).hasValue(2);
    assertThat(tokens.toString()).doesNotContain("ya29").contains("MintingCredentials");
  }

  @Test
  void credentialsThatNeedAScopeGetCloudPlatform() throws Exception {
    AtomicReference<List<String>> scoped = new AtomicReference<>();
    MintingCredentials unscoped = new MintingCredentials(new AtomicInteger(), true, null) {
      private static final long serialVersionUID = 1L;

      @Override
      public GoogleCredentials createScoped(Collection<String> newScopes) {
        scoped.set(List.copyOf(newScopes));
        return super.createScoped(newScopes);
      }
    };
    GoogleTokens tokens = GoogleTokens.of(unscoped);
    assertThat(scoped.get()).containsExactly("https://www.googleapis.com/auth/cloud-platform");
    assertThat(tokens.fetch().reveal()).isEqualTo("ya29.token-1");
  }

  @Test
  void aFailedRefreshIsTheCredentialsOwnException() {
    MintingCredentials credentials = new MintingCredentials(new AtomicInteger(), false, null);
    credentials.failure = new IOException("Error getting access token: invalid_grant");
    assertThatThrownBy(() -> GoogleTokens.of(credentials).fetch())
        .isInstanceOf(IOException.class).hasMessageContaining("invalid_grant");
  }

  @Test
  void vertexSendsTheCredentialsTokenAndRefreshesItBeforeItExpires() throws Exception {
    AtomicInteger refreshes = new AtomicInteger();
    try (MockWebServer server = new MockWebServer()) {
      server.start();
      VertexAiProvider vertex = VertexAiProvider.builder().baseUrl(server.url("/").toString())
          .project("acme-prod").location("us-central1").clock(clock)
          .tokenSupplier(GoogleTokens.of(new MintingCredentials(refreshes, true, null))).build();
      assertThat(chat(server, vertex).getHeaders().get("Authorization"))
          .isEqualTo("Bearer ya29.token-1");
      clock.advance(Duration.ofMinutes(54));
      assertThat(chat(server, vertex).getHeaders().get("Authorization"))
          .as("6 minutes left: kept").isEqualTo("Bearer ya29.token-1");
      clock.advance(Duration.ofMinutes(2));
      RecordedRequest refreshed = chat(server, vertex);
      assertThat(refreshed.getHeaders().get("Authorization")).isEqualTo("Bearer ya29.token-2");
      assertThat(refreshed.getUrl().encodedPath()).isEqualTo("/v1/projects/acme-prod/locations/"
          + "us-central1/publishers/google/models/gemini-2.5-flash:generateContent");
      assertThat(refreshes).hasValue(2);
    }
  }

  private static RecordedRequest chat(MockWebServer server, VertexAiProvider vertex)
      throws Exception {
    server.enqueue(new MockResponse.Builder().code(200)
        .setHeader("Content-Type", "application/json")
        .body("{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"text\":\"Hi.\"}]},"
            + "\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":2,"
            + "\"candidatesTokenCount\":1,\"totalTokenCount\":3}}")
        .build());
    assertThat(vertex.chat(ChatRequest.of("gemini-2.5-flash", "hi")).text()).isEqualTo("Hi.");
    return server.takeRequest();
  }
}
