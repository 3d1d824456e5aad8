/**
 * The gateway's implementation: the pipeline and its built-in stages, the call object, the
 * streaming machinery and the cache codec. Not a supported API; it may change in any release.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.internal;

import org.jspecify.annotations.NullMarked;
