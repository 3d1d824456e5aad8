/**
 * A Spring Boot application configured only from {@code application.yaml} through the starter:
 * a chat endpoint, a streamed one as server-sent events, the actuator's health, the
 * {@code aigateway} endpoint and Prometheus metrics, offline against the stub vendor. Not
 * published.
 */
package dev.aigateway.examples.spring;
