package dev.aigateway.providers.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.spi.GatewayExecutors;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** {@link HttpSettings#executor()} is never null: the application's, or the default. */
class HttpSettingsTest {
  @Test
  void withoutAnExecutorOfItsOwnTheSettingsHaveTheGatewaysDefault() {
    HttpProviderBuilder b = new HttpProviderBuilder("t", "http://127.0.0.1:9/");
    assertThat(b.settings().executor()).isSameAs(GatewayExecutors.defaultExecutor());
  }

  @Test
  void theApplicationsExecutorIsTheOneTheSettingsHave() {
    Executor own = Runnable::run;
    HttpProviderBuilder b = new HttpProviderBuilder("t", "http://127.0.0.1:9/");
    b.executor(own);
    assertThat(b.settings().executor()).isSameAs(own);
  }
}
