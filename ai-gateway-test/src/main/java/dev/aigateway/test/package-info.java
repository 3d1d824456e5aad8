/**
 * A fake AI vendor for tests: {@link dev.aigateway.test.FakeVendor} serves OpenAI's, Azure
 * OpenAI's, Anthropic's and Gemini's wire formats on loopback (on OkHttp's MockWebServer), so that
 * the real adapters, or any other client of those APIs, can be tested without a network or a key.
 *
 * <ul>
 *   <li>{@link dev.aigateway.test.Reply} scripts what it answers: text, tool calls, usage, finish
 *       reasons, streams with a chosen chunking and pacing, and faults (error statuses with the
 *       vendor's own error bodies and {@code Retry-After}, overload, HTML pages, a stream cut
 *       after N chunks, a stall, silence, a dropped connection, a malformed event, an error
 *       event mid-stream);
 *   <li>{@link dev.aigateway.test.ReceivedRequest} is what it received: method, path, headers,
 *       the credential, the body as text and JSON, and the conversation read out of it;
 *   <li>{@link dev.aigateway.test.Vendor} names the formats and their paths;
 *   <li>{@link dev.aigateway.test.FakeVendor} is itself a JUnit 5 extension for
 *       {@code @RegisterExtension} fields, and {@link dev.aigateway.test.FakeVendorExtension}
 *       injects vendors as parameters.
 * </ul>
 *
 * <p>Add {@code ai-gateway-test} with {@code <scope>test</scope>}. Everything in this package is
 * non-null unless marked {@code @Nullable}.
 */
@NullMarked
package dev.aigateway.test;

import org.jspecify.annotations.NullMarked;
