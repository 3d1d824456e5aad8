package dev.aigateway.api;

/** Who wrote a {@link Message}. */
public enum Role {
  /** Instructions for the model, set by the application. */
  SYSTEM,
  /** The end user. */
  USER,
  /** The model. */
  ASSISTANT,
  /** The result of a tool the model asked to call; see {@link Message#tool(String, String)}. */
  TOOL
}
