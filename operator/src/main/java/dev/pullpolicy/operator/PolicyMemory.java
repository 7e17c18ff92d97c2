package dev.pullpolicy.operator;

import dev.pullpolicy.api.v1alpha1.SecretReference;
import dev.pullpolicy.operator.apply.Outcome;
import dev.pullpolicy.operator.desired.NamespacePlan;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the passes of one policy found, kept between its reconciles so that a pass over the few
 * namespaces an event concerns can still report the status of all: the last outcome of every
 * namespace that counts in the status (selected, in conflict, failed) and the namespaces that opt
 * out, and what the last full pass was based on. A full pass replaces all of it; a partial pass
 * replaces the entries of the namespaces it planned. Outcomes only (names, results, counts,
 * reasons), never a cluster object.
 *
 * <p>Written by the policy's reconcile (one at a time per policy), read by event mappers on other
 * threads ({@link #mentions}): the maps are concurrent.
 */
final class PolicyMemory {

  /**
   * What a full pass depends on besides the caches: when any of it changes, a partial pass could
   * miss namespaces, so the next pass is full.
   *
   * @param uid the policy's uid (a policy deleted and made again is another policy)
   * @param generation its spec's generation
   * @param sourceHash the hash of its merged sources (a rotation changes every copy)
   * @param allSources the sources of every policy (a Secret named as a source is never written)
   */
  record Basis(String uid, long generation, String sourceHash, Set<SecretReference> allSources) {}

  private final Basis basis;
  private final Instant fullPassAt;
  private final Map<String, Outcome> outcomes = new ConcurrentHashMap<>();
  private final Set<String> ignored = ConcurrentHashMap.newKeySet();

  private PolicyMemory(Basis basis, Instant fullPassAt) {
    this.basis = basis;
    this.fullPassAt = fullPassAt;
  }

  /** The memory after a full pass that started at {@code startedAt}. */
  static PolicyMemory afterFullPass(
      Basis basis, Instant startedAt, List<NamespacePlan> plans, List<Outcome> outcomes) {
    PolicyMemory m = new PolicyMemory(basis, startedAt);
    m.record(plans, outcomes);
    return m;
  }

  /**
   * True when a pass over some namespaces may rely on this memory: the same basis, and the last
   * full pass less than {@code fullPassInterval} ago (the periodic resync plans everything, so that
   * a missed event is caught up then).
   */
  boolean allowsPartialPass(Basis current, Instant now, Duration fullPassInterval) {
    return basis.equals(current) && now.isBefore(fullPassAt.plus(fullPassInterval));
  }

  /** Replaces what is known of the namespaces a partial pass planned. */
  void afterPartialPass(Collection<String> planned, List<NamespacePlan> plans, List<Outcome> out) {
    for (String ns : planned) {
      outcomes.remove(ns);
      ignored.remove(ns);
    }
    record(plans, out);
  }

  private void record(List<NamespacePlan> plans, List<Outcome> out) {
    for (int i = 0; i < plans.size(); i++) {
      NamespacePlan p = plans.get(i);
      Outcome o = out.get(i);
      if (p.state() == NamespacePlan.State.IGNORED) {
        ignored.add(p.namespace());
      } else if (o.result() != Outcome.Result.NONE) {
        // what was written is this pass's news, not a fact to carry over
        outcomes.put(p.namespace(), o.withoutWrite());
      }
    }
  }

  /** True when a namespace counts in this policy's status (selected, in conflict, opted out). */
  boolean mentions(String namespace) {
    return outcomes.containsKey(namespace) || ignored.contains(namespace);
  }

  /** The namespaces that opt out. */
  int ignored() {
    return ignored.size();
  }

  /**
   * Every namespace's outcome for the status: this pass's for the namespaces it planned, the
   * remembered one for the rest.
   */
  List<Outcome> outcomesWith(Collection<String> planned, List<Outcome> pass) {
    Set<String> skip = planned instanceof Set<String> s ? s : new HashSet<>(planned);
    List<Outcome> all = new ArrayList<>(outcomes.size() + pass.size());
    all.addAll(pass);
    for (Map.Entry<String, Outcome> e : outcomes.entrySet()) {
      if (!skip.contains(e.getKey())) {
        all.add(e.getValue());
      }
    }
    return all;
  }
}
