package dev.aigateway.core.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class WeightedRendezvousTest {
  private static final int KEYS = 100_000;

  /** A target as a route would hold it: a stable id and a weight. */
  record Item(String id, int weight) {}

  private static Item pick(String key, List<Item> items) {
    return WeightedRendezvous.pick(key, items, Item::weight, Item::id);
  }

  private static List<String> randomKeys() {
    Random random = new Random(20261125);
    List<String> keys = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      keys.add(new UUID(random.nextLong(), random.nextLong()).toString());
    }
    return keys;
  }

  private static List<String> similarKeys() {
    List<String> keys = new ArrayList<>(KEYS);
    for (int i = 0; i < KEYS; i++) {
      keys.add("client-" + i);
    }
    return keys;
  }

  /** Asserts that each item gets its share of the weight, within 1.5 percentage points. */
  private static void assertSplitsByWeight(List<String> keys, List<Item> items) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String key : keys) {
      counts.merge(pick(key, items).id(), 1, Integer::sum);
    }
    int total = items.stream().mapToInt(Item::weight).sum();
    for (Item item : items) {
      double share = counts.getOrDefault(item.id(), 0) / (double) keys.size();
      assertThat(share).as("share of %s in %s", item.id(), counts)
          .isCloseTo(item.weight() / (double) total, within(0.015));
    }
  }

  @Test
  void theSameKeyAndConfigurationAlwaysPickTheSameItem() {
    List<Item> items = List.of(new Item("a", 70), new Item("b", 20), new Item("c", 10));
    List<Item> reversed = new ArrayList<>(items);
    Collections.reverse(reversed);
    for (String key : randomKeys().subList(0, 1000)) {
      Item first = pick(key, items);
      assertThat(pick(key, items)).isSameAs(first);
      assertThat(pick(key, List.copyOf(items))).isEqualTo(first);
      assertThat(pick(key, reversed)).as("order does not matter").isEqualTo(first);
    }
  }

  @Test
  void theHashIsPinnedSoPicksSurviveRestartsAndUpgrades() {
    // Computed by an independent implementation of the documented hash (FNV-1a 64 over the key's
    // length, the key and the id, then SplitMix64). A change here reshuffles every sticky key.
    assertThat(WeightedRendezvous.uniform("client-1", "a")).isEqualTo(0x1.faa1a0def8da8p-1);
    List<Item> items = List.of(new Item("a", 1), new Item("b", 1));
    List<String> picks = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      picks.add(pick("client-" + i, items).id());
    }
    assertThat(picks).containsExactly("b", "a", "a", "b", "a", "b", "a", "b");
  }

  @Test
  void theUniformNumberIsStrictlyBetweenZeroAndOne() {
    for (String key : randomKeys().subList(0, 10_000)) {
      double u = WeightedRendezvous.uniform(key, "a");
      assertThat(u).isGreaterThan(0).isLessThan(1);
    }
    // The length prefix keeps a shifted boundary between key and id apart.
    assertThat(WeightedRendezvous.uniform("ab", "c"))
        .isNotEqualTo(WeightedRendezvous.uniform("a", "bc"));
  }

  @Test
  void anItemOfWeightZeroIsNeverPicked() {
    List<Item> items = List.of(new Item("off", 0), new Item("on", 1), new Item("off2", 0));
    for (String key : randomKeys()) {
      assertThat(pick(key, items).id()).isEqualTo("on");
    }
  }

  @Test
  void noPositiveWeightIsAnError() {
    assertThatThrownBy(() -> pick("k", List.of(new Item("a", 0), new Item("b", 0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no item has a positive weight");
    assertThatThrownBy(() -> pick("k", List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("no item has a positive weight");
  }

  @Test
  void aNegativeWeightIsAnError() {
    assertThatThrownBy(() -> pick("k", List.of(new Item("a", 1), new Item("b", -1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight of b must be >= 0 but was -1");
  }

  @Test
  void nullArgumentsAreNamed() {
    List<Item> items = List.of(new Item("a", 1));
    assertThatThrownBy(() -> pick(null, items)).hasMessage("key");
    assertThatThrownBy(() -> pick("k", null)).hasMessage("items");
    assertThatThrownBy(() -> WeightedRendezvous.pick("k", items, null, Item::id))
        .hasMessage("weight");
    assertThatThrownBy(() -> WeightedRendezvous.pick("k", items, Item::weight, null))
        .hasMessage("id");
    assertThatThrownBy(() -> WeightedRendezvous.pick("k", items, Item::weight, i -> null))
        .isInstanceOf(NullPointerException.class).hasMessage("id of item");
  }

  @Test
  void ninetyTenSplitsByWeight() {
    assertSplitsByWeight(randomKeys(), List.of(new Item("a", 90), new Item("b", 10)));
  }

  @Test
  void fiftyFiftySplitsByWeight() {
    assertSplitsByWeight(randomKeys(), List.of(new Item("a", 50), new Item("b", 50)));
  }

  @Test
  void aThreeWaySplitFollowsTheWeights() {
    assertSplitsByWeight(
        randomKeys(), List.of(new Item("a", 70), new Item("b", 20), new Item("c", 10)));
  }

  @Test
  void keysThatDifferInOneCharAreSpreadEvenly() {
    assertSplitsByWeight(similarKeys(), List.of(new Item("a", 50), new Item("b", 50)));
    assertSplitsByWeight(
        similarKeys(), List.of(new Item("a", 70), new Item("b", 20), new Item("c", 10)));
    assertSplitsByWeight(similarKeys(), List.of(new Item("a", 90), new Item("b", 10)));
  }

  @Test
  void goingFromNinetyTenToFiftyFiftyMovesTheMinimumAndOnlyFromAToB() {
    List<Item> before = List.of(new Item("a", 90), new Item("b", 10));
    List<Item> after = List.of(new Item("a", 50), new Item("b", 50));
    int moved = 0;
    for (String key : randomKeys()) {
      String from = pick(key, before).id();
      String to = pick(key, after).id();
      if (!from.equals(to)) {
        assertThat(from + "->" + to).as("key %s", key).isEqualTo("a->b");
        moved++;
      }
    }
    assertThat(moved / (double) KEYS).isBetween(0.38, 0.42);
  }

  @Test
  void addingATargetOnlyTakesKeysForItself() {
    List<Item> before = List.of(new Item("a", 50), new Item("b", 50));
    List<Item> after = List.of(new Item("a", 50), new Item("b", 50), new Item("c", 10));
    int moved = 0;
    for (String key : randomKeys()) {
      String from = pick(key, before).id();
      String to = pick(key, after).id();
      if (!from.equals(to)) {
        assertThat(to).as("key %s moved from %s", key, from).isEqualTo("c");
        moved++;
      }
    }
    assertThat(moved / (double) KEYS).isCloseTo(10 / 110.0, within(0.015));
  }

  @Test
  void removingATargetOnlyMovesItsOwnKeys() {
    List<Item> before = List.of(new Item("a", 70), new Item("b", 20), new Item("c", 10));
    List<Item> after = List.of(new Item("a", 70), new Item("b", 20), new Item("c", 0));
    for (String key : randomKeys()) {
      String from = pick(key, before).id();
      if (!from.equals("c")) {
        assertThat(pick(key, after).id()).as("key %s", key).isEqualTo(from);
      }
    }
  }
}
