package dev.pullpolicy.operator.status;

import dev.pullpolicy.api.conditions.ConditionType;
import dev.pullpolicy.api.conditions.ReadyReason;
import dev.pullpolicy.api.conditions.SourceValidReason;
import dev.pullpolicy.api.sources.MergedConfig;
import dev.pullpolicy.api.sources.SourceProblem;
import dev.pullpolicy.api.v1alpha1.Failure;
import dev.pullpolicy.api.v1alpha1.NamespaceCounts;
import dev.pullpolicy.api.v1alpha1.PullCredentialPolicyStatus;
import dev.pullpolicy.api.v1alpha1.ServiceAccountCounts;
import dev.pullpolicy.operator.admission.AdmissionState;
import dev.pullpolicy.operator.apply.Outcome;
import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Builds the policy's status from what a reconcile observed and did. Pure apart from the injected
 * clock. A condition keeps its lastTransitionTime unless its status changes; fields that did not
 * change stay equal, so that an unchanged status is never written.
 */
public final class StatusFactory {
  private final Clock clock;

  public StatusFactory(Clock clock) {
    this.clock = clock;
  }

  /** The status after a reconcile that merged the sources and applied the plans. */
  public PullCredentialPolicyStatus synced(
      PullCredentialPolicyStatus previous,
      long generation,
      MergedConfig config,
      int sourceCount,
      int ignored,
      List<Outcome> outcomes) {
    PullCredentialPolicyStatus prev =
        previous == null ? new PullCredentialPolicyStatus() : previous;
    PullCredentialPolicyStatus s = new PullCredentialPolicyStatus();
    s.setObservedGeneration(generation);
    List<String> registries = config.registries();
    int shown = Math.min(registries.size(), PullCredentialPolicyStatus.MAX_REGISTRIES);
    s.setRegistries(new ArrayList<>(registries.subList(0, shown)));
    s.setRegistriesOmitted(registries.size() > shown ? registries.size() - shown : null);
    s.setSourceHash(config.hash());

    int selected = 0, synced = 0, failed = 0, conflicts = 0, saSelected = 0, saPatched = 0;
    boolean wrote = false;
    List<Failure> failures = new ArrayList<>();
    for (Outcome o : outcomes) {
      wrote |= o.wrote();
      switch (o.result()) {
        case SYNCED -> {
          selected++;
          synced++;
          saSelected += o.serviceAccountsSelected();
          saPatched += o.serviceAccountsPatched();
        }
        case CONFLICT -> {
          selected++;
          conflicts++;
          failures.add(new Failure(o.namespace(), o.reason().name(), o.message()));
        }
        case FAILED -> {
          selected++;
          failed++;
          failures.add(new Failure(o.namespace(), o.reason().name(), o.message()));
        }
        case NONE -> {}
      }
    }
    failures.sort(Comparator.comparing(Failure::getNamespace));
    s.setFailures(
        new ArrayList<>(
            failures.subList(
                0, Math.min(failures.size(), PullCredentialPolicyStatus.MAX_FAILURES))));
    s.setNamespaces(new NamespaceCounts(selected, synced, failed, conflicts, ignored));
    s.setServiceAccounts(new ServiceAccountCounts(saSelected, saPatched));

    String validMessage =
        sourceCount
            + (sourceCount == 1 ? " source, " : " sources, ")
            + config.registries().size()
            + (config.registries().size() == 1 ? " registry" : " registries")
            + (config.notes().isEmpty() ? "" : "; " + String.join("; ", config.notes()))
            + (config.notesOmitted() > 0 ? "; and " + config.notesOmitted() + " more notes" : "");
    Condition sourceValid =
        condition(
            prev,
            ConditionType.SourceValid,
            "True",
            SourceValidReason.SourcesValid.name(),
            validMessage,
            generation);
    boolean allSynced = synced == selected && saPatched == saSelected;
    String readyMessage =
        synced
            + "/"
            + selected
            + " namespaces synced"
            + (conflicts > 0 ? ", " + conflicts + " in conflict" : "")
            + (failed > 0 ? ", " + failed + " failed" : "")
            + ", "
            + saPatched
            + "/"
            + saSelected
            + " ServiceAccounts patched";
    Condition ready =
        condition(
            prev,
            ConditionType.Ready,
            allSynced ? "True" : "False",
            (allSynced
                    ? (selected == 0 ? ReadyReason.NoNamespacesSelected : ReadyReason.AllSynced)
                    : ReadyReason.NotAllSynced)
                .name(),
            readyMessage,
            generation);
    s.setConditions(new ArrayList<>(List.of(ready, sourceValid)));
    // lastSyncTime moves only when this reconcile brought everything in sync by writing
    s.setLastSyncTime(
        allSynced && (wrote || prev.getLastSyncTime() == null) ? now() : prev.getLastSyncTime());
    if (allSynced && !wrote && prev.getLastSyncTime() != null) {
      s.setLastSyncTime(prev.getLastSyncTime());
    }
    return s;
  }

  /** The status when the sources are unusable: counts and copies are left as they were. */
  public PullCredentialPolicyStatus sourceInvalid(
      PullCredentialPolicyStatus previous, long generation, SourceProblem problem) {
    PullCredentialPolicyStatus prev =
        previous == null ? new PullCredentialPolicyStatus() : previous;
    PullCredentialPolicyStatus s = new PullCredentialPolicyStatus();
    s.setObservedGeneration(generation);
    s.setRegistries(prev.getRegistries());
    s.setRegistriesOmitted(prev.getRegistriesOmitted());
    s.setSourceHash(prev.getSourceHash());
    s.setNamespaces(prev.getNamespaces());
    s.setServiceAccounts(prev.getServiceAccounts());
    s.setFailures(prev.getFailures());
    s.setLastSyncTime(prev.getLastSyncTime());
    Condition sourceValid =
        condition(
            prev,
            ConditionType.SourceValid,
            "False",
            problem.reason().name(),
            problem.getMessage(),
            generation);
    Condition ready =
        condition(
            prev,
            ConditionType.Ready,
            "False",
            ReadyReason.SourceInvalid.name(),
            "sources are not usable ("
                + problem.reason().name()
                + "); existing copies are left as they are",
            generation);
    s.setConditions(new ArrayList<>(List.of(ready, sourceValid)));
    return s;
  }

  /**
   * Adds the {@code AdmissionActive} condition to a status built by {@link #synced} or {@link
   * #sourceInvalid}: whether the API server adds the entry to ServiceAccounts as they are created.
   * Informational: Ready does not depend on it.
   */
  public PullCredentialPolicyStatus withAdmission(
      PullCredentialPolicyStatus status,
      PullCredentialPolicyStatus previous,
      long generation,
      AdmissionState admission) {
    PullCredentialPolicyStatus prev =
        previous == null ? new PullCredentialPolicyStatus() : previous;
    List<Condition> conditions = new ArrayList<>(status.getConditions());
    conditions.removeIf(c -> ConditionType.AdmissionActive.name().equals(c.getType()));
    conditions.add(
        condition(
            prev,
            ConditionType.AdmissionActive,
            admission.status(),
            admission.reason().name(),
            admission.message(),
            generation));
    status.setConditions(conditions);
    return status;
  }

  /**
   * A condition; lastTransitionTime is kept from the previous one of that type unless status
   * changes.
   */
  Condition condition(
      PullCredentialPolicyStatus prev,
      ConditionType type,
      String status,
      String reason,
      String message,
      long generation) {
    Condition old = prev.condition(type);
    String since =
        old != null
                && Objects.equals(old.getStatus(), status)
                && old.getLastTransitionTime() != null
            ? old.getLastTransitionTime()
            : now();
    return new ConditionBuilder()
        .withType(type.name())
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .withObservedGeneration(generation)
        .withLastTransitionTime(since)
        .build();
  }

  private String now() {
    return Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** True when the status describes every selected namespace as synced. */
  public static boolean isReady(PullCredentialPolicyStatus s) {
    Condition c = s.condition(ConditionType.Ready);
    return c != null && "True".equals(c.getStatus());
  }
}
