package dev.aigateway.core.observation;

import dev.aigateway.api.ChatChunk;
import dev.aigateway.api.ChatRequest;
import dev.aigateway.api.ChatResponse;
import dev.aigateway.api.spi.AttemptContext;
import dev.aigateway.api.spi.ChatProvider;
import dev.aigateway.api.testing.FakeProvider;
import java.net.URI;
import java.util.concurrent.Flow;

/** A fake provider that names a vendor and a server, as the network adapters do. */
final class Vendor implements ChatProvider {
  final FakeProvider fake;
  private final String vendor;
  private final URI server;

  Vendor(String id, String vendor, String server) {
    this.fake = new FakeProvider(id);
    this.vendor = vendor;
    this.server = URI.create(server);
  }

  @Override
  public String id() {
    return fake.id();
  }

  @Override
  public String providerName() {
    return vendor;
  }

  @Override
  public URI serverUri() {
    return server;
  }

  @Override
  public ChatResponse chat(ChatRequest request) {
    return fake.chat(request);
  }

  @Override
  public ChatResponse chat(ChatRequest request, AttemptContext attempt) {
    return fake.chat(request, attempt);
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request) {
    return fake.stream(request);
  }

  @Override
  public Flow.Publisher<ChatChunk> stream(ChatRequest request, AttemptContext attempt) {
    return fake.stream(request, attempt);
  }
}
