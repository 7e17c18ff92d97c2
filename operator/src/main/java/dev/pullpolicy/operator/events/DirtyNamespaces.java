package dev.pullpolicy.operator.events;

import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The namespaces each policy must look at again: an event about a Namespace, a ServiceAccount or a
 * copy marks its namespace for every policy it concerns ({@link AffectedPolicies}) before the event
 * triggers that policy's reconcile, and the reconcile drains the set when it starts. Events that
 * arrive while it runs mark the set for the next reconcile, which JOSDK runs after this one. A hint
 * only: the reconciler plans every namespace when it has no other basis (its first pass, a change
 * of spec or sources, a failed pass, the periodic resync), so a missed mark costs time, never
 * correctness. Thread-safe: marks come from the informers' threads.
 */
public final class DirtyNamespaces {
  private final Map<String, Set<String>> byPolicy = new ConcurrentHashMap<>();

  /** Marks the namespace for each of the policies. */
  public void mark(Collection<String> policies, String namespace) {
    for (String p : policies) {
      mark(p, namespace);
    }
  }

  /** Marks the namespace for the policy. */
  public void mark(String policy, String namespace) {
    byPolicy.computeIfAbsent(policy, k -> ConcurrentHashMap.newKeySet()).add(namespace);
  }

  /**
   * Takes the policy's marks: the namespaces marked since the last drain. A mark made while this
   * runs is either in the result or stays for the next drain, never lost.
   */
  public Set<String> drain(String policy) {
    Set<String> marked = byPolicy.get(policy);
    if (marked == null || marked.isEmpty()) {
      return Set.of();
    }
    Set<String> taken = new java.util.HashSet<>();
    for (var it = marked.iterator(); it.hasNext(); ) {
      String ns = it.next();
      it.remove();
      taken.add(ns);
    }
    return taken;
  }

  /** Drops the policy's marks (it is deleted). */
  public void forget(String policy) {
    byPolicy.remove(policy);
  }
}
