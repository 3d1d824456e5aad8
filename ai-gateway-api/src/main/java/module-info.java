/**
 * The gateway's public contract: {@code ChatClient}, requests, responses, stream chunks, the
 * exceptions every vendor's failure maps onto, and the provider SPI. It needs nothing but the JDK
 * at run time; JSpecify's nullness annotations are read at compile time only.
 */
module dev.aigateway.api {
  requires static transitive org.jspecify;

  exports dev.aigateway.api;
  exports dev.aigateway.api.spi;
}
