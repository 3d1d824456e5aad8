/**
 * The AWS Bedrock adapter, {@link dev.aigateway.bedrock.BedrockProvider}: Converse and
 * ConverseStream over OkHttp, signed with SigV4 by the AWS SDK, streams framed as AWS event
 * streams. An automatic module ({@code dev.aigateway.bedrock}) that reads the providers' internal
 * package, so it runs on the class path (see the README on the module path).
 */
@NullMarked
package dev.aigateway.bedrock;

import org.jspecify.annotations.NullMarked;
