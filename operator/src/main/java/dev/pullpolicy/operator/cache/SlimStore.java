package dev.pullpolicy.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object as {@code slim} makes it: only what the operator
 * reads, so that the cache's memory per object does not carry managed fields, status, annotations
 * or (for copies, {@link #copies()}) data it never looks at.
 *
 * <p>It reports {@link #isFullState()} true on purpose: the informer then announces the objects of
 * its initial list (and of a re-list) from this store, after the list, rather than each received
 * object as it arrives. A store that says false (JOSDK's {@code TransformingItemStore}, fabric8's
 * {@code ReducedStateItemStore}) makes fabric8 queue one notification per listed object holding the
 * object as received, data and all, until the list is done: with 300 copies of 1 MiB that alone
 * exceeded the Deployment's heap at start-up. Our event handlers read what the slim object keeps,
 * so the stored object is all they need.
 */
public final class SlimStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
  private final UnaryOperator<T> slim;

  public SlimStore(UnaryOperator<T> slim) {
    this.slim = slim;
  }

  /** The copies informer's store: every Secret kept as a {@link CachedCopy} (no data). */
  public static SlimStore<Secret> copies() {
    return new SlimStore<>(CachedCopy::of);
  }

  @Override
  public String getKey(T o) {
    return Cache.metaNamespaceKeyFunc(o);
  }

  @Override
  public T put(String key, T o) {
    return items.put(key, slim.apply(o));
  }

  @Override
  public T remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<T> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public T get(String key) {
    return items.get(key);
  }

  @Override
  public boolean isFullState() {
    return true;
  }
}
