/**
 * Structured output: the answer of a chat as a Java value. {@link
 * dev.aigateway.core.structured.StructuredOutput} derives the JSON Schema of a record or bean,
 * asks for it in the request's response format, and reads the answer back into the type;
 * {@link dev.aigateway.core.structured.InvalidOutput} says what a route does with an answer that
 * does not fit.
 *
 * <p>Everything in this package is non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.core.structured;

import org.jspecify.annotations.NullMarked;
