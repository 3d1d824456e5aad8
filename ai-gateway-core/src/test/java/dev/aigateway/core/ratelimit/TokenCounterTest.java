package dev.aigateway.core.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.EncodingType;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.core.routing.TokenEstimate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TokenCounterTest {

  @ParameterizedTest
  @CsvSource({
      "gpt-4o, O200K_BASE", "gpt-4o-mini, O200K_BASE", "openai/gpt-4o, O200K_BASE",
      "gpt-4.1-nano, O200K_BASE", "gpt-5, O200K_BASE", "o1, O200K_BASE", "o3-mini, O200K_BASE",
      "o4-mini, O200K_BASE", "gpt-4, CL100K_BASE", "gpt-4-turbo, CL100K_BASE",
      "gpt-3.5-turbo, CL100K_BASE"})
  void openAiModelsUseTheirEncoding(String model, EncodingType expected) {
    assertThat(TiktokenCounter.encodingFor(model)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"claude-sonnet-4-5", "gemini-2.5-pro", "support", "o1x", "llama-3"})
  void otherModelsUseTheApproximation(String model) {
    ChatRequest request = ChatRequest.builder().model(model).system("Be brief.")
        .user("What is the capital of France? ".repeat(20)).build();

    assertThat(TiktokenCounter.encodingFor(model)).isNull();
    assertThat(TokenCounter.standard().inputTokens(request))
        .isEqualTo(TokenEstimate.approximate(request));
  }

  @Test
  void anOpenAiRequestIsCountedWithTheTokenizerPlusTheFormatOverhead() {
    String system = "You are terse.";
    String user = "Count these words, please: <|endoftext|> is just text here.";
    ChatRequest request = ChatRequest.builder().model("gpt-4o").system(system).user(user).build();
    var o200k = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.O200K_BASE);

    int expected = TiktokenCounter.REPLY_PRIMING + 2 * TiktokenCounter.TOKENS_PER_MESSAGE
        + o200k.countTokensOrdinary(system) + o200k.countTokensOrdinary(user);

    assertThat(TokenCounter.standard().inputTokens(request)).isEqualTo(expected);
    // "hello world" is two tokens in o200k_base: 3 + 3 + 2.
    assertThat(TokenCounter.standard().inputTokens(ChatRequest.of("gpt-4o", "hello world")))
        .isEqualTo(8);
  }
}
