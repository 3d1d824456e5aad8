package dev.aigateway.core.observation;

import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether a call's client id becomes a tag ({@link GenAi#CLIENT}) on metrics and observations.
 * A client id can be a tenant or user id, unbounded, and a tag per value would grow a time series
 * per tenant; so the default is {@link #none()}, and an application says which ids may appear:
 * a bounded set ({@link #only}: any other id is {@value ErrorTypes#OTHER}), or all of them
 * ({@link #all()}, when it knows the ids are few). A call without a client id is
 * {@value GenAi#NONE}. Immutable.
 */
public final class ClientTags {
  private static final ClientTags NONE = new ClientTags(false, null);
  private static final ClientTags ALL = new ClientTags(true, null);

  private final boolean enabled;
  private final @Nullable Set<String> allowed;

  private ClientTags(boolean enabled, @Nullable Set<String> allowed) {
    this.enabled = enabled;
    this.allowed = allowed;
  }

  /** No client tag at all (the default). */
  public static ClientTags none() {
    return NONE;
  }

  /** Every client id is a tag value: only for applications whose client ids are few. */
  public static ClientTags all() {
    return ALL;
  }

  /** These client ids are tag values; any other is {@value ErrorTypes#OTHER}. */
  public static ClientTags only(Set<String> clientIds) {
    Objects.requireNonNull(clientIds, "clientIds");
    return new ClientTags(true, Set.copyOf(clientIds));
  }

  /** Whether the tag is recorded at all. */
  public boolean enabled() {
    return enabled;
  }

  /**
   * The tag value for {@code clientId}: the id, {@value ErrorTypes#OTHER} for one outside the
   * set, {@value GenAi#NONE} for none. Only meaningful when {@link #enabled()}.
   */
  public String valueOf(@Nullable String clientId) {
    if (clientId == null) {
      return GenAi.NONE;
    }
    Set<String> a = allowed;
    return a == null || a.contains(clientId) ? clientId : ErrorTypes.OTHER;
  }

  @Override
  public String toString() {
    return !enabled ? "ClientTags[none]" : allowed == null ? "ClientTags[all]"
        : "ClientTags" + allowed;
  }
}
