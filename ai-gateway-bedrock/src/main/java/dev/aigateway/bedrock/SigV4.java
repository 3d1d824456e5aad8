package dev.aigateway.bedrock;

import dev.aigateway.api.AuthenticationException;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import okhttp3.Request;
import okhttp3.RequestBody;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;

/**
 * Signs a request with AWS Signature Version 4, with the AWS SDK's own signer
 * ({@link AwsV4HttpSigner}) for the service {@code bedrock}. The credentials are resolved from the
 * provider on every request (the SDK's providers cache and refresh them); a session token is sent
 * as {@code x-amz-security-token}. Nothing here logs or keeps a credential. Thread safe.
 */
final class SigV4 {
  static final String SERVICE = "bedrock";
  private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

  private final String provider;
  private final String region;
  private final AwsCredentialsProvider credentials;
  private final Clock clock;

  SigV4(String provider, String region, AwsCredentialsProvider credentials, Clock clock) {
    this.provider = provider;
    this.region = region;
    this.credentials = credentials;
    this.clock = clock;
  }

  /**
   * {@code request} with its signature headers ({@code Authorization}, {@code X-Amz-Date},
   * {@code Host}, and {@code x-amz-security-token} for temporary credentials). It signs every
   * header {@code request} has, its {@code Content-Type} ({@code body}'s type, which OkHttp would
   * otherwise add only after signing) and the SHA-256 of {@code body}.
   *
   * @throws AuthenticationException with status 0 when no credentials can be had
   */
  Request sign(Request request, byte[] body) {
    AwsCredentials identity;
    try {
      identity = credentials.resolveCredentials();
    } catch (RuntimeException e) {
      // The SDK's message says which sources it tried; it holds no credential.
      throw new AuthenticationException(provider, 0, "credentials_unavailable",
          provider + ": no AWS credentials could be resolved: " + e.getMessage(), null);
    }
    RequestBody requestBody = request.body();
    Request.Builder out = request.newBuilder();
    if (requestBody != null && requestBody.contentType() != null
        && request.header("Content-Type") == null) {
      out.header("Content-Type", requestBody.contentType().toString());
    }
    Request unsigned = out.build();
    SdkHttpRequest.Builder sdk = SdkHttpRequest.builder()
        .method(SdkHttpMethod.fromValue(unsigned.method()))
        .uri(URI.create(unsigned.url().toString()));
    for (String name : unsigned.headers().names()) {
      sdk.putHeader(name, unsigned.headers(name));
    }
    SignedRequest signed;
    try {
      signed = SIGNER.sign(r -> r
          .identity(identity)
          .request(sdk.build())
          .payload(ContentStreamProvider.fromByteArrayUnsafe(body))
          .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, SERVICE)
          .putProperty(AwsV4HttpSigner.REGION_NAME, region)
          .putProperty(HttpSigner.SIGNING_CLOCK, clock));
    } catch (RuntimeException e) {
      throw new AuthenticationException(provider, 0, "signing_failed",
          provider + ": the request could not be signed: " + e.getClass().getSimpleName(), null);
    }
    Request.Builder result = unsigned.newBuilder();
    for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
      if (unsigned.header(h.getKey()) == null && !h.getValue().isEmpty()) {
        result.header(h.getKey(), h.getValue().get(0));
      }
    }
    return result.build();
  }

  /** The region and the credential provider's type; never a credential. */
  @Override
  public String toString() {
    return "SigV4[service=" + SERVICE + ", region=" + region + ", credentials="
        + credentials.getClass().getSimpleName() + "]";
  }
}
