/**
 * A JPMS application of the gateway, run on the module path by the build: every adapter's chat
 * and stream, the cache, the limits, structured output and the metrics, through the modules'
 * exported packages only.
 */
package dev.aigateway.moduletest;
