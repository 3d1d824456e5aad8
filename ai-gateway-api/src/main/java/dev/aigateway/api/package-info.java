/**
 * The public contract of the gateway: {@link dev.aigateway.api.ChatClient}, the request,
 * response and chunk types, the error hierarchy rooted at
 * {@link dev.aigateway.api.AiGatewayException}, and {@link dev.aigateway.api.Secret}.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.api;

import org.jspecify.annotations.NullMarked;
