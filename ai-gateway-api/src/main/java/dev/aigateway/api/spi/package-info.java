/**
 * The service provider interface: vendor adapters ({@link dev.aigateway.api.spi.ChatProvider}),
 * interceptors ({@link dev.aigateway.api.spi.ChatInterceptor}) with the call they see, event
 * listeners, the gateway's time source and helpers for the streaming contract.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.api.spi;

import org.jspecify.annotations.NullMarked;
