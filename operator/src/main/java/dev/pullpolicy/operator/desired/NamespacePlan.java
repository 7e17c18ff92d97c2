package dev.pullpolicy.operator.desired;

import dev.pullpolicy.api.ownership.WriteDecision;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import java.util.List;

/**
 * What one namespace needs, planned from cached state.
 *
 * @param namespace the namespace
 * @param state what the policy makes of it
 * @param decision for a selected namespace: what {@code Ownership} decided from the cached Secret
 *     at the target name (a conflict's reason and message are in it); null otherwise
 * @param desired the desired copy when {@code state} is {@link State#WRITE} or {@link State#CHECK}
 * @param existing the cached Secret at the target name to update, or null to create
 * @param deletes our copies to delete (stale name, or namespace no longer selected)
 * @param addEntry ServiceAccounts (as cached) that lack the entry
 * @param removeEntries entries to remove: ServiceAccount (as cached) and Secret name
 * @param serviceAccountsSelected selected ServiceAccounts in the namespace
 * @param serviceAccountsPatched selected ServiceAccounts that already list the copy
 */
public record NamespacePlan(
    String namespace,
    State state,
    WriteDecision decision,
    Secret desired,
    Secret existing,
    List<Secret> deletes,
    List<ServiceAccount> addEntry,
    List<EntryRemoval> removeEntries,
    int serviceAccountsSelected,
    int serviceAccountsPatched) {

  /** The state of a namespace before any write. */
  public enum State {
    /** Selected, copy in sync (or the source itself serves there). */
    SYNCED,
    /** Selected, the copy must be created or updated. */
    WRITE,
    /**
     * Selected, nothing cached at the target name, but the last status reported a Secret there that
     * the policy may not write: read it and decide again before any write.
     */
    CHECK,
    /** Selected, but the target name is taken by something the policy may not write. */
    CONFLICT,
    /** Opted out: only removals. */
    IGNORED,
    /** Not selected: only removals of what we left there. */
    NOT_SELECTED
  }

  /** Our entry for {@code secretName} to remove from a ServiceAccount. */
  public record EntryRemoval(ServiceAccount serviceAccount, String secretName) {}

  public boolean selected() {
    return state == State.SYNCED
        || state == State.WRITE
        || state == State.CHECK
        || state == State.CONFLICT;
  }

  /** True when the namespace needs no API call at all. */
  public boolean quiet() {
    return state != State.WRITE
        && state != State.CHECK
        && deletes.isEmpty()
        && (state == State.CONFLICT || addEntry.isEmpty())
        && removeEntries.isEmpty();
  }
}
