package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.ownership.Ownership;
import dev.pullpolicy.api.ownership.ServiceAccountEntries;
import dev.pullpolicy.api.ownership.WriteDecision;
import dev.pullpolicy.api.selection.NamespaceVerdict;
import dev.pullpolicy.api.selection.Namespaces;
import dev.pullpolicy.api.selection.ServiceAccounts;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.ServiceAccountSelection;
import dev.pullpolicy.operator.desired.NamespacePlan.EntryRemoval;
import dev.pullpolicy.operator.desired.NamespacePlan.State;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Computes, from cached state only, what every namespace needs for one policy. Pure: no client, no
 * clock, no writes. Which namespaces and ServiceAccounts are selected, and what may be done with
 * the Secret at the target name, are the API module's rules ({@link Namespaces}, {@link
 * ServiceAccounts}, {@link Ownership}).
 */
public final class Planner {
  private Planner() {}

  /**
   * @param policy the policy
   * @param config the merged sources
   * @param ownership the ownership rules for the policy (knowing every policy's sources)
   * @param knownConflicts namespaces where the last status reported a Secret at the target name
   *     that the policy may not write and that the cache cannot show (reason Unmanaged)
   * @param namespaces every namespace (from the cache)
   * @param managedSecrets every Secret labelled managed-by pullpolicy (from the cache)
   * @param serviceAccounts every ServiceAccount (from the cache)
   */
  public static List<NamespacePlan> plan(
      PullCredentialPolicy policy,
      MergedConfig config,
      Ownership ownership,
      Set<String> knownConflicts,
      Collection<Namespace> namespaces,
      Collection<Secret> managedSecrets,
      Collection<ServiceAccount> serviceAccounts) {
    String me = policy.getMetadata().getName();
    String target = ownership.target();
    NamespaceSelection selection = policy.getSpec().getNamespaces();
    ServiceAccountSelection saSelection = policy.getSpec().getServiceAccounts();
    DesiredCopy desiredCopy = DesiredCopy.of(policy, config); // once per plan, not per namespace

    Map<String, List<Secret>> secretsByNs = new HashMap<>();
    for (Secret s : managedSecrets) {
      secretsByNs.computeIfAbsent(s.getMetadata().getNamespace(), k -> new ArrayList<>(1)).add(s);
    }
    Map<String, List<ServiceAccount>> sasByNs = new HashMap<>();
    for (ServiceAccount sa : serviceAccounts) {
      sasByNs.computeIfAbsent(sa.getMetadata().getNamespace(), k -> new ArrayList<>(2)).add(sa);
    }

    List<NamespacePlan> plans = new ArrayList<>();
    for (Namespace ns : namespaces) {
      String name = ns.getMetadata().getName();
      NamespaceVerdict verdict = Namespaces.verdict(selection, ns);
      if (verdict == NamespaceVerdict.TERMINATING) {
        continue;
      }
      List<Secret> secrets = secretsByNs.getOrDefault(name, List.of());
      List<ServiceAccount> sas = sasByNs.getOrDefault(name, List.of());
      // one pass over the namespace's copies: ours, and the one holding the target name
      List<Secret> ours = List.of();
      Secret existing = null;
      for (Secret s : secrets) {
        if (me.equals(Ownership.managingPolicy(s))) {
          if (ours.isEmpty()) {
            ours = new ArrayList<>(1);
          }
          ours.add(s);
        }
        if (existing == null && target.equals(s.getMetadata().getName())) {
          existing = s;
        }
      }

      if (verdict != NamespaceVerdict.SELECTED) {
        List<EntryRemoval> removals = new ArrayList<>();
        for (ServiceAccount sa : sas) {
          for (String secretName : ServiceAccountEntries.recordedFor(sa, me)) {
            removals.add(new EntryRemoval(sa, secretName));
          }
        }
        List<Secret> deletes = deletable(ownership, ours);
        State state = verdict == NamespaceVerdict.IGNORED ? State.IGNORED : State.NOT_SELECTED;
        if (state == State.NOT_SELECTED && deletes.isEmpty() && removals.isEmpty()) {
          continue;
        }
        plans.add(
            new NamespacePlan(name, state, null, null, null, deletes, List.of(), removals, 0, 0));
        continue;
      }

      List<Secret> deletes = List.of();
      for (Secret s : ours) {
        if (!target.equals(s.getMetadata().getName())) {
          deletes = deletable(ownership, ours, target);
          break;
        }
      }
      List<EntryRemoval> removals = new ArrayList<>();
      List<ServiceAccount> add = new ArrayList<>();
      int selected = 0;
      int patched = 0;
      for (ServiceAccount sa : sas) {
        List<String> recorded = ServiceAccountEntries.recordedFor(sa, me); // once per SA
        for (String secretName : recorded) {
          if (!secretName.equals(target)) {
            removals.add(new EntryRemoval(sa, secretName));
          }
        }
        if (ServiceAccounts.selected(saSelection, sa)) {
          selected++;
          if (ServiceAccountEntries.hasEntry(sa, target)) {
            patched++;
          } else {
            add.add(sa);
          }
        } else if (recorded.contains(target)) {
          removals.add(new EntryRemoval(sa, target));
        }
      }

      WriteDecision decision =
          existing == null
              ? ownership.decide(name, null, null)
              : ownership.decide(name, existing.getMetadata(), existing.getType());
      State state;
      Secret desired = null;
      switch (decision.action()) {
        case SERVED_BY_SOURCE -> state = State.SYNCED;
        case CONFLICT -> state = State.CONFLICT;
        case UPDATE -> state = desiredCopy.inSync(existing) ? State.SYNCED : State.WRITE;
        case CREATE -> state = knownConflicts.contains(name) ? State.CHECK : State.WRITE;
        default -> state = State.WRITE; // ADOPT: a labelled Secret naming no policy
      }
      if (state == State.WRITE || state == State.CHECK) {
        desired = desiredCopy.secret(name);
      }
      boolean conflict = state == State.CONFLICT;
      plans.add(
          new NamespacePlan(
              name,
              state,
              decision,
              desired,
              state == State.WRITE ? existing : null,
              deletes,
              conflict ? List.of() : add,
              removals,
              selected,
              conflict ? 0 : patched));
    }
    plans.sort(Comparator.comparing(NamespacePlan::namespace));
    return plans;
  }

  /** Our copies that the ownership rules let us delete (never a source). */
  private static List<Secret> deletable(Ownership ownership, List<Secret> ours) {
    return deletable(ownership, ours, null);
  }

  /** As {@link #deletable(Ownership, List)}, keeping the one named {@code keep}. */
  private static List<Secret> deletable(Ownership ownership, List<Secret> ours, String keep) {
    if (ours.isEmpty()) {
      return List.of();
    }
    List<Secret> deletes = new ArrayList<>(ours.size());
    for (Secret s : ours) {
      String name = s.getMetadata().getName();
      if (!name.equals(keep)
          && ownership.mayDelete(
              s.getMetadata().getNamespace(), name, s.getMetadata(), s.getType())) {
        deletes.add(s);
      }
    }
    return deletes;
  }
}
