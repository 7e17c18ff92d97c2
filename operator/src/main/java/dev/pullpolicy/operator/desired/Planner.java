package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.v1alpha1.NamespaceSelection;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicy;
import dev.pullpolicy.api.v1alpha1.SecretReference;
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
import java.util.Objects;

/**
 * Computes, from cached state only, what every namespace needs for one policy. Pure: no client, no
 * clock, no writes.
 */
public final class Planner {
  private Planner() {}

  /**
   * @param policy the policy
   * @param config the merged sources
   * @param namespaces every namespace (from the cache)
   * @param managedSecrets every Secret labelled managed-by pullpolicy (from the cache)
   * @param serviceAccounts every ServiceAccount (from the cache)
   */
  public static List<NamespacePlan> plan(
      PullCredentialPolicy policy,
      MergedConfig config,
      Collection<Namespace> namespaces,
      Collection<Secret> managedSecrets,
      Collection<ServiceAccount> serviceAccounts) {
    String me = policy.getMetadata().getName();
    String target = Copies.targetName(policy);
    List<SecretReference> sources = policy.getSpec().getSources();
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
      NamespaceVerdict verdict = NamespaceSelector.verdict(selection, ns);
      if (verdict == NamespaceVerdict.TERMINATING) {
        continue;
      }
      List<Secret> secrets = secretsByNs.getOrDefault(name, List.of());
      List<ServiceAccount> sas = sasByNs.getOrDefault(name, List.of());
      // one pass over the namespace's copies: ours, and the one holding the target name
      List<Secret> ours = List.of();
      Secret existing = null;
      for (Secret s : secrets) {
        if (me.equals(Copies.managingPolicy(s))) {
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
        State state = verdict == NamespaceVerdict.IGNORED ? State.IGNORED : State.NOT_SELECTED;
        if (state == State.NOT_SELECTED && ours.isEmpty() && removals.isEmpty()) {
          continue;
        }
        plans.add(
            new NamespacePlan(
                name, state, null, null, null, null, ours, List.of(), removals, 0, 0));
        continue;
      }

      List<Secret> deletes = new ArrayList<>(0);
      for (Secret s : ours) {
        if (!target.equals(s.getMetadata().getName())) {
          deletes.add(s);
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
        if (ServiceAccountEntries.selected(saSelection, sa)) {
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

      State state;
      String reason = null;
      String message = null;
      Secret desired = null;
      String existingOwner = existing == null ? null : Copies.managingPolicy(existing);
      if (isSource(sources, name, target)) {
        SecretReference here = new SecretReference(name, target);
        if (sources.size() == 1) {
          state = State.SYNCED; // the source itself serves in its own namespace
        } else {
          state = State.CONFLICT;
          reason = "SourceSecret";
          message = "Secret " + here + " is one of several sources; it cannot hold the merged copy";
        }
      } else if (existing != null && !me.equals(existingOwner)) {
        state = State.CONFLICT;
        reason = "OwnedByOtherPolicy";
        message = "Secret " + name + "/" + target + " is managed by policy " + existingOwner;
      } else if (existing != null && desiredCopy.inSync(existing)) {
        state = State.SYNCED;
      } else {
        state = State.WRITE;
        desired = desiredCopy.secret(name);
      }
      plans.add(
          new NamespacePlan(
              name,
              state,
              reason,
              message,
              desired,
              state == State.WRITE ? existing : null,
              deletes,
              state == State.CONFLICT ? List.of() : add,
              removals,
              selected,
              state == State.CONFLICT ? 0 : patched));
    }
    plans.sort(Comparator.comparing(NamespacePlan::namespace));
    return plans;
  }

  /** True when the reference names one of the given sources. */
  public static boolean isSource(Collection<SecretReference> sources, String ns, String name) {
    for (SecretReference r : sources) {
      if (r != null && Objects.equals(r.getNamespace(), ns) && Objects.equals(r.getName(), name)) {
        return true;
      }
    }
    return false;
  }
}
