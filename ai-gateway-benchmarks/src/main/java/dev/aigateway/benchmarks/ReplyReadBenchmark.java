package dev.aigateway.benchmarks;

import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.ChatProvider;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Protocol;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of one plain {@code chat()} through an adapter, from an in-memory reply of about 1 KB
 * in its vendor's format (a short answer with its usage and the fields vendors add), served by an
 * OkHttp interceptor, so no socket is involved: building and writing the request, OkHttp's call,
 * and reading the reply. One run per adapter ({@code vendor}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ReplyReadBenchmark {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final String ANSWER = "The capital of France is Paris. It has been the capital "
      + "since the tenth century, and it is the country's largest city by far; about two "
      + "million people live within its limits and more than twelve million in its region.";

  /** The adapter under test. */
  @Param({"openai", "anthropic", "gemini", "bedrock"})
  public String vendor;

  public ChatProvider provider;
  public ChatRequest request;

  @Setup(Level.Trial)
  public void setUp() {
    byte[] body = (switch (vendor) {
      case "openai" -> "{\"id\":\"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT\",\"object\":"
          + "\"chat.completion\",\"created\":1741569952,\"model\":\"gpt-4o-2024-08-06\","
          + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
          + ANSWER + "\",\"refusal\":null,\"annotations\":[]},\"logprobs\":null,"
          + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":19,\"completion_tokens\":"
          + "40,\"total_tokens\":59,\"prompt_tokens_details\":{\"cached_tokens\":0,"
          + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,"
          + "\"audio_tokens\":0,\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":"
          + "0}},\"service_tier\":\"default\",\"system_fingerprint\":\"fp_fc9f1d7035\"}";
      case "anthropic" -> "{\"id\":\"msg_01XFDUDYJgAACzvnptvVoYEL\",\"type\":\"message\","
          + "\"role\":\"assistant\",\"model\":\"claude-sonnet-4-5-20250929\",\"content\":"
          + "[{\"type\":\"text\",\"text\":\"" + ANSWER + "\"}],\"stop_reason\":\"end_turn\","
          + "\"stop_sequence\":null,\"usage\":{\"input_tokens\":19,"
          + "\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0,\"cache_creation\":"
          + "{\"ephemeral_5m_input_tokens\":0,\"ephemeral_1h_input_tokens\":0},\"output_tokens\":"
          + "40,\"service_tier\":\"standard\"}}";
      case "gemini" -> "{\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"" + ANSWER
          + "\"}],\"role\":\"model\"},\"finishReason\":\"STOP\",\"avgLogprobs\":"
          + "-0.0871,\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":19,"
          + "\"candidatesTokenCount\":40,\"totalTokenCount\":59,\"promptTokensDetails\":"
          + "[{\"modality\":\"TEXT\",\"tokenCount\":19}],\"candidatesTokensDetails\":"
          + "[{\"modality\":\"TEXT\",\"tokenCount\":40}]},\"modelVersion\":\"gemini-2.5-flash\","
          + "\"responseId\":\"8W5uaK_5Mu2Ez7IPn9DJsQ4\"}";
      case "bedrock" -> "{\"output\":{\"message\":{\"role\":\"assistant\",\"content\":"
          + "[{\"text\":\"" + ANSWER + "\"}]}},\"stopReason\":\"end_turn\",\"usage\":"
          + "{\"inputTokens\":19,\"outputTokens\":40,\"totalTokens\":59,"
          + "\"cacheReadInputTokens\":0,\"cacheWriteInputTokens\":0},\"metrics\":"
          + "{\"latencyMs\":512}}";
      default -> throw new IllegalArgumentException("unknown vendor " + vendor);
    }).getBytes(StandardCharsets.UTF_8);
    OkHttpClient fromMemory = new OkHttpClient.Builder()
        .addInterceptor(chain -> new Response.Builder().request(chain.request())
            .protocol(Protocol.HTTP_1_1).code(200).message("OK")
            .body(ResponseBody.create(body, JSON)).build())
        .build();
    provider = Adapters.of(vendor, fromMemory);
    request = Adapters.request(vendor, "What is the capital of France?");
    if (!chat().text().equals(ANSWER)) {
      throw new IllegalStateException("the adapter read the reply wrong");
    }
  }

  /** One call. */
  @Benchmark
  public ChatResponse chat() {
    return provider.chat(request);
  }
}
