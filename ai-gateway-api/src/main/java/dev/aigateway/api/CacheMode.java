package dev.aigateway.api;

/** How a single request uses the gateway's response cache, when one is configured. */
public enum CacheMode {
  /** Read from the cache and write the fresh answer to it, as the gateway's settings say. */
  DEFAULT,
  /** Neither read nor write: this request always goes upstream and leaves the cache untouched. */
  BYPASS,
  /** Skip the read, go upstream, and write the fresh answer over whatever was cached. */
  REFRESH
}
