package dev.pullpolicy.api.conditions;

/**
 * Why one selected namespace is not synced: the {@code reason} of an entry of {@code
 * status.failures}. The first four are conflicts (counted in {@code namespaces.conflicts}): the
 * target name is taken by a Secret the policy may not write. The others are failed writes (counted
 * in {@code namespaces.failed}).
 */
public enum FailureReason {
  /** A Secret with the target name exists that pullpolicy does not manage ({@code Skip}). */
  Unmanaged(true),
  /** The Secret with the target name is another policy's copy. */
  OwnedByOtherPolicy(true),
  /** The Secret with the target name is a source (of any policy); a source is never written. */
  SourceSecret(true),
  /**
   * A Secret with the target name exists that is not a pull Secret ({@code
   * kubernetes.io/dockerconfigjson} or {@code kubernetes.io/dockercfg}): never adopted, even with
   * {@code onConflict: Adopt}.
   */
  NotAPullSecret(true),
  /** The API server refused a write (HTTP 403). */
  Forbidden(false),
  /** An object went away during the write (HTTP 404). */
  NotFound(false),
  /** A write kept conflicting with other writers (HTTP 409 after retries). */
  Conflict(false),
  /** The API server rejected the object (HTTP 422). */
  Invalid(false),
  /** Any other failure of a write. */
  WriteFailed(false);

  private final boolean conflict;

  FailureReason(boolean conflict) {
    this.conflict = conflict;
  }

  /** True for a conflict over the target name, false for a failed write. */
  public boolean isConflict() {
    return conflict;
  }
}
