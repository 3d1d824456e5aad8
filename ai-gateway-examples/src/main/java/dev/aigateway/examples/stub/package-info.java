/**
 * The stub vendor the examples and benchmarks run against on loopback: {@code StubVendor}
 * answers in the OpenAI, Azure OpenAI, Anthropic and Gemini wire formats, plain or streamed, and
 * fails chosen requests with each vendor's own error ({@code Failures}). It is a stand-in for a
 * vendor in the examples, not a test of one. Not published.
 */
package dev.aigateway.examples.stub;
