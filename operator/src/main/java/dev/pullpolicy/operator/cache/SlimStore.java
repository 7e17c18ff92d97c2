package dev.pullpolicy.operator.cache;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * An informer's store that keeps each object as {@code slim} makes it: only what the operator
 * reads, so that the cache's memory per object does not carry managed fields, status or annotations
 * it never looks at. Like {@link CopyStore} it reports {@link #isFullState()} true, so the informer
 * announces a list from the store rather than queueing each received object whole.
 */
public final class SlimStore<T extends HasMetadata> implements ItemStore<T> {
  private final ConcurrentHashMap<String, T> items = new ConcurrentHashMap<>();
  private final UnaryOperator<T> slim;

  public SlimStore(UnaryOperator<T> slim) {
    this.slim = slim;
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
