package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Why one namespace is not in sync. */
public class Failure {
  @JsonPropertyDescription("The namespace.")
  private String namespace;

  @JsonPropertyDescription(
      "Why. A conflict over the target name (counted in namespaces.conflicts): Unmanaged (a"
          + " Secret pullpolicy does not manage, onConflict Skip), OwnedByOtherPolicy,"
          + " SourceSecret (a source is never written), NotAPullSecret (a Secret of another type,"
          + " never adopted). A failed write (counted in"
          + " namespaces.failed): Forbidden, NotFound, Conflict (still conflicting after"
          + " retries), Invalid, WriteFailed.")
  private String reason;

  @JsonPropertyDescription("A human-readable message; never credential data.")
  private String message;

  public Failure() {}

  public Failure(String namespace, String reason, String message) {
    this.namespace = namespace;
    this.reason = reason;
    this.message = message;
  }

  public String getNamespace() {
    return namespace;
  }

  public void setNamespace(String namespace) {
    this.namespace = namespace;
  }

  public String getReason() {
    return reason;
  }

  public void setReason(String reason) {
    this.reason = reason;
  }

  public String getMessage() {
    return message;
  }

  public void setMessage(String message) {
    this.message = message;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Failure f
        && Objects.equals(namespace, f.namespace)
        && Objects.equals(reason, f.reason)
        && Objects.equals(message, f.message);
  }

  @Override
  public int hashCode() {
    return Objects.hash(namespace, reason, message);
  }

  @Override
  public String toString() {
    return namespace + ": " + reason + ": " + message;
  }
}
