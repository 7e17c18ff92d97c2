package dev.pullpolicy.bench;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Waits until a set of objects, seen through the benchmark's own watches, all satisfy a condition,
 * and remembers when each one first did (System.nanoTime of the watch event).
 */
final class Convergence<T> {

  private final String what;
  private final Predicate<T> done;
  private final Set<String> pending = ConcurrentHashMap.newKeySet();
  private final Map<String, Long> doneAt = new ConcurrentHashMap<>();
  private final CountDownLatch latch = new CountDownLatch(1);
  private final int expected;

  Convergence(String what, Collection<String> keys, Predicate<T> done) {
    this.what = what;
    this.done = done;
    this.pending.addAll(keys);
    this.expected = keys.size();
    if (pending.isEmpty()) {
      latch.countDown();
    }
  }

  /** Called by a watch handler for every added or modified object. */
  void offer(String key, T object, long nanos) {
    if (pending.contains(key) && done.test(object) && pending.remove(key)) {
      doneAt.put(key, nanos);
      if (pending.isEmpty()) {
        latch.countDown();
      }
    }
  }

  /** Waits until every key is done; false on time-out. */
  boolean await(Duration timeout) throws InterruptedException {
    return latch.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** When the last key was done (nanoTime); only meaningful after {@link #await} returned true. */
  long lastDoneNanos() {
    return doneAt.values().stream().mapToLong(Long::longValue).max().orElse(System.nanoTime());
  }

  Long doneAt(String key) {
    return doneAt.get(key);
  }

  int pendingCount() {
    return pending.size();
  }

  String describe() {
    return what + ": " + (expected - pending.size()) + "/" + expected + " done";
  }

  Set<String> pendingSample() {
    return pending.stream().limit(5).collect(java.util.stream.Collectors.toSet());
  }
}
