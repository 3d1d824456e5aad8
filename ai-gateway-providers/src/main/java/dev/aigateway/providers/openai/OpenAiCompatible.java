package dev.aigateway.providers.openai;

import dev.aigateway.providers.openai.internal.ChatCompletions;
import org.jspecify.annotations.Nullable;

/**
 * Presets for servers that speak OpenAI's Chat Completions API. Each returns an
 * {@link OpenAiProvider.Builder} with the vendor's documented base URL, an id, and the vendor's
 * dialect; add the key and build:
 *
 * <pre>{@code
 * OpenAiProvider groq = OpenAiCompatible.groq().apiKey(Secret.env("GROQ_API_KEY")).build();
 * OpenAiProvider same = OpenAiCompatible.groq().build();      // reads GROQ_API_KEY itself
 * }</pre>
 *
 * <p><b>Keys.</b> A preset for a hosted vendor reads that vendor's conventional variable when it
 * is given no key ({@code MISTRAL_API_KEY}, {@code GROQ_API_KEY}, {@code DEEPSEEK_API_KEY},
 * {@code TOGETHER_API_KEY}, {@code OPENROUTER_API_KEY}), never {@code OPENAI_API_KEY}, and
 * without either {@code build()} fails with an {@link IllegalStateException} naming that
 * variable, also when its base URL was changed (a proxy in front of the vendor). The local
 * servers ({@link #ollama()}, {@link #vllm()}) and {@link #custom} read no variable and need no
 * key; give one with {@code apiKey} when the server wants it. No preset reads
 * {@code OPENAI_BASE_URL}.
 *
 * <table>
 *   <caption>Presets</caption>
 *   <tr><th>method</th><th>id</th><th>base URL</th><th>dialect</th></tr>
 *   <tr><td>{@link #mistral()}</td><td>mistral</td><td>https://api.mistral.ai/v1</td>
 *       <td>{@code max_tokens}, {@code random_seed}, no {@code stream_options} (usage comes
 *       anyway)</td></tr>
 *   <tr><td>{@link #groq()}</td><td>groq</td><td>https://api.groq.com/openai/v1</td>
 *       <td>compatible</td></tr>
 *   <tr><td>{@link #deepSeek()}</td><td>deepseek</td><td>https://api.deepseek.com</td>
 *       <td>compatible</td></tr>
 *   <tr><td>{@link #together()}</td><td>together</td><td>https://api.together.xyz/v1</td>
 *       <td>compatible</td></tr>
 *   <tr><td>{@link #openRouter()}</td><td>openrouter</td><td>https://openrouter.ai/api/v1</td>
 *       <td>compatible</td></tr>
 *   <tr><td>{@link #ollama()}</td><td>ollama</td><td>http://localhost:11434/v1</td>
 *       <td>compatible, no key needed</td></tr>
 *   <tr><td>{@link #vllm()}</td><td>vllm</td><td>http://localhost:8000/v1</td>
 *       <td>compatible, no key needed</td></tr>
 * </table>
 *
 * <p>Each preset also names its vendor for traces and metrics
 * ({@link OpenAiProvider.Builder#providerName}, {@code gen_ai.provider.name}): the OpenTelemetry
 * GenAI conventions' {@code mistral_ai}, {@code groq} and {@code deepseek} for the vendors they
 * list, and the preset's id ({@code together}, {@code openrouter}, {@code ollama}, {@code vllm})
 * as a custom value for the others; {@link #custom} uses the id it is given.
 *
 * <p>"Compatible" means {@code max_tokens} for the output limit, which these servers accept, where
 * OpenAI itself now wants {@code max_completion_tokens}.
 */
public final class OpenAiCompatible {
  private OpenAiCompatible() {}

  /** Mistral La Plateforme; the key from {@code MISTRAL_API_KEY} unless given. */
  public static OpenAiProvider.Builder mistral() {
    return preset("mistral", "mistral_ai", "https://api.mistral.ai/v1", new ChatCompletions.Dialect(
        ChatCompletions.MaxTokensField.MAX_TOKENS, false, "random_seed", true), "MISTRAL_API_KEY");
  }

  /** Groq; the key from {@code GROQ_API_KEY} unless given. */
  public static OpenAiProvider.Builder groq() {
    return preset("groq", "groq", "https://api.groq.com/openai/v1",
        ChatCompletions.Dialect.COMPATIBLE, "GROQ_API_KEY");
  }

  /** DeepSeek; the key from {@code DEEPSEEK_API_KEY} unless given. */
  public static OpenAiProvider.Builder deepSeek() {
    return preset("deepseek", "deepseek", "https://api.deepseek.com",
        ChatCompletions.Dialect.COMPATIBLE, "DEEPSEEK_API_KEY");
  }

  /** Together AI; the key from {@code TOGETHER_API_KEY} unless given. */
  public static OpenAiProvider.Builder together() {
    return preset("together", "together", "https://api.together.xyz/v1",
        ChatCompletions.Dialect.COMPATIBLE, "TOGETHER_API_KEY");
  }

  /** OpenRouter; the key from {@code OPENROUTER_API_KEY} unless given. */
  public static OpenAiProvider.Builder openRouter() {
    return preset("openrouter", "openrouter", "https://openrouter.ai/api/v1",
        ChatCompletions.Dialect.COMPATIBLE, "OPENROUTER_API_KEY");
  }

  /** A local Ollama server; no key needed, none read from the environment. */
  public static OpenAiProvider.Builder ollama() {
    return preset("ollama", "ollama", "http://localhost:11434/v1",
        ChatCompletions.Dialect.COMPATIBLE, null);
  }

  /** A local vLLM server; no key needed, none read from the environment. */
  public static OpenAiProvider.Builder vllm() {
    return preset("vllm", "vllm", "http://localhost:8000/v1", ChatCompletions.Dialect.COMPATIBLE,
        null);
  }

  /** Any other compatible server; no key needed, none read from the environment. */
  public static OpenAiProvider.Builder custom(String id, String baseUrl) {
    return preset(id, id, baseUrl, ChatCompletions.Dialect.COMPATIBLE, null);
  }

  private static OpenAiProvider.Builder preset(String id, String providerName, String baseUrl,
      ChatCompletions.Dialect dialect, @Nullable String keyVariable) {
    return OpenAiProvider.builder().id(id).providerName(providerName).baseUrl(baseUrl)
        .dialect(dialect).presetKey(keyVariable);
  }
}
