package dev.aigateway.core.internal;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToIntFunction;

/**
 * Sticky weighted picks: weighted rendezvous hashing, also called highest random weight.
 *
 * <p>For a key (a client id, a conversation id) every item with a positive weight gets the score
 * {@code -weight / ln(u)}, where {@code u} is a uniform number in (0, 1) hashed from the key and
 * the item's id, and the highest score wins. {@code -1 / ln(u)} scaled by the weight is the
 * inverse of an exponential variable with rate {@code weight}, so an item wins for a share of keys
 * equal to its share of the total weight.
 *
 * <p>What this guarantees:
 *
 * <ul>
 *   <li><b>Sticky.</b> The same key with the same items, ids and weights always picks the same
 *       item, in every JVM: the hash is fixed here, not {@link String#hashCode()} or a random seed.
 *       The order of the list does not matter (except in a tie of two equal 64-bit hashes, where
 *       the earlier item wins).
 *   <li><b>Minimal movement.</b> An item's score depends only on the key, its own id and its own
 *       weight. So when weights change, a key moves only to an item whose weight grew or away
 *       from one whose weight shrank, never between two items whose weights stayed the same.
 *       Going from 90/10 to 50/50 moves about 40% of keys, all from the first item to the second,
 *       which is the least any assignment can move. Adding an item only takes keys from the
 *       others, in proportion to its weight; removing one (or setting its weight to 0) moves only
 *       its own keys.
 *   <li><b>Weight 0 is never picked,</b> and the weights need not add up to anything.
 * </ul>
 *
 * <p>The hash is 64-bit FNV-1a over the UTF-16 chars of the key's length, the key and the item's
 * id (the length prefix keeps {@code ("ab", "c")} apart from {@code ("a", "bc")}), finished with
 * the SplitMix64 mixer so that keys that differ in one char, such as {@code client-1} and
 * {@code client-2}, land far apart. The top 53 bits become {@code u = (bits + 0.5) / 2^53}, which
 * is never 0 or 1, so the logarithm is always finite and negative.
 *
 * <p>Stateless and thread safe: no locks, and no allocation beyond what {@code weight} and
 * {@code id} do. Cost is one hash and one logarithm per item, fine for the handful of targets a
 * route has.
 */
final class WeightedRendezvous {
  private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
  private static final long FNV_PRIME = 0x100000001b3L;

  private WeightedRendezvous() {}

  /**
   * The item that {@code key} goes to.
   *
   * @param key what should stick to one item, such as a client id
   * @param items the candidates, in any order; items of weight 0 are skipped
   * @param weight each item's weight, 0 or more
   * @param id each item's stable identity; it, not the item's position, decides the pick, so it
   *     must not change when the configuration is reloaded
   * @param <T> the item type
   * @return the item with the highest score among those with a positive weight
   * @throws IllegalArgumentException if no item has a positive weight (including an empty list),
   *     or an item has a negative weight
   * @throws NullPointerException if an argument is null, or {@code id} returns null
   */
  static <T> T pick(
      String key, List<T> items, ToIntFunction<T> weight, Function<T, String> id) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(items, "items");
    Objects.requireNonNull(weight, "weight");
    Objects.requireNonNull(id, "id");
    // The key's part of the hash is the same for every item: compute it once.
    long keyState = fnv(fnv(FNV_OFFSET_BASIS, key.length()), key);
    T best = null;
    double bestScore = Double.NEGATIVE_INFINITY;
    for (int i = 0, n = items.size(); i < n; i++) {
      T item = items.get(i);
      int w = weight.applyAsInt(item);
      if (w <= 0) {
        if (w < 0) {
          throw new IllegalArgumentException(
              "weight of " + id.apply(item) + " must be >= 0 but was " + w);
        }
        continue;
      }
      String itemId = Objects.requireNonNull(id.apply(item), "id of item");
      double score = -w / Math.log(uniform(mix(fnv(keyState, itemId))));
      if (score > bestScore) {
        best = item;
        bestScore = score;
      }
    }
    if (best == null) {
      throw new IllegalArgumentException(
          "no item has a positive weight among " + items.size() + " items");
    }
    return best;
  }

  /** The uniform number in (0, 1) that {@code key} and {@code id} score with; for tests. */
  static double uniform(String key, String id) {
    return uniform(mix(fnv(fnv(fnv(FNV_OFFSET_BASIS, key.length()), key), id)));
  }

  private static double uniform(long h) {
    return ((h >>> 11) + 0.5) * 0x1.0p-53;
  }

  private static long fnv(long state, String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      state = fnv(state, s.charAt(i));
    }
    return state;
  }

  private static long fnv(long state, int c) {
    return (state ^ c) * FNV_PRIME;
  }

  /** The SplitMix64 finalizer: every input bit flips each output bit with probability about 1/2. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
