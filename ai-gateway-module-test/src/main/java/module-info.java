/**
 * An application as a JPMS user writes one: it requires the gateway's modules by name and
 * reaches only what they export. {@code ModulePathCheck} runs it; {@code ModulePathTest} launches
 * it on the module path.
 */
module dev.aigateway.moduletest {
  requires dev.aigateway.core;
  requires dev.aigateway.providers;
  requires jdk.httpserver;

  // Structured output reads answers into this module's records with Jackson.
  opens dev.aigateway.moduletest to com.fasterxml.jackson.databind;
}
