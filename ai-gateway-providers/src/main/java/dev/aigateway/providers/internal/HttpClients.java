package dev.aigateway.providers.internal;

import java.util.concurrent.TimeUnit;
import okhttp3.ConnectionPool;
import okhttp3.OkHttpClient;

/**
 * The {@link OkHttpClient} every provider shares unless the application passes its own, so all
 * vendors use one connection pool. Providers derive their clients from it with
 * {@link OkHttpClient#newBuilder()}, which keeps the pool.
 */
public final class HttpClients {
  private HttpClients() {}

  private static final class Holder {
    static final OkHttpClient SHARED = new OkHttpClient.Builder()
        .connectionPool(new ConnectionPool(32, 5, TimeUnit.MINUTES))
        .followRedirects(false)
        .followSslRedirects(false)
        .retryOnConnectionFailure(false)
        .build();
  }

  /** The shared client. */
  public static OkHttpClient shared() {
    return Holder.SHARED;
  }
}
