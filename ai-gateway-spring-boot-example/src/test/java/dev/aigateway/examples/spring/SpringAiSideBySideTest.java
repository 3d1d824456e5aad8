package dev.aigateway.examples.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.aigateway.api.ChatClient;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.core.AiGateway;
import dev.aigateway.examples.stub.StubVendor;
import org.junit.jupiter.api.Test;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Spring AI's OpenAI starter and ours in one application: no bean conflict, and both answer,
 * each through its own client, from the same stub vendor.
 */
class SpringAiSideBySideTest {
  @Test
  void bothStartersWorkInOneContext() {
    try (StubVendor stub = StubVendor.start(q -> "answer to " + q);
        ConfigurableApplicationContext context =
            new SpringApplication(SupportApplication.class).run("--server.port=0",
                "--spring.main.banner-mode=off",
                "--stub.openai-url=" + stub.baseUrl(),
                "--spring.ai.openai.api-key=stub-key",
                "--spring.ai.openai.base-url=" + stub.baseUrl(),
                "--spring.ai.openai.chat.options.model=gpt-4o-mini")) {
      assertThat(context.getBeansOfType(AiGateway.class)).hasSize(1);
      assertThat(context.getBeansOfType(ChatClient.class)).hasSize(1);
      assertThat(context.getBeansOfType(ChatModel.class)).hasSize(1);

      ChatClient ours = context.getBean(ChatClient.class);
      assertThat(ours.chat(ChatRequest.of("support", "ours?")).text()).isEqualTo("answer to ours?");
      ChatModel theirs = context.getBean(ChatModel.class);
      assertThat(theirs.call("theirs?")).isEqualTo("answer to theirs?");
      assertThat(stub.requestCount()).isEqualTo(2);
    }
  }
}
