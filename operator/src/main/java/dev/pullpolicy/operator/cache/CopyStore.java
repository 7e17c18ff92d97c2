package dev.pullpolicy.operator.cache;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.informers.cache.Cache;
import io.fabric8.kubernetes.client.informers.cache.ItemStore;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The copies informer's store: every Secret it receives is kept as a {@link CachedCopy} (metadata,
 * type, hash of the data; no data).
 *
 * <p>It reports {@link #isFullState()} true on purpose: the informer then announces the objects of
 * its initial list (and of a re-list) from this store, after the list, rather than each received
 * object as it arrives. A store that says false (JOSDK's {@code TransformingItemStore}, fabric8's
 * {@code ReducedStateItemStore}) makes fabric8 queue one notification per listed object holding the
 * object as received, data and all, until the list is done: with 300 copies of 1 MiB that alone
 * exceeded the Deployment's heap at start-up. Our event handlers read metadata only, so the stored
 * object is all they need.
 */
public final class CopyStore implements ItemStore<Secret> {
  private final ConcurrentHashMap<String, Secret> items = new ConcurrentHashMap<>();

  @Override
  public String getKey(Secret s) {
    return Cache.metaNamespaceKeyFunc(s);
  }

  @Override
  public Secret put(String key, Secret s) {
    return items.put(key, CachedCopy.of(s));
  }

  @Override
  public Secret remove(String key) {
    return items.remove(key);
  }

  @Override
  public Stream<String> keySet() {
    return items.keySet().stream();
  }

  @Override
  public Stream<Secret> values() {
    return items.values().stream();
  }

  @Override
  public int size() {
    return items.size();
  }

  @Override
  public Secret get(String key) {
    return items.get(key);
  }

  @Override
  public boolean isFullState() {
    return true;
  }
}
