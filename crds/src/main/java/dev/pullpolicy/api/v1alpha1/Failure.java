package dev.pullpolicy.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.Objects;

/** Why one namespace is not in sync. */
public class Failure {
  @JsonPropertyDescription("The namespace.")
  private String namespace;

  @JsonPropertyDescription("A CamelCase reason, e.g. Conflict, Forbidden, WriteFailed.")
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
